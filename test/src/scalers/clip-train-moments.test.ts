import { describe, expect, it } from 'vitest';
import { MeanVar, applyFrozen, createScaler, fromSklearn, invertFrozen, restoreScaler, saveScaler, wasClipped, type ScalerSpec } from 'streamnorm';
import { close, rng } from '../../helpers/fixtures.js';

const random = rng(5);
const values = Array.from({ length: 400 }, () => 50 + 20 * (random() - 0.5) + (random() < 0.02 ? 300 : 0));
const kinds: ScalerSpec[] = [
  { kind: 'standard' },
  { kind: 'minmax' },
  { kind: 'maxabs' },
  { kind: 'robust' },
  { kind: 'quantile', outputDistribution: 'normal' },
  { kind: 'quantile' },
];

describe('clip: [lo, hi] in output units, for every kind', () => {
  for (const base of kinds) {
    const spec = { ...base, clip: [-0.5, 0.5] as const } as ScalerSpec;
    it(`${JSON.stringify(base)}: outputs clipped while fitting and frozen; wasClipped says which; inverse of a bound is the bound's raw value`, () => {
      const plain = createScaler(base).learnMany(values);
      const clipped = createScaler(spec).learnMany(values);
      for (const phase of ['fitting', 'frozen']) {
        if (phase === 'frozen') {
          plain.freeze();
          clipped.freeze();
        }
        const p = clipped.params();
        expect(p.clip).toEqual([-0.5, 0.5]);
        let n = 0;
        for (const x of [-1e6, 0, 40, 49, 50, 51, 60, 200, 1e6, NaN]) {
          const y = plain.transform(x);
          const c = clipped.transform(x);
          const expected = y < -0.5 ? -0.5 : y > 0.5 ? 0.5 : y;
          expect(Object.is(c, expected), `${phase} ${x}: ${c} vs ${expected}`).toBe(true);
          // (a fitting standard scaler divides by the spread: within a rounding of applyFrozen)
          if (phase === 'frozen') expect(Object.is(applyFrozen(p, x), c)).toBe(true);
          else expect(close(applyFrozen(p, x), c, 1e-15)).toBe(true);
          expect(wasClipped(p, x)).toBe(y < -0.5 || y > 0.5);
          if (wasClipped(p, x)) n++;
        }
        expect(n).toBeGreaterThan(1);
        expect(close(invertFrozen(p, 0.5), plain.inverse(0.5), 1e-12)).toBe(true);
      }
      const back = restoreScaler(JSON.parse(JSON.stringify(saveScaler(clipped))));
      expect(back.params().clip).toEqual([-0.5, 0.5]);
      expect(Object.isFrozen(back.params().clip)).toBe(true);
    });
  }

  it('clip: true is the kind\'s own range (min-max feature range, quantile [0, 1]); kinds without one refuse it', () => {
    expect(createScaler({ kind: 'minmax', featureRange: [-1, 1], clip: true }).learnMany([0, 10]).transform(20)).toBe(1);
    expect(createScaler({ kind: 'quantile', clip: true }).learnMany([0, 10]).params().clip).toEqual([0, 1]);
    for (const kind of ['standard', 'maxabs', 'robust'] as const) expect(() => createScaler({ kind, clip: true })).toThrow(/clip: true needs an output range/);
    expect(() => createScaler({ kind: 'standard', clip: [1, 1] })).toThrow(/lo < hi/);
    expect(() => createScaler({ kind: 'standard', clip: [0, Infinity] })).toThrow(/finite/);
    expect(() => createScaler({ kind: 'standard', clip: 'yes' as never })).toThrow(/clip must be/);
  });

  it('no clip: wasClipped is false; a NaN output is not clipped', () => {
    const p = createScaler({ kind: 'standard' }).learnMany([1, 2, 3]).freeze();
    expect(wasClipped(p, 1e9)).toBe(false);
    expect(wasClipped(createScaler({ kind: 'standard', clip: [-1, 1] }).learnMany([1, 2, 3]).freeze(), NaN)).toBe(false);
  });

  it('imported statistics take the clip option too', () => {
    const s = fromSklearn('standard', { mean_: 10, var_: 4, scale_: 2, n_samples_seen_: 9 }, { clip: [-1, 1] });
    expect([s.transform(14), s.transform(11), wasClipped(s.params(), 14)]).toEqual([1, 0.5, true]);
  });
});

describe('trainMean and trainStd: the training moments of every kind in FrozenParams', () => {
  const direct = new MeanVar().updateMany(values);
  for (const spec of kinds) {
    it(`${JSON.stringify(spec)}: equal to the mean and population std of the values learned; kept by snapshots and merges`, () => {
      const s = createScaler(spec).learnMany([...values, NaN, 'x']);
      const p = s.freeze();
      expect(close(p.trainMean!, direct.mean, 1e-15)).toBe(true);
      expect(close(p.trainStd!, Math.sqrt(direct.variance()), 1e-14)).toBe(true);
      expect(p.count).toBe(values.length);
      const back = restoreScaler(JSON.parse(JSON.stringify(saveScaler(s))));
      expect(back.params().trainMean).toBe(p.trainMean);
      expect(back.params().trainStd).toBe(p.trainStd);
      const fitting = restoreScaler(JSON.parse(JSON.stringify(saveScaler(createScaler(spec).learnMany(values.slice(0, 100))))));
      const other = createScaler(spec).learnMany(values.slice(100));
      (fitting as { merge(o: unknown): unknown }).merge(other);
      expect(close(fitting.params().trainMean!, direct.mean, 1e-14)).toBe(true);
      expect(close(fitting.params().trainStd!, Math.sqrt(direct.variance()), 1e-13)).toBe(true);
      s.refit();
      expect(s.params().trainMean).toBeNaN();
    });
  }

  it('with a pre-transform they describe the transformed values; unknown ones are NaN', () => {
    const p = createScaler({ kind: 'maxabs', pre: 'log' }).learnMany([1, Math.E, Math.E ** 2]).freeze();
    expect(close(p.trainMean!, 1, 1e-15)).toBe(true);
    expect(fromSklearn('maxabs', { max_abs_: 2, scale_: 2 }).params().trainMean).toBeNaN();
    const std = fromSklearn('standard', { mean_: 10, var_: 4, scale_: 2, n_samples_seen_: 9 }).params();
    expect([std.trainMean, std.trainStd]).toEqual([10, 2]);
    // a state written before these fields existed restores with them unknown
    const state = JSON.parse(JSON.stringify(saveScaler(createScaler({ kind: 'minmax' }).learnMany([1, 2, 3]))));
    delete state.moments;
    expect(restoreScaler(state).params().trainMean).toBeNaN();
  });
});
