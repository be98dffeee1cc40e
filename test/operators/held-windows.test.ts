import { describe, expect, it } from 'vitest';
import { HeldWindows } from '../../operators/engine/held-windows.js';
import { resolveNormalizeOptions } from '../../operators/engine/options.js';
import { SeriesStore } from '../../operators/index.js';
import type { Reading } from '../../src/reading.js';
import { StandardScaler } from '../../src/index.js';

/**
 * The held windows keep released windows as tombstones (no `Map.delete`, whose shrink rehashed
 * a quarter of a million entries in one call) and compact a map that is mostly tombstones a few
 * entries per operation. Checked against a plain model through enough windows to compact several
 * times, with windows held again while their tombstones are in the draining map.
 */
describe('held windows: tombstones and compaction', () => {
  it('emits every held reading once, in order, as a plain Map model does', () => {
    const store = new SeriesStore();
    const params = new StandardScaler().learnMany([1, 2, 3]).freeze(1);
    const emitted: [string, number, string][] = [];
    const held = new HeldWindows(resolveNormalizeOptions({ whileFitting: 'hold', holdLimit: 1000 }), store, (id, r, _v, _phase, _version, flag) => emitted.push([id, r.value as number, flag ?? '']));
    const model = new Map<string, number[]>();
    const want: [string, number, string][] = [];
    let s = 3;
    const rand = (n: number): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % n);
    let value = 0;
    let drainingSteps = 0;
    for (let step = 0; step < 200_000; step++) {
      // phases: mostly holds, then mostly releases, so the live count swings far below a quarter of the map
      const phase = Math.floor(step / 25_000) % 2;
      const id = `s${rand(30_000)}`;
      const op = rand(100);
      if (op < (phase === 0 ? 70 : 10)) {
        const r: Reading = { series: id, value: ++value };
        held.hold(id, -1, r, value);
        model.set(id, [...(model.get(id) ?? []), value]);
      } else if (op < 98) {
        held.release(id, params);
        for (const v of model.get(id) ?? []) want.push([id, v, 'held']);
        model.delete(id);
      } else {
        held.evicted(id);
        for (const v of model.get(id) ?? []) want.push([id, v, 'raw']);
        model.delete(id);
      }
      if ((held as unknown as { draining?: unknown }).draining !== undefined) drainingSteps++; // white box: the compaction ran
      if (step % 997 === 0) expect(held.size, `step ${step}`).toBe(model.size);
    }
    expect(emitted).toEqual(want);
    expect(held.size).toBe(model.size);
    expect(drainingSteps).toBeGreaterThan(1000);
    held.finalize();
    expect(held.size).toBe(0);
    expect(store.diag.totals.discardedOnUnsubscribe).toBe([...model.values()].reduce((a, l) => a + l.length, 0));
  });

  it('drops every tombstone at once when the last window is released', () => {
    const store = new SeriesStore();
    const params = new StandardScaler().learnMany([1, 2, 3]).freeze(1);
    let out = 0;
    const held = new HeldWindows(resolveNormalizeOptions({ whileFitting: 'hold' }), store, () => out++);
    for (let i = 0; i < 10_000; i++) held.hold(`s${i}`, -1, { series: `s${i}`, value: i }, i);
    for (let i = 0; i < 10_000; i++) held.release(`s${i}`, params);
    expect([held.size, out]).toEqual([0, 10_000]);
    held.hold('s1', -1, { series: 's1', value: 1 }, 1);
    held.release('s1', params);
    expect(out).toBe(10_001);
  });
});
