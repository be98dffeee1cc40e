/**
 * The benchmark's hand-written baselines compute what the library computes, bit for bit: the frozen
 * map + Map transform against `normalize` on a store of frozen series, and the same-arithmetic fit
 * (shifted Welford, compensated mean, zero-spread rule, window times) against `normalize` fitting,
 * on values at large offsets, a stuck series and interleaved series.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { handFitStep, handFrozenStep, type HandFit, type HandFrozen } from '../../bench/hand.js';
import { normalize, SeriesStore } from '../../operators/index.js';
import type { Reading } from '../../src/reading.js';
import { StandardScaler } from '../../src/scalers/standard.js';

function readings(): Reading[] {
  const out: Reading[] = [];
  let s = 7;
  for (let i = 0; i < 3000; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const k = s % 5;
    const noise = (s >>> 8) / 2 ** 24;
    const value = k === 0 ? 1e9 + noise * 1e-3 : k === 1 ? 42 : k === 2 ? -3.5 + noise : k === 3 ? noise * 1e-300 : 20 + noise * 10;
    out.push({ series: `s${k}`, value, time: 1_700_000_000_000 + i * 10 });
  }
  return out;
}

describe('bench baselines', () => {
  it('the frozen map + Map transform is the operator on a store, bit for bit', async () => {
    const input = readings();
    const store = new SeriesStore({ drift: false });
    const stats = new Map<string, HandFrozen>();
    for (let k = 0; k < 5; k++) {
      const p = new StandardScaler().learnMany([k, k * 3.7 + 1, 11.25, -k / 7]).freeze();
      store.versions.setFrozen(`s${k}`, p, { kind: 'standard' });
      stats.set(`s${k}`, { center: p.center, inv: p.invScale, version: p.version });
    }
    const ours = await lastValueFrom(from(input).pipe(normalize({ store }), toArray()));
    const hand = input.map((r) => handFrozenStep(stats, r));
    expect(ours.length).toBe(hand.length);
    ours.forEach((o, i) => expect(o).toEqual(hand[i]));
  });

  it("the same-arithmetic fit is the operator's provisional outputs, bit for bit", async () => {
    const input = readings();
    const ours = await lastValueFrom(from(input).pipe(normalize({ freeze: 'never' }), toArray()));
    const fits = new Map<string, HandFit>();
    const hand = input.map((r) => handFitStep(fits, r));
    expect(ours.length).toBe(hand.length);
    ours.forEach((o, i) => {
      expect(Object.is(o.value, hand[i]?.value), `reading ${i}: ${o.value} vs ${hand[i]?.value}`).toBe(true);
      expect(o).toEqual(hand[i]);
    });
    const sample = ours.filter((o) => o.series === 's0').slice(-1)[0];
    expect(Number.isFinite(sample?.value)).toBe(true); // 1e9 ± 1e-3 standardizes (not a zero spread)
    expect(ours.filter((o) => o.series === 's1').every((o) => o.value === 0)).toBe(true); // the stuck series: x − mean
  });
});
