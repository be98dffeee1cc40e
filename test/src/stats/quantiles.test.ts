import { describe, expect, it } from 'vitest';
import { Extrema, KllSketch, Quantiles, normalPpf, sortedQuantile } from 'streamnorm';
import { erfc } from '../../../src/stats/normal-ppf.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** Fraction of `sorted` strictly below v, and at or below v: the rank interval of v. */
function rankInterval(sorted: number[], v: number): [number, number] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  let up = lo;
  while (up < sorted.length && sorted[up] === v) up++;
  return [lo / sorted.length, up / sorted.length];
}

function rankError(sorted: number[], v: number, q: number): number {
  const [a, b] = rankInterval(sorted, v);
  return q < a ? a - q : q > b ? q - b : 0;
}

describe('sortedQuantile (numpy linear)', () => {
  it('matches numpy on small arrays', () => {
    // numpy.quantile([1, 2, 3, 4, 10], [0, .1, .25, .5, .9, 1])
    const xs = [1, 2, 3, 4, 10];
    expect([0, 0.1, 0.25, 0.5, 0.9, 1].map((q) => sortedQuantile(xs, q))).toEqual([1, 1.4, 2, 3, 7.6000000000000005, 10]);
    expect(sortedQuantile([], 0.5)).toBeNaN();
    expect(sortedQuantile([7], 0.3)).toBe(7);
    expect(() => sortedQuantile([1], 1.5)).toThrow(/q must be/);
  });
});

describe('KllSketch', () => {
  for (const [name, gen] of [
    ['uniform', (r: () => number) => r()],
    ['lognormal-ish', (r: () => number) => Math.exp(4 * (r() + r() + r() - 1.5))],
    ['offset 1000 ± 1', (r: () => number) => 1000 + (r() - 0.5) * 2],
    ['many ties', (r: () => number) => Math.floor(r() * 5)],
  ] as const) {
    it(`${name}: rank error below 1% at 200k values, a few KB of memory`, () => {
      const r = lcg(42);
      const xs = Array.from({ length: 200_000 }, () => gen(r));
      const s = new KllSketch();
      for (const x of xs) s.update(x);
      const sorted = xs.slice().sort((a, b) => a - b);
      for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
        expect(rankError(sorted, s.quantile(q), q), `q=${q}`).toBeLessThan(0.01);
      }
      expect(s.retained).toBeLessThan(3 * s.k + 20);
      expect(s.count).toBe(200_000);
      // rank(x), the estimated CDF a quantile transform needs: within 1% of the exact fraction <= x.
      for (const q of [0.01, 0.25, 0.5, 0.75, 0.99]) {
        const x = sorted[Math.floor(q * (sorted.length - 1))]!;
        const [, atOrBelow] = rankInterval(sorted, x);
        expect(Math.abs(s.rank(x) - atOrBelow), `rank at q=${q}`).toBeLessThan(0.01);
      }
    });
  }

  it('merge of shards keeps the guarantee and the count', () => {
    const r = lcg(9);
    const xs = Array.from({ length: 120_000 }, () => r() * 100);
    const shards = [0, 1, 2, 3].map(() => new KllSketch());
    xs.forEach((x, i) => shards[i % 4]!.update(x));
    const merged = shards.reduce((a, b) => a.merge(b), new KllSketch());
    expect(merged.count).toBe(xs.length);
    const sorted = xs.slice().sort((a, b) => a - b);
    for (const q of [0.05, 0.25, 0.5, 0.75, 0.95]) expect(rankError(sorted, merged.quantile(q), q)).toBeLessThan(0.01);
  });

  it('state round-trips bit for bit, including the coin', () => {
    const a = new KllSketch(64);
    for (let i = 0; i < 10_000; i++) a.update(i % 977);
    const b = KllSketch.fromState(JSON.parse(JSON.stringify(a.toState())));
    for (let i = 0; i < 10_000; i++) {
      a.update(i * 0.5);
      b.update(i * 0.5);
    }
    expect(b.toState()).toEqual(a.toState());
    expect(() => KllSketch.fromState({ ...a.toState(), count: 1 })).toThrow(/weigh/);
  });

  it('empty, invalid input and bad parameters', () => {
    const s = new KllSketch();
    expect(s.quantile(0.5)).toBeNaN();
    expect(s.rank(1)).toBeNaN();
    expect(() => s.update(NaN)).toThrow(RangeError);
    expect(() => new KllSketch(3)).toThrow(/k must be/);
  });
});

describe('Quantiles (exact, then sketch)', () => {
  it('is exact up to the limit and switches to the sketch beyond it', () => {
    const q = new Quantiles({ exactLimit: 100 });
    for (let i = 0; i < 100; i++) q.update(i);
    expect(q.mode).toBe('exact');
    expect(q.quantile(0.25)).toBe(24.75);
    q.update(100);
    expect(q.mode).toBe('sketch');
    expect(q.count).toBe(101);
    expect(Math.abs(q.quantile(0.5) - 50)).toBeLessThanOrEqual(1);
  });

  it('merge stays exact when the union fits, and equals a single pass', () => {
    const a = new Quantiles().updateMany([5, 1, 9]);
    const b = new Quantiles().updateMany([2, 8]);
    a.merge(b);
    expect(a.mode).toBe('exact');
    expect(a.quantile(0.5)).toBe(new Quantiles().updateMany([5, 1, 9, 2, 8]).quantile(0.5));
    const big = new Quantiles({ exactLimit: 4 }).updateMany([1, 2, 3]).merge(new Quantiles({ exactLimit: 4 }).updateMany([4, 5]));
    expect(big.mode).toBe('sketch');
    expect(big.count).toBe(5);
  });

  it('refuses bad states', () => {
    expect(() => Quantiles.fromState({ exactLimit: 2, sketchK: 300, values: [1, 2, 3] })).toThrow(/exceed/);
    expect(() => Quantiles.fromState({ exactLimit: 2, sketchK: 300, values: [NaN] as number[] })).toThrow(/finite/);
  });
});

describe('Extrema', () => {
  it('NaN never wins: non-finite values are refused', () => {
    const e = new Extrema().updateMany([3, 1]);
    expect(() => e.update(NaN)).toThrow(RangeError);
    expect([e.min, e.max, e.maxAbs]).toEqual([1, 3, 3]);
    expect(Extrema.fromState(JSON.parse(JSON.stringify(new Extrema().toState()))).count).toBe(0);
    expect(() => Extrema.fromState({ count: 2, min: 5, max: 1 })).toThrow(/min <= max/);
  });
});

describe('normalPpf and erfc', () => {
  it('agree with published values to ~1e-15', () => {
    // scipy.special.erfc and scipy.stats.norm.ppf
    const erfcRef: [number, number][] = [[0.3, 0.6713732405408726], [1, 0.15729920705028513], [2.5, 0.0004069520174449590], [5, 1.5374597944280349e-12], [-1, 1.8427007929497148]];
    for (const [x, want] of erfcRef) expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-14);
    const ppfRef: [number, number][] = [[0.75, 0.6744897501960817], [0.9, 1.2815515655446004], [0.975, 1.959963984540054], [0.001, -3.090232306167813], [1e-10, -6.361340902404056]];
    for (const [p, want] of ppfRef) expect(Math.abs(normalPpf(p) - want) / Math.abs(want)).toBeLessThan(1e-13);
    expect(normalPpf(0.5)).toBe(0);
    expect(normalPpf(0)).toBe(-Infinity);
    expect(normalPpf(2)).toBeNaN();
  });
});
