import { describe, expect, it } from 'vitest';
import { QuantileScaler, applyFrozen, createScaler, fromSklearn, fromSklearnFeatures, invertFrozen, normalPpf, restoreScaler, saveScaler, toSklearn, type QuantileMap, type QuantileOptions } from 'streamnorm';
import { erfc } from '../../../src/stats/normal-ppf.js';
import { close, loadFixture, nan, nans, rng } from '../../helpers/fixtures.js';

interface QuantileExpected {
  quantiles_: number[];
  references_: number[];
  transform: (number | null)[];
  inverse_transform: (number | null)[];
}

/**
 * The inverse's tolerance: 1e-12 relative, except where the map is so steep that one rounding of
 * Φ(y) (an ulp of u, which no double-precision Φ avoids, scipy's included) moves the result by
 * more: there the bound is 4 ulps of u times the slope of the map's segment. Inverting scikit-learn's
 * own outputs (and, on the project's generated inputs, our own at one point), this applies only on
 * lognormal_outliers/n_quantiles=10/normal, on the segment up to the outlier, where the slope is
 * about 1e6 and one ulp of u is 1e-10 in x; everywhere else the inverse agrees to 1e-12.
 */
function inverseTolerance(m: QuantileMap, y: number): number {
  const u = m.output === 'normal' ? 0.5 * erfc(-y / Math.SQRT2) : y;
  const r = m.references;
  const q = m.quantiles;
  let j = 0;
  while (j + 2 < r.length && (r[j + 1] as number) <= u) j++;
  const slope = ((q[j + 1] ?? q[j]!) - q[j]!) / ((r[j + 1] ?? 1) - r[j]! || 1);
  const ulp = 2 ** (Math.floor(Math.log2(Math.max(u, 2 ** -1022))) - 52);
  return Math.max(1e-12 * Math.abs(invertFrozenRef(m, u)), 4 * slope * ulp);
}
const invertFrozenRef = (m: QuantileMap, u: number): number => m.quantiles[Math.min(m.quantiles.length - 1, Math.round(u * (m.quantiles.length - 1)))]!;

const optionsOf = (params: Record<string, unknown>): QuantileOptions => ({
  nQuantiles: params.n_quantiles as number,
  outputDistribution: params.output_distribution as 'uniform' | 'normal',
});

describe('QuantileScaler (exact mode) against scikit-learn QuantileTransformer (quantile.json)', () => {
  for (const c of loadFixture('quantile')) {
    const e = c.expected as unknown as QuantileExpected;
    const fit = (): QuantileScaler => {
      const s = new QuantileScaler(optionsOf(c.params));
      for (const chunk of c.fit_chunks!) s.learnMany(nans(chunk));
      return s;
    };

    it(`${c.name}: quantiles_ and references_ bit for bit`, () => {
      const out = toSklearn(fit());
      expect(out.n_quantiles_).toBe(e.quantiles_.length);
      expect(out.references_).toEqual(e.references_);
      expect(out.quantiles_).toEqual(e.quantiles_);
    });

    it(`${c.name}: transform and inverse_transform to 1e-12`, () => {
      const s = fit();
      const frozen = s.freeze();
      const test = nans(c.test!);
      test.forEach((x, i) => {
        const y = applyFrozen(frozen, x);
        const ref = nan(e.transform[i]);
        expect(close(y, ref, 1e-12, 1), `transform(${x}) = ${y} vs ${ref}`).toBe(true);
        const back = invertFrozen(frozen, y);
        const refBack = nan(e.inverse_transform[i]);
        // Our transform then our inverse: 1e-12, except at a steep segment where an ulp of Φ moves x more (as below).
        expect(close(back, refBack, 1e-12) || Math.abs(back - refBack) <= inverseTolerance(frozen.quantileMap!, y), `inverse(${y}) = ${back} vs ${refBack}`).toBe(true);
        // scikit-learn's own output inverted: 1e-12 except where the map's slope amplifies an ulp of Φ
        if (Number.isNaN(ref)) return;
        const fromRef = invertFrozen(frozen, ref);
        expect(close(fromRef, refBack, 1e-12) || Math.abs(fromRef - refBack) <= inverseTolerance(frozen.quantileMap!, ref), `inverse(${ref}) = ${fromRef} vs ${refBack}`).toBe(true);
        expect(Object.is(s.transform(x), y)).toBe(true);
      });
    });
  }

  it('measured: worst errors over all cases', () => {
    let transform = 0;
    let inverse = 0;
    let bitsDiffer = 0;
    let values = 0;
    let illConditioned = 0;
    let inverseOfRef = 0;
    for (const c of loadFixture('quantile')) {
      const e = c.expected as unknown as QuantileExpected;
      const s = new QuantileScaler(optionsOf(c.params));
      for (const chunk of c.fit_chunks!) s.learnMany(nans(chunk));
      const p = s.freeze();
      nans(c.test!).forEach((x, i) => {
        const y = applyFrozen(p, x);
        const ref = nan(e.transform[i]);
        if (Number.isNaN(ref)) return;
        values++;
        if (!Object.is(y, ref)) bitsDiffer++;
        transform = Math.max(transform, Math.abs(y - ref));
        const refBack = nan(e.inverse_transform[i]);
        const scale = Math.max(Math.abs(refBack), Number.MIN_VALUE);
        const ours = Math.abs(invertFrozen(p, y) - refBack) / scale;
        if (ours <= 1e-12) inverse = Math.max(inverse, ours);
        const err = Math.max(ours, Math.abs(invertFrozen(p, ref) - refBack) / scale);
        if (err > 1e-12) {
          illConditioned++;
          inverseOfRef = Math.max(inverseOfRef, err);
        }
      });
    }
    console.log(
      `quantile.json: ${values} transforms, ${bitsDiffer} not bit-identical, max |Δ| ${transform.toExponential(2)}; ` +
        `inverse max relative ${inverse.toExponential(2)} where well conditioned; beyond 1e-12 at ${illConditioned} ill-conditioned points (max ${inverseOfRef.toExponential(2)}, each within 4 ulps of Φ times the segment's slope)`,
    );
    expect(transform).toBeLessThan(1e-12);
    expect(inverse).toBeLessThan(1e-12);
    expect(illConditioned).toBeLessThanOrEqual(2);
  });
});

describe('QuantileScaler semantics', () => {
  it('ties land mid-range (two-sided interpolation); the ends map to 0 and 1', () => {
    const s = new QuantileScaler({ nQuantiles: 5 }).learnMany([1, 2, 2, 2, 3]);
    expect(toSklearn(s).quantiles_).toEqual([1, 2, 2, 2, 3]);
    expect(s.transform(2)).toBe(0.5);
    expect(s.transform(1)).toBe(0);
    expect(s.transform(3)).toBe(1);
    expect(s.transform(-10)).toBe(0);
  });

  it("normal output is clipped where scikit-learn clips: Φ⁻¹(1e-7 − 2⁻⁵²) and Φ⁻¹(1 − (1e-7 − 2⁻⁵²)), which differ in the 10th digit", () => {
    const low = normalPpf(1e-7 - 2 ** -52);
    const high = -normalPpf(1 - (1 - (1e-7 - 2 ** -52))); // 1 − p is exact: the upper tail's own probability
    expect(close(low, -5.199337582605575, 1e-15)).toBe(true);
    expect(close(high, 5.19933758270342, 1e-15)).toBe(true);
    const s = new QuantileScaler({ outputDistribution: 'normal' }).learnMany([1, 2, 3]);
    expect(s.transform(-1e300)).toBe(-5.199337582605575);
    expect(s.transform(1e300)).toBe(5.19933758270342);
    expect(s.params().clip).toBeUndefined();
    expect(new QuantileScaler({ outputDistribution: 'normal', clip: true }).learnMany([1, 2]).params().clip).toEqual([-5.199337582605575, 5.19933758270342]);
  });

  it('n_quantiles_ = min(nQuantiles, rows), rows counting NaN and null refused by learn(), as scikit-learn', () => {
    const s = new QuantileScaler().learnMany([1, 2, NaN, null, 'x', 3]);
    expect([s.count, s.missing, toSklearn(s).n_quantiles_]).toEqual([3, 2, 5]);
    expect(s.invalid['not-a-number']).toBe(1);
    s.refit();
    expect(s.missing).toBe(0);
  });

  it('a constant window is a zero spread: scikit-learn outputs under unit, NaN under nan', () => {
    const unit = new QuantileScaler().learnMany([4, 4, 4]);
    expect([unit.transform(4), unit.params().zeroSpread]).toEqual([0, true]);
    const nanPolicy = new QuantileScaler({ zeroSpread: 'nan' }).learnMany([4, 4, 4]);
    expect(nanPolicy.transform(4)).toBeNaN();
    expect(new QuantileScaler().transform(1)).toBeNaN(); // nothing learned yet
  });

  it('the frozen form is not affine: center is NaN, so code reading it as (x − center)·invScale gets NaN', () => {
    const p = new QuantileScaler().learnMany([1, 2, 3, 4]).freeze();
    expect([p.center, p.scale, p.offset, p.kind]).toEqual([NaN, 1, 0, 'quantile']);
    expect((2 - p.center) * p.invScale).toBeNaN();
    expect(Object.isFrozen(p.quantileMap) && Object.isFrozen(p.quantileMap!.quantiles)).toBe(true);
  });

  it('pre-transform: the map is fitted on log values; inverse undoes both', () => {
    const s = new QuantileScaler({ pre: 'log', nQuantiles: 3 }).learnMany([1, Math.E, Math.E ** 2]);
    expect(s.transform(Math.E)).toBe(0.5);
    expect(s.inverse(0.5)).toBeCloseTo(Math.E, 14);
    expect(s.learn(-1)).toBe('out-of-domain');
  });

  it('refuses bad options with the option named', () => {
    expect(() => new QuantileScaler({ nQuantiles: 0 })).toThrow(/nQuantiles/);
    expect(() => new QuantileScaler({ outputDistribution: 'laplace' as never })).toThrow(/outputDistribution/);
  });
});

describe('QuantileScaler beyond the buffer: the KLL sketch, error stated in rank', () => {
  const random = rng(42);
  // heavy-tailed training data: a lognormal
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const train = Array.from({ length: 60_000 }, () => Math.exp(gauss()));
  const sorted = train.slice().sort((a, b) => a - b);
  const cdf = (x: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo / sorted.length;
  };

  it('uniform output within ε + 1/(n − 1) of the training CDF (ε = 0.9% for k = 300)', () => {
    const s = new QuantileScaler({ exactLimit: 1000, nQuantiles: 200 }).learnMany(train);
    expect(s.stats.mode).toBe('sketch');
    let worst = 0;
    for (let i = 1; i < 1000; i++) {
      const x = sorted[Math.floor((i / 1000) * sorted.length)] as number;
      worst = Math.max(worst, Math.abs(s.transform(x) - cdf(x)));
    }
    console.log(`quantile sketch mode (60 000 lognormal values, k = 300): max |u − F(x)| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(0.009 + 1 / 199);
  });

  it('in normal output units the same rank error is unbounded in the tails', () => {
    const exact = new QuantileScaler({ exactLimit: 100_000, outputDistribution: 'normal' }).learnMany(train);
    const sketch = new QuantileScaler({ exactLimit: 1000, outputDistribution: 'normal' }).learnMany(train);
    const x = sorted[sorted.length - 3] as number; // far in the upper tail
    const gap = Math.abs(exact.transform(x) - sketch.transform(x));
    const middle = Math.abs(exact.transform(sorted[30_000] as number) - sketch.transform(sorted[30_000] as number));
    expect(middle).toBeLessThan(0.05);
    expect(gap).toBeGreaterThan(10 * middle);
  });
});

describe('QuantileScaler: merge, snapshot, scikit-learn in and out', () => {
  const values = Array.from({ length: 500 }, (_, i) => Math.sin(i) * 100 + (i % 7));

  it('exact buffers concatenate on merge: the same map as one scaler fitted on all values', () => {
    const a = new QuantileScaler({ nQuantiles: 50 }).learnMany(values.slice(0, 200));
    const b = new QuantileScaler({ nQuantiles: 50 }).learnMany([...values.slice(200), NaN]);
    const all = new QuantileScaler({ nQuantiles: 50 }).learnMany([...values, NaN]);
    const merged = a.merge(b).freeze();
    const whole = all.freeze();
    expect(merged.quantileMap).toEqual(whole.quantileMap);
    expect([merged.count, merged.zeroSpread]).toEqual([whole.count, whole.zeroSpread]);
    // the training moments merge by Chan et al.: equal to rounding
    expect(close(merged.trainMean!, whole.trainMean!, 1e-14) && close(merged.trainStd!, whole.trainStd!, 1e-14)).toBe(true);
  });

  it('a merge beyond the buffer is a KLL merge', () => {
    const a = new QuantileScaler({ exactLimit: 300 }).learnMany(values.slice(0, 250));
    const b = new QuantileScaler({ exactLimit: 300 }).learnMany(values.slice(250));
    a.merge(b);
    expect(a.stats.mode).toBe('sketch');
    expect(a.count).toBe(500);
  });

  it('snapshot: fitting and frozen states restore with bit-identical outputs and inverses', () => {
    for (const spec of [{ kind: 'quantile' as const, nQuantiles: 100 }, { kind: 'quantile' as const, outputDistribution: 'normal' as const, exactLimit: 100 }]) {
      for (const freeze of [false, true]) {
        const s = createScaler(spec).learnMany([...values, NaN]);
        if (freeze) s.freeze();
        const back = restoreScaler(JSON.parse(JSON.stringify(saveScaler(s))));
        for (const x of [-500, -3, 0, 42.5, 99, 1e6, NaN]) expect(Object.is(back.transform(x), s.transform(x))).toBe(true);
        for (const y of [0, 0.3, 1, -2]) expect(Object.is(back.inverse(y), s.inverse(y))).toBe(true);
        expect(back.params()).toEqual(s.params());
      }
    }
  });

  it('a frozen snapshot without its map, or with a map that disagrees with the spec, is refused', () => {
    const s = createScaler({ kind: 'quantile' }).learnMany(values);
    s.freeze();
    const doc = JSON.parse(JSON.stringify(saveScaler(s)));
    expect(() => restoreScaler({ ...doc, frozen: { ...doc.frozen, quantileMap: undefined } })).toThrow(/frozen.quantileMap is required/);
    expect(() => restoreScaler({ ...doc, frozen: { ...doc.frozen, quantileMap: { ...doc.frozen.quantileMap, quantiles: [3, 2] } } })).toThrow(/quantileMap .*non-decreasing/);
    expect(() => restoreScaler({ ...doc, frozen: { ...doc.frozen, quantileMap: { ...doc.frozen.quantileMap, output: 'normal' } } })).toThrow(/must be the spec's outputDistribution/);
  });

  it("fromSklearn('quantile') serves scikit-learn's map unchanged; toSklearn gives it back", () => {
    const c = loadFixture('quantile').find((x) => x.name === 'quantile/lognormal_outliers/n_quantiles=100/normal')!;
    const e = c.expected as unknown as QuantileExpected;
    // scikit-learn's shape: quantiles_ is (n_quantiles, 1)
    const s = fromSklearn('quantile', { quantiles_: e.quantiles_.map((q) => [q]), references_: e.references_, n_quantiles_: e.quantiles_.length }, { outputDistribution: 'normal' });
    expect(s.phase).toBe('frozen');
    nans(c.test!).forEach((x, i) => expect(close(s.transform(x), nan(e.transform[i]), 1e-12, 1)).toBe(true));
    expect(toSklearn(s).quantiles_).toEqual(e.quantiles_);
    const p = s.params();
    expect(Number.isFinite(p.trainMean) && Number.isFinite(p.trainStd)).toBe(true);
    expect(() => fromSklearn('quantile', { quantiles_: [1, 2], references_: [0, 1], n_quantiles_: 3 })).toThrow(/n_quantiles_ must equal/);
    expect(() => fromSklearn('quantile', { quantiles_: [2, 1], references_: [0, 1] })).toThrow(/quantiles_\/references_ .*non-decreasing/);
    expect(() => fromSklearn('quantile', { references_: [0, 1] })).toThrow(/quantiles_ is missing/);
  });

  it('fromSklearnFeatures: quantiles_ (n_quantiles, n_features) split by column, references_ shared', () => {
    const m = fromSklearnFeatures('quantile', { quantiles_: [[0, 10], [1, 20], [4, 30]], references_: [0, 0.5, 1], n_quantiles_: 3, feature_names_in_: ['a', 'b'] });
    expect(m.get('a')!.transform(2.5)).toBe(0.75);
    expect(m.get('b')!.transform(25)).toBe(0.75);
    expect(() => fromSklearnFeatures('quantile', { quantiles_: [0, 1], references_: [0, 1] })).toThrow(/array of rows/);
  });
});
