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
});
