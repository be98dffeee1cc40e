import { describe, expect, it } from 'vitest';
import { cusumStep } from '../../../src/drift/cusum.js';
import { DriftColumns } from '../../../operators/store/drift-columns.js';

/** A linear congruential generator in [0, 1): the same values on every run. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * DriftColumns.observeRun writes cusumStep's arithmetic out (no call may stay un-inlined in its
 * loop) and takes max(0, v) without a branch: its sums must be cusumStep's, bit for bit, for every
 * value, the edges included.
 */
describe('DriftColumns: the CUSUM sums are cusumStep’s', () => {
  function compare(center: number, invScale: number, xs: readonly number[], k: number, clip: number): void {
    const c = new DriftColumns();
    c.grow(1);
    c.arm(0, center, invScale, 0, 0, Number.NaN);
    const ref = new Float64Array(2);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as number;
      // h = +∞ and no stuck check: observeRun never stops, each call steps one value.
      expect(c.observeRun(0, [x], 0, 1, { k, clip, h: Infinity, stuckAfter: 0 })).toBe(-1);
      cusumStep(ref, 0, (x - center) * invScale + 0, k, clip);
      const row = c.save(0);
      expect([row[0], row[1]], `value ${i} (${x})`).toEqual([ref[0], ref[1]]);
      expect(Object.is(row[0], ref[0]) && Object.is(row[1], ref[1])).toBe(true);
    }
  }

  it('on ordinary values, in control and after a shift, with and without a clip', () => {
    const rand = seeded(7);
    const xs = Array.from({ length: 4000 }, (_, i) => 25 + (rand() - 0.5) * 6 + (i > 2500 ? 4 : 0));
    compare(25, 1 / 1.7, xs, 0.5, 4);
    compare(25, 1 / 1.7, xs, 0.5, Infinity);
    compare(25, 1 / 1.7, xs, 0, 4);
  });

  it('at the edges: sums past 2^1023, infinite z-scores, exact zeros', () => {
    const huge = [1e10, -1e10, 1e10, 1e10, 1e10, -1e10, 25, 25, 3e300, -3e300, 1e308, 1e308, -1e308];
    // invScale 1e300 makes z infinite for most of these (clip ∞ lets it through); 1e298 keeps sums near 2^1023.
    compare(25, 1e300, huge, 0.5, Infinity);
    compare(25, 1e298, huge, 0.5, Infinity);
    compare(0, 1, [8e307, 8e307, -8e307, 1.7e308, 1.7e308, -1.7e308], 0, Infinity);
    compare(25, 1, [25, 25.5, 24.5, 25, 25.5, 24.5], 0.5, 4);
  });

  it('stops at the first value whose larger sum passes h, with that sum as the score', () => {
    const c = new DriftColumns();
    c.grow(1);
    c.arm(0, 0, 1, 0, 0, Number.NaN);
    const xs = [1, 1, 1, 1, 1, -3, -3, -3, -3, -3, -3];
    // S⁺: 0.5, 1, 1.5, 2, 2.5 (no stop at h = 2.5), then S⁻ grows by 2.5: 2.5, 5 → stops at index 6.
    expect(c.observeRun(0, xs, 0, xs.length, { k: 0.5, clip: 4, h: 2.5, stuckAfter: 0 })).toBe(6);
    expect(c.runScore).toBe(5);
  });
});

/**
 * DriftColumns.observeReading writes observeRun's step out again for one reading (the per-reading
 * hot path): on every route of the step (cool-down, whitening, no spread, NaN and infinite values,
 * stuck runs, stops at h) its rows, returns and scores must be observeRun's, bit for bit.
 */
describe('DriftColumns: observeReading is observeRun on one value', () => {
  function same(center: number, invScale: number, phi: number, cooldown: number, xs: readonly number[], check: { k: number; clip: number; h: number; stuckAfter: number }): number {
    const byRun = new DriftColumns();
    const byReading = new DriftColumns();
    for (const c of [byRun, byReading]) {
      c.grow(1);
      c.arm(0, center, invScale, phi, cooldown, Number.NaN);
    }
    let stops = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as number;
      const a = byRun.observeRun(0, [x], 0, 1, check);
      const b = byReading.observeReading(0, { value: x }, check);
      expect(b, `value ${i} (${x})`).toBe(a);
      const rowA = byRun.save(0);
      const rowB = byReading.save(0);
      expect(rowB.every((v, j) => Object.is(v, rowA[j])), `row after value ${i} (${x}): ${rowB} vs ${rowA}`).toBe(true);
      if (a === 0) {
        stops++;
        expect(Object.is(byReading.runScore, byRun.runScore)).toBe(true);
        // As the engine does after an alarm: the sums start again.
        byRun.resetSums(0);
        byReading.resetSums(0);
        if (check.stuckAfter > 0 && byRun.run(0) >= check.stuckAfter) {
          byRun.resetRun(0);
          byReading.resetRun(0);
        }
      }
    }
    return stops;
  }

  const rand = seeded(11);
  const values = Array.from({ length: 3000 }, (_, i) => {
    const u = rand();
    if (i % 97 === 0) return Number.NaN;
    if (i % 211 === 0) return i % 2 ? Infinity : -Infinity;
    if (i % 13 < 3) return 25; // stuck runs
    return 25 + (u - 0.5) * 6 + (i > 1800 ? 5 : 0);
  });

  it('with alarms, a cool-down and stuck runs, without and with AR(1) whitening', () => {
    const check = { k: 0.5, clip: 4, h: 5, stuckAfter: 3 };
    expect(same(25, 1 / 1.7, 0, 40, values, check)).toBeGreaterThan(10);
    expect(same(25, 1 / 1.7, 0.6, 0, values, check)).toBeGreaterThan(10);
  });

  it('with every value checked (h = −∞), no clip, and for a series without spread (NaN scale)', () => {
    expect(same(25, 1 / 1.7, 0.3, 5, values, { k: 0.5, clip: Infinity, h: -Infinity, stuckAfter: 0 })).toBe(values.length);
    same(25, Number.NaN, 0, 0, values, { k: 0.5, clip: 4, h: 5, stuckAfter: 4 });
    same(0, 1e300, 0, 0, [1e10, -1e10, 1e10, 8e307, -8e307, 0, -0], { k: 0, clip: Infinity, h: Infinity, stuckAfter: 0 });
  });
});
