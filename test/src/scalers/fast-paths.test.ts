import { describe, expect, it } from 'vitest';
import { applyFrozen, createScaler, type FrozenParams, type ScalerSpec } from 'streamnorm';
import { rng } from '../../helpers/fixtures.js';


const SPECS: ScalerSpec[] = [
  { kind: 'standard' },
  { kind: 'standard', withMean: false },
  { kind: 'standard', withStd: false },
  { kind: 'standard', pre: 'log' },
  { kind: 'standard', pre: 'log1p', zeroSpread: 'nan' },
  { kind: 'standard', clip: [-1e300, 1e300] }, // the options path of transform with the defaults' arithmetic
  { kind: 'minmax' },
  { kind: 'minmax', featureRange: [-1, 1], clip: true },
  { kind: 'maxabs', pre: 'log1p' },
  { kind: 'robust' },
  { kind: 'robust', zeroSpread: 'nan' },
];

/** Random training values: offsets, stuck runs, tiny spreads, and some invalid or out-of-domain ones. */
function values(r: () => number, n: number): unknown[] {
  const offset = [0, 1e9, -3, 1e-6][Math.floor(r() * 4)] as number;
  const stuck = r() < 0.2;
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.05) out.push([NaN, Infinity, null, '7', -1][Math.floor(r() * 5)]);
    else out.push(stuck ? offset + 1 : offset + (r() - 0.3) * 10 * r());
  }
  return out;
}

/**
 * What transform gives while fitting, from the provisional parameters: `applyFrozen`, except that a
 * standard scaler with a non-zero spread divides by the scale (one rounding, as scikit-learn does)
 * instead of multiplying by its reciprocal.
 */
function generalProvisional(spec: ScalerSpec, p: FrozenParams, x: number): number {
  if (spec.kind !== 'standard' || spec.withStd === false || p.zeroSpread || p.count === 0) return applyFrozen(p, x);
  const v = p.pre === 'none' ? x : p.pre === 'log' ? (x > 0 ? Math.log(x) : NaN) : x > -1 ? Math.log1p(x) : NaN;
  return (v - p.center) / p.scale + 0;
}

describe('scaler fast paths are bit-identical to the general ones', () => {
  for (const spec of SPECS) {
    it(`${JSON.stringify(spec)}: transform while fitting === the provisional parameters' transform on random states`, () => {
      const r = rng(42);
      let checked = 0;
      for (let trial = 0; trial < 60; trial++) {
        const s = createScaler(spec);
        // Before any value: NaN from both.
        expect(Object.is(s.transform(1), applyFrozen(s.params(), 1))).toBe(true);
        for (const v of values(r, Math.floor(r() * 40))) {
          s.learn(v);
          for (const x of [r() * 20 - 5, 0, -0, 1e9, NaN, -1, 1]) {
            const fast = s.transform(x);
            const general = generalProvisional(spec, s.params(), x);
            if (!Object.is(fast, general)) throw new Error(`${JSON.stringify(spec)} x=${x}: ${fast} !== ${general}`);
            // A division instead of a multiplication by the reciprocal: at most a rounding apart.
            const viaReciprocal = applyFrozen(s.params(), x);
            if (!(Object.is(fast, viaReciprocal) || Math.abs(fast - viaReciprocal) <= 4.5e-16 * Math.abs(viaReciprocal))) throw new Error(`${JSON.stringify(spec)} x=${x}: ${fast} vs ${viaReciprocal}`);
            checked++;
          }
        }
        s.freeze();
        expect(Object.is(s.transform(3), applyFrozen(s.params(), 3))).toBe(true);
      }
      expect(checked).toBeGreaterThan(1000);
    });

    it(`${JSON.stringify(spec)}: learnValid on finite numbers === learn`, () => {
      const r = rng(7);
      for (let trial = 0; trial < 30; trial++) {
        const a = createScaler(spec);
        const b = createScaler(spec);
        for (const v of values(r, 30)) {
          if (typeof v !== 'number' || !Number.isFinite(v)) continue; // learnValid's precondition
          expect(a.learnValid(v)).toBe(b.learn(v));
        }
        expect(a.statsState()).toEqual(b.statsState());
        expect(a.invalid).toEqual(b.invalid);
        expect(a.params()).toEqual(b.params());
      }
    });
  }

  it('learnValid on a frozen scaler throws, as learn does', () => {
    const s = createScaler({ kind: 'standard' });
    s.learn(1);
    s.freeze();
    expect(() => s.learnValid(2)).toThrow(/frozen/);
  });
});
