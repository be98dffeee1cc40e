import { describe, expect, it } from 'vitest';
import { MeanVar } from 'streamnorm';
import { exactMoments, loadFixture, ulpDistance } from '../../helpers/fixtures.js';

const cases = loadFixture('standard');

/** Textbook Welford without the shift, to show what the shift buys. */
function plainWelford(xs: number[]): { mean: number; variance: number } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of xs) {
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  return { mean, variance: m2 / n };
}

describe('MeanVar against exactly computed moments (standard.json `exact`)', () => {
  for (const c of cases) {
    const finite = (c.fit_chunks ?? []).flat().filter((v): v is number => v !== null && Number.isFinite(v));
    it(`${c.name}: mean within 4 ulps, variance within 1e-12 relative`, () => {
      const exact = c.exact!;
      const mv = new MeanVar().updateMany(finite);
      expect(mv.count).toBe(exact.n);
      expect(ulpDistance(mv.mean, exact.mean)).toBeLessThanOrEqual(4);
      const v = mv.variance();
      expect(Math.abs(v - exact.var)).toBeLessThanOrEqual(Math.max(1e-12 * exact.var, 1e-300));
    });

    it(`${c.name}: merging the fit chunks in any grouping equals one pass`, () => {
      const exact = c.exact!;
      const parts = (c.fit_chunks ?? []).map((chunk) => new MeanVar().updateMany(chunk.filter((v): v is number => v !== null && Number.isFinite(v))));
      const left = parts.reduce((acc, p) => acc.merge(p), new MeanVar());
      const right = parts.reduceRight((acc, p) => acc.merge(p), new MeanVar());
      for (const merged of [left, right]) {
        expect(merged.count).toBe(exact.n);
        expect(ulpDistance(merged.mean, exact.mean)).toBeLessThanOrEqual(4);
        expect(Math.abs(merged.variance() - exact.var)).toBeLessThanOrEqual(Math.max(1e-12 * exact.var, 1e-300));
      }
    });
  }

  it('keeps ~1e-14 at offset 1e9 with std 1e-3 where plain Welford loses ~1e-6 or more', () => {
    const c = cases.find((x) => x.name === 'standard/large_offset_tiny_std')!;
    const xs = (c.fit_chunks ?? []).flat().filter((v): v is number => v !== null);
    const exact = c.exact!;
    const ours = new MeanVar().updateMany(xs).variance();
    const plain = plainWelford(xs).variance;
    const oursErr = Math.abs(ours - exact.var) / exact.var;
    const plainErr = Math.abs(plain - exact.var) / exact.var;
    expect(oursErr).toBeLessThan(1e-13);
    expect(plainErr).toBeGreaterThan(1e-9);
  });
});

describe('MeanVar semantics', () => {
  it('is NaN when empty and for n <= ddof', () => {
    const mv = new MeanVar();
    expect(mv.mean).toBeNaN();
    expect(mv.variance()).toBeNaN();
    mv.update(5);
    expect(mv.mean).toBe(5);
    expect(mv.variance()).toBe(0);
    expect(mv.variance(1)).toBeNaN();
  });

  it('refuses non-finite values with a RangeError and keeps its state', () => {
    const mv = new MeanVar().updateMany([1, 2]);
    for (const bad of [NaN, Infinity, -Infinity]) expect(() => mv.update(bad)).toThrow(RangeError);
    expect(mv.count).toBe(2);
    expect(mv.mean).toBe(1.5);
  });

  it('merge with empty on either side is the identity; merge leaves the other unchanged', () => {
    const a = new MeanVar().updateMany([3, 4, 8]);
    const before = a.toState();
    a.merge(new MeanVar());
    expect(a.toState()).toEqual(before);
    const b = new MeanVar().merge(a);
    expect(b.toState()).toEqual(before);
    expect(a.toState()).toEqual(before);
  });

  it('state round-trips bit for bit and bad states are refused', () => {
    const a = new MeanVar().updateMany([1e9 + 0.001, 1e9 - 0.002, 1e9]);
    const b = MeanVar.fromState(JSON.parse(JSON.stringify(a.toState())));
    expect(b.mean).toBe(a.mean);
    expect(b.variance()).toBe(a.variance());
    b.update(1e9 + 0.003);
    a.update(1e9 + 0.003);
    expect(b.variance()).toBe(a.variance());
    expect(() => MeanVar.fromState({ ...a.toState(), m2: -1 })).toThrow(/m2/);
    expect(() => MeanVar.fromState({ ...a.toState(), count: -2 })).toThrow(/count/);
    expect(() => MeanVar.fromState({ ...a.toState(), shift: NaN })).toThrow(/shift/);
    for (const field of ['shift', 'sumHi', 'sumLo', 'meanShifted', 'm2'] as const) {
      for (const bad of [Infinity, 'x']) {
        expect(() => MeanVar.fromState({ ...a.toState(), [field]: bad as number })).toThrow(new RangeError(`MeanVar state: ${field} must be a finite number, got ${String(bad)}`));
      }
    }
    expect(MeanVar.fromState(a.toState()).toState()).toEqual(a.toState()); // every field lands where it came from
  });

  it('matches exact rational moments on random prefixes of hostile data', () => {
    // 1e12 with noise of 1e-2 (a few ulps of the values), and every 7th value one unit higher.
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const xs = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? 1e12 + 1 : 1e12) + (rnd() - 0.5) * 1e-2);
    const mv = new MeanVar();
    xs.forEach((x, i) => {
      mv.update(x);
      if (i % 499 === 1) {
        const ex = exactMoments(xs.slice(0, i + 1));
        expect(ulpDistance(mv.mean, ex.mean)).toBeLessThanOrEqual(4);
        expect(Math.abs(mv.variance() - ex.variance)).toBeLessThanOrEqual(1e-12 * ex.variance);
      }
    });
  });
});
