import { describe, expect, it } from 'vitest';
import { RobustScaler, normalPpf, toSklearn } from 'streamnorm';
import { close, loadFixture, nan, nans } from '../../helpers/fixtures.js';

describe('RobustScaler (exact mode) against scikit-learn (robust.json)', () => {
  for (const c of loadFixture('robust')) {
    const range = (c.params as { quantile_range: [number, number] }).quantile_range;
    const e = c.expected as { center_: number; scale_: number; transform: (number | null)[] };
    it(c.name, () => {
      const values = nans(c.fit_chunks!.flat());
      // Exact mode for every case (large_offset_tiny_std has 5000 values, over the default limit).
      const s = new RobustScaler({ quantileRange: range, exactLimit: values.length }).learnMany(values);
      expect(s.stats.mode).toBe('exact');
      const attrs = toSklearn(s);
      // numpy's linear interpolation reproduced operation for operation: equal to the last bit.
      expect(attrs.center_).toBe(e.center_);
      expect(attrs.scale_).toBe(e.scale_);
      c.test!.forEach((raw, i) => {
        const x = nan(raw);
        expect(close(s.transform(x), nan(e.transform[i]), 1e-12, (Math.abs(x) + Math.abs(e.center_)) / e.scale_)).toBe(true);
      });
    });
  }

  it('the sketch mode stays within 1% rank error of the exact quantiles', () => {
    const values: number[] = [];
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 50_000; i++) values.push(1000 + Math.log(rnd()) * (rnd() < 0.5 ? -1 : 1));
    const s = new RobustScaler({ exactLimit: 1000 }).learnMany(values);
    expect(s.stats.mode).toBe('sketch');
    const sorted = values.slice().sort((a, b) => a - b);
    const rankOf = (v: number): number => sorted.findIndex((x) => x >= v) / sorted.length;
    for (const q of [0.1, 0.25, 0.5, 0.75, 0.9]) {
      expect(Math.abs(rankOf(s.stats.quantile(q)) - q)).toBeLessThan(0.01);
    }
  });

  it('unitVariance divides by the normal IQR (1.349)', () => {
    const s = new RobustScaler({ unitVariance: true }).learnMany([1, 2, 3, 4, 5]);
    const adjust = normalPpf(0.75) - normalPpf(0.25);
    expect(adjust).toBeCloseTo(1.3489795003921634, 14);
    expect(s.params().scale).toBeCloseTo(2 / adjust, 14);
  });

  it('withCentering / withScaling off', () => {
    const s = new RobustScaler({ withCentering: false, withScaling: false }).learnMany([5, 6, 7]);
    expect(s.transform(9)).toBe(9);
  });

  it('refuses a bad quantile range', () => {
    expect(() => new RobustScaler({ quantileRange: [75, 25] })).toThrow(/quantileRange/);
  });
});
