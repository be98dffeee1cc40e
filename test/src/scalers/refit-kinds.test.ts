/**
 * Every kind builds its empty statistics through the class (a method on its prototype), at
 * construction and at each refit: the statistics of a refit are new, of the scaler's own kind and
 * options, and a scaler keeps no function of its own (one per scaler would be bytes per series).
 */
import { describe, expect, it } from 'vitest';
import { createScaler, type ScalerSpec } from 'streamnorm';

const specs: ScalerSpec[] = [
  { kind: 'standard' },
  { kind: 'minmax', featureRange: [-1, 1] },
  { kind: 'maxabs' },
  { kind: 'robust', exactLimit: 8 },
  { kind: 'quantile', nQuantiles: 5, exactLimit: 8 },
];

describe('statistics built by the kind', () => {
  for (const spec of specs) {
    it(`${spec.kind}: a refit starts from new statistics of the same kind and options`, () => {
      const s = createScaler(spec);
      expect(Object.values(s).filter((v) => typeof v === 'function')).toEqual([]);
      const first = s.stats;
      s.learnMany([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      s.freeze();
      s.refit();
      expect(s.stats).not.toBe(first);
      expect(s.stats.constructor).toBe(first.constructor);
      expect(s.count).toBe(0);
      s.learnMany([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200]);
      const again = createScaler(spec).learnMany([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200]);
      const { version: v1, ...p1 } = s.freeze();
      const { version: v2, ...p2 } = again.freeze();
      expect([v1, v2]).toEqual([2, 1]);
      expect(p1).toEqual(p2); // the refit saw only the new window, with the same options (exactLimit 8: sketches past it)
    });
  }
});
