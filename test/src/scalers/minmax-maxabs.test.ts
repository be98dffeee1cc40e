import { describe, expect, it } from 'vitest';
import { MaxAbsScaler, MinMaxScaler, toSklearn } from 'streamnorm';
import { close, loadFixture, nan, nans } from '../../helpers/fixtures.js';

describe('MinMaxScaler against scikit-learn (minmax.json)', () => {
  for (const c of loadFixture('minmax')) {
    const params = c.params as { feature_range: [number, number]; clip: boolean };
    const e = c.expected as Record<string, number> & { transform: (number | null)[] };
    it(c.name, () => {
      const parts = c.fit_chunks!.map((ch) => new MinMaxScaler({ featureRange: params.feature_range, clip: params.clip }).learnMany(nans(ch)));
      const s = parts.reduce((a, p) => a.merge(p));
      s.freeze();
      const attrs = toSklearn(s);
      for (const k of ['data_min_', 'data_max_', 'data_range_', 'scale_', 'min_']) {
        expect(close(attrs[k] as number, e[k] as number), `${k}: ${attrs[k]} vs ${e[k]}`).toBe(true);
      }
      const [lo, hi] = params.feature_range;
      c.test!.forEach((raw, i) => {
        const x = nan(raw);
        const y = s.transform(x);
        const want = nan(e.transform[i]);
        // scikit-learn computes x·scale_ + min_; at 1e9 ± 1e-3 that cancellation costs ~1e-5 absolute,
        // so the floor is the magnitude of x·scale_. Elsewhere this is plain 1e-12 relative agreement.
        const floor = Math.abs(x * (attrs.scale_ as number)) + Math.abs(attrs.min_ as number);
        const relTol = c.name.includes('large_offset') ? 1e-15 : 1e-12;
        expect(close(y, want, relTol, floor), `transform(${x}) = ${y}, sklearn ${want}`).toBe(true);
        if (c.name.includes('large_offset') && Number.isFinite(x)) {
          // The exact value, which scikit-learn misses by up to ~1e-5 here: (x − min)·(hi − lo)/range + lo.
          let exact = ((x - (attrs.data_min_ as number)) * (hi - lo)) / (attrs.data_range_ as number) + lo;
          if (params.clip) exact = Math.min(hi, Math.max(lo, exact));
          expect(close(y, exact, 1e-12, 1)).toBe(true);
        }
        if (params.clip && Number.isFinite(x)) {
          expect(y).toBeGreaterThanOrEqual(lo);
          expect(y).toBeLessThanOrEqual(hi);
        }
      });
    });
  }

  it('inverse maps back and the training extremes map to the feature range exactly', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1] }).learnMany([3, 11, 7]);
    expect(s.transform(3)).toBe(-1);
    expect(s.transform(11)).toBe(1);
    expect(s.inverse(0)).toBe(7);
  });

  it('refuses a bad feature range', () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(/featureRange/);
    expect(() => new MinMaxScaler({ featureRange: [0, NaN] })).toThrow(/featureRange/);
  });
});

describe('MaxAbsScaler against scikit-learn (maxabs.json)', () => {
  for (const c of loadFixture('maxabs')) {
    const e = c.expected as { max_abs_: number; scale_: number; transform: (number | null)[] };
    it(c.name, () => {
      const parts = c.fit_chunks!.map((ch) => new MaxAbsScaler().learnMany(nans(ch)));
      const s = parts.reduce((a, p) => a.merge(p));
      const attrs = toSklearn(s);
      expect(attrs.max_abs_).toBe(e.max_abs_);
      expect(attrs.scale_).toBe(e.scale_);
      c.test!.forEach((raw, i) => {
        expect(close(s.transform(nan(raw)), nan(e.transform[i])), `${raw}`).toBe(true);
      });
    });
  }

  it('all zeros is a zero spread with scale 1', () => {
    const s = new MaxAbsScaler().learnMany([0, 0, -0]);
    expect(s.params().zeroSpread).toBe(true);
    expect(s.transform(3)).toBe(3);
  });
});
