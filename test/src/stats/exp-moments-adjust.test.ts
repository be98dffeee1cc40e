import { describe, expect, it } from 'vitest';
import { ExpMoments, type ExpMomentsState } from 'streamnorm';
import { close, dAdd, dMul, dyadic, loadFixture, nan, ratioToDouble, rng, type Dyadic } from '../../helpers/fixtures.js';

describe('ExpMoments adjust: true against pandas ewm(alpha, adjust=True, ignore_na=False) (ewm-adjusted.json)', () => {
  for (const c of loadFixture('ewm-adjusted')) {
    const alpha = (c.params as { alpha: number }).alpha;
    const e = c.expected as { mean: (number | null)[]; var: (number | null)[] };
    it(`${c.name}: mean and biased variance after every value (a null is skip()), 1e-12 relative`, () => {
      const m = new ExpMoments({ alpha, adjust: true });
      let worst = 0;
      c.values!.forEach((v, i) => {
        if (v === null) m.skip();
        else m.update(v);
        const refMean = nan(e.mean[i]);
        const refVar = nan(e.var[i]);
        // Floor for the variance: values this small are rounding residue of a constant series.
        expect(close(m.mean, refMean, 1e-12), `mean[${i}] ${m.mean} vs ${refMean}`).toBe(true);
        expect(close(m.variance, refVar, 1e-12, (Math.abs(refMean) * Number.EPSILON) ** 2 / 1e-12), `var[${i}] ${m.variance} vs ${refVar}`).toBe(true);
        if (refVar > 0) worst = Math.max(worst, Math.abs(m.variance - refVar) / refVar, Math.abs(m.mean - refMean) / Math.abs(refMean));
      });
      expect(worst).toBeLessThan(1e-13);
      expect(m.skipped).toBe(c.values!.filter((v) => v === null).length);
      expect(m.count + m.skipped).toBe(c.values!.length);
    });
  }
});

describe('ExpMoments half-life mode: the time-aware variance (our definition) against exact rational arithmetic', () => {
  /**
   * The definition, computed directly: weights wᵢ = 2^(−(t_latest − tᵢ)/halfLife) over all values
   * learned (in any order), mean = Σwᵢxᵢ/Σwᵢ, variance = Σwᵢ(xᵢ − mean)²/Σwᵢ =
   * (Σwᵢ·Σwᵢxᵢ² − (Σwᵢxᵢ)²)/(Σwᵢ)², summed exactly as dyadic rationals and rounded once.
   */
  function exactTimeMoments(xs: readonly number[], ts: readonly number[], halfLife: number): { mean: number; variance: number } {
    const latest = Math.max(...ts);
    let w: Dyadic = dyadic(0);
    let s1: Dyadic = dyadic(0);
    let s2: Dyadic = dyadic(0);
    xs.forEach((x, i) => {
      const wi = dyadic(0.5 ** ((latest - (ts[i] as number)) / halfLife));
      const dx = dyadic(x);
      w = dAdd(w, wi);
      s1 = dAdd(s1, dMul(wi, dx));
      s2 = dAdd(s2, dMul(wi, dMul(dx, dx)));
    });
    const num = dAdd(dMul(w, s2), dMul({ n: -s1.n, k: s1.k }, s1));
    const den = dMul(w, w);
    return { mean: divide(s1, w), variance: divide(num, den) };
  }
  const divide = (a: Dyadic, b: Dyadic): number => (a.k >= b.k ? ratioToDouble(a.n, b.n << (a.k - b.k)) : ratioToDouble(a.n << (b.k - a.k), b.n));

  it('dyadic weights (gaps of whole half-lives, equal and older timestamps): every prefix to 1e-14', () => {
    const random = rng(7);
    const m = new ExpMoments({ halfLife: 1000 });
    const xs: number[] = [];
    const ts: number[] = [];
    let t = 0;
    for (let i = 0; i < 300; i++) {
      const r = random();
      // mostly forward by 0..3 half-lives, sometimes 1..4 half-lives back (out of order)
      const time = r < 0.15 ? t - 1000 * (1 + Math.floor(random() * 4)) : (t += 1000 * Math.floor(random() * 4));
      const x = 20 + 5 * (random() - 0.5) + (i % 50 === 0 ? 40 : 0);
      m.update(x, time);
      xs.push(x);
      ts.push(time);
      const ex = exactTimeMoments(xs, ts, 1000);
      expect(close(m.mean, ex.mean, 1e-14), `mean[${i}] ${m.mean} vs ${ex.mean}`).toBe(true);
      expect(close(m.variance, ex.variance, 1e-13), `var[${i}] ${m.variance} vs ${ex.variance}`).toBe(true);
    }
    expect(m.outOfOrder).toBeGreaterThan(20);
    expect(m.notLearned).toBe(0);
  });

  it('irregular times of ewm-times.json with a non-dyadic half-life and shuffled arrivals: to 1e-12', () => {
    const c = loadFixture('ewm-times')[0]!;
    const times = (c as unknown as { times_ms: number[] }).times_ms;
    const values = c.values!.map(nan);
    // arrivals in a shuffled order: the statistics of a set of timed values do not depend on it
    const order = values.map((_, i) => i);
    const random = rng(11);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const halfLife of [700, 5000]) {
      const m = new ExpMoments({ halfLife });
      const xs: number[] = [];
      const ts: number[] = [];
      let worst = 0;
      order.slice(0, 150).forEach((i) => {
        m.update(values[i]!, times[i]);
        xs.push(values[i]!);
        ts.push(times[i]!);
        const ex = exactTimeMoments(xs, ts, halfLife);
        expect(close(m.mean, ex.mean, 1e-12), `mean ${m.mean} vs ${ex.mean}`).toBe(true);
        expect(close(m.variance, ex.variance, 1e-12), `var ${m.variance} vs ${ex.variance}`).toBe(true);
        if (ex.variance > 0) worst = Math.max(worst, Math.abs(m.variance - ex.variance) / ex.variance);
      });
      expect(worst).toBeLessThan(1e-12);
    }
  });

  it('a value whose weight underflows is not learned, and counted', () => {
    const m = new ExpMoments({ halfLife: 1 });
    m.update(1, 5000);
    m.update(100, 1000); // 4000 half-lives old: weight 2^-4000 = 0
    expect([m.count, m.notLearned, m.outOfOrder, m.mean]).toEqual([1, 1, 1, 1]);
  });

  it('adjust: false keeps the recursion: equal and older timestamps weigh 0, are not learned, and are counted', () => {
    const m = new ExpMoments({ halfLife: 1000, adjust: false });
    m.update(0, 1000);
    m.update(10, 2000);
    expect(m.mean).toBe(5);
    m.update(10, 2000);
    m.update(10, 1500);
    expect([m.count, m.notLearned, m.outOfOrder, m.mean]).toEqual([2, 2, 1, 5]);
  });
});

describe('ExpMoments skip(): a missing value ages the weights (pandas ignore_na=False)', () => {
  it('alpha, adjust: false: the value after k missing ones weighs alpha against (1 − alpha)^(k+1), as pandas', () => {
    const m = new ExpMoments({ alpha: 0.5 });
    m.update(0).skip().update(12);
    // pandas: old weight (1 − α)² = 0.25 against α = 0.5: mean = 12 · 0.5 / 0.75
    expect(m.mean).toBe(8);
    m.update(8);
    expect(m.mean).toBe(8); // back to the plain recursion
  });

  it('half-life mode: a skip moves time forward only, so it changes no weight by itself', () => {
    const a = new ExpMoments({ halfLife: 1000 }).update(1, 0).skip(700).update(5, 2000);
    const b = new ExpMoments({ halfLife: 1000 }).update(1, 0).update(5, 2000);
    expect(close(a.mean, b.mean, 1e-15)).toBe(true);
    expect(close(a.variance, b.variance, 1e-15)).toBe(true);
    const c = new ExpMoments({ halfLife: 1000, adjust: false }).update(1, 0).skip(700).skip().update(5, 2000);
    const d = new ExpMoments({ halfLife: 1000, adjust: false }).update(1, 0).update(5, 2000);
    expect(close(c.mean, d.mean, 1e-15)).toBe(true);
    expect(c.skipped).toBe(2);
  });

  it('a skip before the first value changes nothing but the count', () => {
    const m = new ExpMoments({ alpha: 0.3, adjust: true }).skip().skip().update(4);
    expect([m.mean, m.variance, m.count, m.skipped]).toEqual([4, 0, 1, 2]);
  });
});

describe('ExpMoments state', () => {
  const modes = [{ alpha: 0.2 }, { alpha: 0.2, adjust: true }, { halfLife: 800 }, { halfLife: 800, adjust: false }] as const;
  for (const options of modes) {
    it(`${JSON.stringify(options)}: saved mid-stream through JSON and restored, continues bit for bit`, () => {
      const random = rng(3);
      const whole = new ExpMoments(options);
      let part = new ExpMoments(options);
      let t = 0;
      for (let i = 0; i < 200; i++) {
        t += random() < 0.2 ? -300 : Math.floor(random() * 500);
        const missing = random() < 0.1;
        const x = 1e9 + random() * 1e-3;
        for (const m of [whole, part]) {
          if (missing) m.skip(t);
          else m.update(x, t);
        }
        if (i % 37 === 0) part = ExpMoments.fromState(JSON.parse(JSON.stringify(part.toState())) as ExpMomentsState);
      }
      expect(part.toState()).toEqual(whole.toState());
      expect(part.mean).toBe(whole.mean);
      expect(part.variance).toBe(whole.variance);
    });
  }

  it('an empty state round-trips; bad states are refused with the field named', () => {
    const empty = ExpMoments.fromState(JSON.parse(JSON.stringify(new ExpMoments({ halfLife: 5 }).toState())) as ExpMomentsState);
    expect([empty.count, empty.mean, empty.halfLife, empty.adjust]).toEqual([0, NaN, 5, true]);
    const good = new ExpMoments({ alpha: 0.5 }).update(1).update(2).toState();
    expect(() => ExpMoments.fromState({ ...good, count: -1 })).toThrow(/count must be a non-negative integer/);
    expect(() => ExpMoments.fromState({ ...good, variance: -1 })).toThrow(/variance must be/);
    expect(() => ExpMoments.fromState({ ...good, meanHi: null })).toThrow(/meanHi/);
    expect(() => ExpMoments.fromState({ ...good, alpha: 3 })).toThrow(/alpha must be in/);
    const timed = new ExpMoments({ halfLife: 5 }).update(1, 0).toState();
    expect(() => ExpMoments.fromState({ ...timed, lastTime: null })).toThrow(/lastTime is required/);
  });

  it('unknown options and a non-boolean adjust are refused with the key named', () => {
    expect(() => new ExpMoments({ alpha: 0.5, ajdust: true } as never)).toThrow(/unknown option "ajdust"/);
    expect(() => new ExpMoments({ alpha: 0.5, adjust: 'yes' } as never)).toThrow(/adjust must be a boolean/);
    expect(() => new ExpMoments({ alpha: 0.5, halfLife: 3 } as never)).toThrow(/exactly one/);
  });
});
