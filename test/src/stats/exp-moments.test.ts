import { describe, expect, it } from 'vitest';
import { ExpMoments } from 'streamnorm';
import { close, exactEwm, loadFixture, nan } from '../../helpers/fixtures.js';

describe('ExpMoments against pandas ewm(alpha, adjust=False) (ewm.json)', () => {
  for (const c of loadFixture('ewm')) {
    const alpha = (c.params as { alpha: number }).alpha;
    const e = c.expected as { mean: (number | null)[]; var: (number | null)[] };
    const values = c.values!.map(nan);

    // At 1e9 ± 1e-3 pandas rounds the mean at 1e9 before taking deviations and its variance is
    // off by up to ~1e-8 relative; there the test checks the exact recursion (first 120 values).
    const pandasLosesDigits = c.name.includes('large_offset');

    it(`${c.name}: mean and biased variance after every value, 1e-12 relative`, () => {
      const m = new ExpMoments({ alpha });
      if (pandasLosesDigits) {
        const ex = exactEwm(values.slice(0, 120), alpha);
        let pandasWorst = 0;
        ex.mean.forEach((mean, i) => {
          m.update(values[i]!);
          expect(close(m.mean, mean, 1e-15), `mean[${i}]`).toBe(true);
          expect(close(m.mean, nan(e.mean[i]), 1e-15), `mean[${i}] vs pandas`).toBe(true);
          expect(close(m.variance, ex.variance[i]!, 1e-12), `var[${i}] ${m.variance} vs exact ${ex.variance[i]}`).toBe(true);
          if (i > 0) pandasWorst = Math.max(pandasWorst, Math.abs(nan(e.var[i]) - ex.variance[i]!) / ex.variance[i]!);
        });
        expect(pandasWorst).toBeGreaterThan(1e-10); // the reason this case checks the exact value
        return;
      }
      values.forEach((x, i) => {
        m.update(x);
        // Floor for the variance: values this small are rounding residue of a constant series.
        const scale = Math.abs(nan(e.mean[i]));
        expect(close(m.mean, nan(e.mean[i]), 1e-12), `mean[${i}]`).toBe(true);
        expect(close(m.variance, nan(e.var[i]), 1e-12, (scale * Number.EPSILON) ** 2), `var[${i}] ${m.variance} vs ${e.var[i]}`).toBe(true);
      });
    });

    it(`${c.name}: half-life mode (adjust: false) with evenly spaced timestamps matches alpha mode`, () => {
      const dt = 250; // ms between samples
      const halfLife = -dt / Math.log2(1 - alpha);
      const byTime = new ExpMoments({ halfLife, adjust: false });
      const byAlpha = new ExpMoments({ alpha });
      let magnitude = 0;
      values.forEach((x, i) => {
        byTime.update(x, 1_700_000_000_000 + i * dt);
        byAlpha.update(x);
        magnitude = Math.max(magnitude, Math.abs(x));
        // alpha = 1 − 2^(−dt/halfLife) is recomputed from the half-life, equal to ~1e-16; a mean that
        // nearly cancels (mm next to km) feels that at the magnitude of the values, hence the floor.
        expect(close(byTime.mean, byAlpha.mean, 1e-13, magnitude), `mean[${i}]`).toBe(true);
        expect(close(byTime.variance, byAlpha.variance, 1e-12, Number.MIN_VALUE), `var[${i}]`).toBe(true);
      });
    });
  }
});

describe('ExpMoments semantics', () => {
  it('irregular sampling: a gap of one half-life gives the new value weight 1/2 of the old', () => {
    const m = new ExpMoments({ halfLife: 1000 });
    m.update(0, 0);
    m.update(10, 1000); // weights 1/2 (old) and 1 (new), as pandas' adjust=True
    expect(m.mean).toBeCloseTo(10 / 1.5, 12);
  });

  it('issue 10: a value with the same timestamp carries the same weight (pandas ewm(halflife, times), adjust=True)', () => {
    const m = new ExpMoments({ halfLife: 1000 });
    m.update(0, 1000);
    m.update(10, 1000);
    expect(m.count).toBe(2);
    expect(m.mean).toBe(5);
    expect(m.variance).toBe(25);
  });

  it('issue 10: an older timestamp is learned with the weight of its age, and counted', () => {
    const m = new ExpMoments({ halfLife: 1000 });
    m.update(0, 5000);
    m.update(90, 4000); // one half-life older than the latest: weight 1/2 against 1
    expect(m.outOfOrder).toBe(1);
    expect(m.count).toBe(2);
    expect(m.mean).toBeCloseTo(30, 12);
    expect(m.lastTime).toBe(5000);
  });

  it('refuses bad options and non-finite input', () => {
    expect(() => new ExpMoments({ alpha: 0 })).toThrow(/alpha/);
    expect(() => new ExpMoments({ alpha: 1.5 })).toThrow(/alpha/);
    expect(() => new ExpMoments({ halfLife: -1 })).toThrow(/halfLife/);
    expect(() => new ExpMoments({} as never)).toThrow(/alpha or halfLife/);
    const m = new ExpMoments({ alpha: 0.1 });
    expect(() => m.update(NaN)).toThrow(RangeError);
    expect(m.count).toBe(0);
    expect(() => new ExpMoments({ halfLife: 10 }).update(1)).toThrow(/time/);
  });
});

describe('issue 10: half-life mode against pandas ewm(halflife, times).mean() (ewm-times.json), equal timestamps included', () => {
  for (const c of loadFixture('ewm-times')) {
    const halfLife = (c.params as { halflife_ms: number }).halflife_ms;
    const times = (c as unknown as { times_ms: number[] }).times_ms;
    const mean = (c.expected as { mean: (number | null)[] }).mean;
    it(`${c.name}: mean after every value, 1e-12 relative`, () => {
      const m = new ExpMoments({ halfLife });
      c.values!.forEach((x, i) => {
        m.update(nan(x), times[i]);
        expect(close(m.mean, nan(mean[i]), 1e-12), `mean[${i}] ${m.mean} vs ${mean[i]}`).toBe(true);
      });
      expect(m.count).toBe(c.values!.length);
    });
  }
});
