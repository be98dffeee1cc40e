/**
 * The paged per-slot columns (`slot-pages.ts`): drift rows, compact fit rows and the recency list
 * keep every slot's state apart across page boundaries (slot 4095 | 4096 and further pages), grow
 * without moving what they hold, and answer as before the paging.
 */
import { describe, expect, it } from 'vitest';
import { CompactRows } from '../../../operators/store/compact-rows.js';
import { DriftColumns } from '../../../operators/store/drift-columns.js';
import { RecencyList } from '../../../operators/store/recency-list.js';
import { growDoubles, inPage, PAGE_SLOTS, pageOf } from '../../../operators/store/slot-pages.js';
import { MeanVar } from '../../../src/stats/mean-var.js';

const EDGES = [0, 1, PAGE_SLOTS - 1, PAGE_SLOTS, PAGE_SLOTS + 1, 2 * PAGE_SLOTS - 1, 2 * PAGE_SLOTS, 3 * PAGE_SLOTS + 7];

describe('slot pages', () => {
  it('put a slot in the page and place its index says; the first page doubles up to a page, then pages are added', () => {
    for (const s of EDGES) expect(pageOf(s) * PAGE_SLOTS + inPage(s)).toBe(s);
    expect(pageOf(PAGE_SLOTS - 1)).toBe(0);
    expect(pageOf(PAGE_SLOTS)).toBe(1);
    const pages: Float64Array<ArrayBuffer>[] = [];
    growDoubles(pages, 2, 1);
    expect(pages.map((p) => p.length)).toEqual([128]); // a first page of 64 slots
    pages[0]?.set([7, 8], 126);
    growDoubles(pages, 2, 65);
    expect(pages.map((p) => p.length)).toEqual([256]); // doubled, what it held kept
    expect([...(pages[0] as Float64Array).subarray(126, 128)]).toEqual([7, 8]);
    growDoubles(pages, 2, PAGE_SLOTS);
    expect(pages.map((p) => p.length)).toEqual([2 * PAGE_SLOTS]);
    const first = pages[0];
    growDoubles(pages, 2, 2 * PAGE_SLOTS + 1);
    expect(pages.map((p) => p.length)).toEqual([2 * PAGE_SLOTS, 2 * PAGE_SLOTS, 2 * PAGE_SLOTS]);
    expect(pages[0]).toBe(first); // full pages are never copied
    expect([...(pages[0] as Float64Array).subarray(126, 128)]).toEqual([7, 8]);
  });

  it('drift rows: each slot keeps its own row across pages; growing keeps what rows hold', () => {
    const c = new DriftColumns();
    c.grow(PAGE_SLOTS + 2);
    const check = { k: 0.5, clip: 4, h: Infinity, stuckAfter: 0 };
    const armAndObserve = (slot: number): void => {
      c.arm(slot, slot, 1, 0, 0, slot * 10);
      c.observeRun(slot, [slot + 3, slot + 3], 0, 2, check); // z = 3 twice: S⁺ = 2.5, then 5
    };
    for (const s of EDGES.filter((e) => e < PAGE_SLOTS + 2)) armAndObserve(s);
    const before = EDGES.filter((e) => e < PAGE_SLOTS + 2).map((s) => c.save(s));
    c.grow(4 * PAGE_SLOTS);
    for (const s of EDGES.filter((e) => e >= PAGE_SLOTS + 2)) armAndObserve(s);
    EDGES.filter((e) => e < PAGE_SLOTS + 2).forEach((s, i) => expect(c.save(s)).toEqual(before[i]));
    for (const s of EDGES) {
      expect(c.score(s)).toBe(5);
      expect(c.frozenAt(s)).toBe(s * 10);
      expect(c.run(s)).toBe(2);
    }
    expect(c.score(5)).toBe(0); // never armed: zero row
    const row = c.save(2 * PAGE_SLOTS);
    c.load(PAGE_SLOTS - 1, row);
    expect(c.save(PAGE_SLOTS - 1)).toEqual(row);
    expect(c.save(PAGE_SLOTS)).toEqual(before[EDGES.indexOf(PAGE_SLOTS)]); // its neighbour untouched
  });

  it('compact fit rows: rows on every page learn as MeanVar does, released rows come back zeroed', () => {
    const rows = new CompactRows();
    const n = 2 * PAGE_SLOTS + 10;
    const ids = Array.from({ length: n }, () => rows.allocate(0));
    expect(ids[n - 1]).toBe(n - 1);
    const refs = ids.map(() => new MeanVar());
    const out = new Float64Array(2);
    for (let k = 0; k < 3; k++) {
      for (const r of EDGES.filter((e) => e < n)) {
        const x = r * 0.5 + k * 1.25;
        rows.step(r, { value: x }, false, out);
        (refs[r] as MeanVar).update(x);
        expect(out[1]).toBe(k + 1);
      }
    }
    for (const r of EDGES.filter((e) => e < n)) {
      expect(rows.count(r)).toBe(3);
      expect(rows.mean(r)).toBe((refs[r] as MeanVar).mean);
      expect(rows.variance(r)).toBe((refs[r] as MeanVar).variance(0));
    }
    expect(rows.count(5)).toBe(0);
    rows.release(PAGE_SLOTS);
    expect(rows.allocate(3)).toBe(PAGE_SLOTS);
    expect(rows.count(PAGE_SLOTS)).toBe(0);
    expect(rows.epoch(PAGE_SLOTS)).toBe(3);
    expect(rows.count(PAGE_SLOTS + 1)).toBe(3);
    expect(rows.live).toBe(n);
  });

  it('recency list: least recent first across pages, after touches, removals and growth', () => {
    const list = new RecencyList(PAGE_SLOTS);
    list.grow(3 * PAGE_SLOTS);
    const slots = [PAGE_SLOTS + 1, 0, 2 * PAGE_SLOTS + 5, PAGE_SLOTS - 1, PAGE_SLOTS];
    slots.forEach((s, i) => list.add(s, i));
    expect(list.leastRecent()).toBe(PAGE_SLOTS + 1);
    list.touch(PAGE_SLOTS + 1, 10);
    expect(list.leastRecent()).toBe(0);
    list.remove(0);
    expect(list.leastRecent()).toBe(2 * PAGE_SLOTS + 5);
    list.grow(5 * PAGE_SLOTS);
    list.remove(2 * PAGE_SLOTS + 5);
    expect(list.leastRecent()).toBe(PAGE_SLOTS - 1);
    expect(list.seenAt(PAGE_SLOTS + 1)).toBe(10);
    expect(list.seenAt(PAGE_SLOTS)).toBe(4);
    list.remove(PAGE_SLOTS - 1);
    list.remove(PAGE_SLOTS);
    expect(list.leastRecent()).toBe(PAGE_SLOTS + 1);
    list.remove(PAGE_SLOTS + 1);
    expect(list.leastRecent()).toBe(-1);
  });
});
