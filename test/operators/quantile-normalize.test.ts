/**
 * The quantile kind through the operators and the store: fitted by `normalize`, the same outputs as
 * the core's `QuantileScaler` frozen on the same window, carried by a snapshot into another store
 * (the same outputs after the restore), and inverted by `inverseNormalize` with the version the
 * output names.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { inverseNormalize, normalize, QuantileScaler, SeriesStore, type Normalized, type Reading } from 'streamnorm';
import { gaussian } from '../helpers/random.js';
import { R } from './helpers.js';

const run = (readings: Reading[], store: SeriesStore, scaler: object): Promise<Normalized[]> =>
  lastValueFrom(from(readings).pipe(normalize({ store, scaler: scaler as never, freeze: { afterSamples: 300 }, whileFitting: 'drop' }), toArray()));

describe('quantile transform through normalize, a snapshot and inverseNormalize', () => {
  for (const spec of [
    { kind: 'quantile', nQuantiles: 100 },
    { kind: 'quantile', outputDistribution: 'normal', exactLimit: 100 }, // past exactLimit: the KLL sketch
  ] as const) {
    it(`${JSON.stringify(spec)}: outputs as the core's scaler, the same after a restore, inverted back`, async () => {
      const g = gaussian(21);
      const train = Array.from({ length: 300 }, () => Math.exp(g())); // skewed, as a quantile transform is for
      const live = Array.from({ length: 50 }, () => Math.exp(g()));
      const store = new SeriesStore();
      await run(train.map((v) => R('s', v)), store, spec);
      expect(store.phase('s')).toBe('frozen');

      const { kind: _kind, ...options } = spec;
      const core = new QuantileScaler(options).learnMany(train);
      core.freeze(1);
      const out = await run(live.map((v) => R('s', v)), store, spec);
      expect(out.map((o) => o.value)).toEqual(live.map((v) => core.transform(v)));
      expect(out.every((o) => o.phase === 'frozen' && o.version === 1)).toBe(true);

      const restored = new SeriesStore({ initial: JSON.parse(JSON.stringify(store.snapshot())) });
      const again = await run(live.map((v) => R('s', v)), restored, spec);
      expect(again.map((o) => o.value)).toEqual(out.map((o) => o.value));

      const back = await lastValueFrom(from(out).pipe(inverseNormalize({ store: restored }), toArray()));
      const within = back.filter((b, i) => Math.abs((b.value as number) - (live[i] as number)) <= 1e-9 * Math.max(1, Math.abs(live[i] as number)));
      // Values outside the training range clip to its ends (a bounded transform); the rest come back.
      const inside = live.filter((v) => v >= Math.min(...train) && v <= Math.max(...train)).length;
      expect(within.length).toBeGreaterThanOrEqual(inside);
    });
  }
});
