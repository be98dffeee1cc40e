/**
 * The store's id index: one `Map` below its split point (insertion order kept), sixteen past it;
 * every lookup, update, deletion and iteration answers as one `Map` would.
 */
import { describe, expect, it } from 'vitest';
import { SeriesIndex, SPLIT_AT } from '../../../operators/store/series-index.js';

describe('SeriesIndex', () => {
  it('keeps insertion order below its split point', () => {
    const ix = new SeriesIndex();
    for (const id of ['c', 'a', 'b']) ix.set(id, id.charCodeAt(0));
    expect([...ix.keys()]).toEqual(['c', 'a', 'b']);
    expect([...ix]).toEqual([['c', 99], ['a', 97], ['b', 98]]);
    expect(ix.size).toBe(3);
  });

  it('answers as a Map past its split point: get, set (new and existing), has, delete, size, iteration', () => {
    const ix = new SeriesIndex();
    const map = new Map<string, number>();
    const n = SPLIT_AT * 3 + 17;
    const ids = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `sensor-${i}` : i % 3 === 1 ? `plant/${i % 7}/line-${i}/temperature/celsius` : `${i}`));
    ids.push('', 'x', 'é-ü-ß-長い名前-0123456789');
    ids.forEach((id, i) => {
      ix.set(id, i);
      map.set(id, i);
    });
    for (let i = 0; i < ids.length; i += 5) {
      ix.set(ids[i] as string, -i); // an existing id: updated, not added
      map.set(ids[i] as string, -i);
    }
    for (let i = 1; i < ids.length; i += 7) expect(ix.delete(ids[i] as string)).toBe(map.delete(ids[i] as string));
    expect(ix.delete('never-added')).toBe(false);
    expect(ix.size).toBe(map.size);
    for (const id of ids) {
      expect(ix.get(id)).toBe(map.get(id));
      expect(ix.has(id)).toBe(map.has(id));
    }
    expect(new Map(ix)).toEqual(map);
    expect(new Set(ix.keys())).toEqual(new Set(map.keys()));
  });

  it('walks every id and slot once with a cursor, one Map or sixteen, resumable between calls', () => {
    for (const count of [0, 5, SPLIT_AT * 2 + 9]) {
      const ix = new SeriesIndex();
      for (let i = 0; i < count; i++) ix.set(`dev${i}/t`, i);
      const c = ix.cursor();
      const seen = new Map<string, number>();
      const step = (): boolean => {
        if (!c.next()) return false;
        expect(seen.has(c.id)).toBe(false);
        seen.set(c.id, c.slot);
        return true;
      };
      while (seen.size < count / 2 && step()); // a first slice, then the rest
      while (step());
      expect(seen).toEqual(new Map(ix));
      expect(c.next()).toBe(false); // stays done
    }
  });

  it('a cursor across the split: never meets an id deleted after the split, meets every id still there', () => {
    const ix = new SeriesIndex();
    for (let i = 0; i < 10; i++) ix.set(`a${i}`, i);
    const c = ix.cursor();
    expect(c.next()).toBe(true); // one id walked before the split
    for (let i = 0; i < SPLIT_AT; i++) ix.set(`b${i}`, 100 + i); // the index splits
    for (let i = 0; i < 10; i += 2) ix.delete(`a${i}`); // deleted after the split, slots free for reuse
    const met = new Map<string, number>();
    while (c.next()) met.set(c.id, c.slot);
    for (let i = 0; i < 10; i += 2) expect(met.has(`a${i}`)).toBe(false);
    expect(met).toEqual(new Map(ix));
  });

  it('looks a batch up as get does, one Map or sixteen: found slots, −1 for ids it lacks, only the first n items', () => {
    for (const count of [10, SPLIT_AT * 2 + 3]) {
      const ix = new SeriesIndex();
      const ids = Array.from({ length: count }, (_, i) => `site${i % 7}/dev${i}/temperature`);
      ids.forEach((id, i) => ix.set(id, i * 2));
      const items = [...ids, 'absent', ''].reverse().map((series) => ({ series }));
      const slots = new Int32Array(items.length + 5).fill(99);
      ix.lookupMany(items, items.length - 1, slots);
      for (let i = 0; i < items.length - 1; i++) expect(slots[i]).toBe(ix.get((items[i] as { series: string }).series) ?? -1);
      expect([...slots.subarray(0, 3)]).toEqual([-1, -1, (count - 1) * 2]); // '', 'absent', the last id
      expect(slots[items.length - 2]).toBe(2); // the second id
      expect([...slots.subarray(items.length - 1)]).toEqual([99, 99, 99, 99, 99, 99]); // the first id was not asked for
    }
  });
});
