/**
 * The compact fit's per-reading step (`CompactRows.step`) writes out the provisional output of
 * `meanVarRowMean`, `meanVarRowVariance` and `standardizeProvisional` (calls V8 may leave
 * un-inlined on the hot path). These tests hold it to a `StandardScaler`'s `learn` + `transform`,
 * bit for bit, on the sequences where the arithmetic has edges: zero spread (both rules), a spread
 * under the zero-spread threshold, large offsets, signed zeros, subnormals and values of every scale.
 */
import { describe, expect, it } from 'vitest';
import { CompactRows } from '../../../operators/store/compact-rows.js';
import { StandardScaler } from '../../../src/scalers/standard.js';
import { rng } from '../../helpers/fixtures.js';

const bits = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

/** Runs `values` through a compact row and through a StandardScaler; returns both output lists as bit strings. */
function both(values: readonly number[], zeroSpread: 'unit' | 'nan'): { ours: string[]; scaler: string[]; counts: number[] } {
  const rows = new CompactRows();
  const row = rows.allocate(0);
  const out = new Float64Array(2);
  const ref = new StandardScaler({ zeroSpread });
  const ours: string[] = [];
  const scaler: string[] = [];
  const counts: number[] = [];
  for (const x of values) {
    rows.step(row, { value: x }, zeroSpread === 'nan', out);
    ours.push(bits(out[0] as number));
    counts.push(out[1] as number);
    ref.learn(x);
    scaler.push(bits(ref.transform(x)));
  }
  return { ours, scaler, counts };
}


const EDGE_SEQUENCES: Record<string, number[]> = {
  constant: [5, 5, 5, 5],
  zeros: [0, -0, 0, -0],
  'negative zero first': [-0, 1, -0],
  'large offset, tiny spread': [1e9 + 1e-3, 1e9 - 2e-3, 1e9, 1e9 + 5e-4],
  // The zero-spread threshold is 10 ulps of the mean (10 · ε · |mean| ≈ 2.22 at 1e15): a spread of
  // 1.5 is under it (zero spread), 3 over it.
  'spread just under the zero-spread threshold': [1e15 - 1.5, 1e15 + 1.5, 1e15 - 1.5, 1e15 + 1.5],
  'spread just over the zero-spread threshold': [1e15 - 3, 1e15 + 3, 1e15 - 3, 1e15 + 3],
  subnormals: [5e-324, 1e-320, 0, 2.5e-310],
  'mixed scales': [3, -7.25, 1e-300, 0.1, 0.2, 0.3, 42, -1e300, 1e300],
  'cancelling sum': [1e16, 1, -1e16, 1, 3],
};

describe('CompactRows.step (the compact fit per reading)', () => {
  for (const zeroSpread of ['unit', 'nan'] as const) {
    it(`gives a StandardScaler's provisional outputs, bit for bit, on edge sequences (zeroSpread '${zeroSpread}')`, () => {
      for (const [name, values] of Object.entries(EDGE_SEQUENCES)) {
        const { ours, scaler, counts } = both(values, zeroSpread);
        expect(ours, name).toEqual(scaler);
        expect(counts, name).toEqual(values.map((_, i) => i + 1));
      }
    });

    it(`gives a StandardScaler's provisional outputs, bit for bit, on random sequences of every scale (zeroSpread '${zeroSpread}')`, () => {
      for (let seed = 1; seed <= 40; seed++) {
        const next = rng(seed); // a failure names its sequence by the seed
        const offset = (next() - 0.5) * 10 ** Math.floor(next() * 24 - 6);
        const scale = 10 ** Math.floor(next() * 20 - 12);
        // Every fifth sequence repeats values (runs of zero spread inside a window).
        const values = Array.from({ length: 60 }, (_, i) => (seed % 5 === 0 && i % 3 !== 0 ? offset : offset + (next() - 0.5) * scale));
        const { ours, scaler } = both(values, zeroSpread);
        expect(ours, `seed ${seed}`).toEqual(scaler);
      }
    });
  }

  it('NaN under zero spread only with the nan rule; x − mean (0, never −0) with the unit rule', () => {
    expect(both([2, 2], 'nan').ours).toEqual(['NaN', 'NaN']);
    expect(both([2, 2], 'unit').ours).toEqual(['0', '0']);
    expect(both([-0], 'unit').ours).toEqual(['0']);
  });
});
