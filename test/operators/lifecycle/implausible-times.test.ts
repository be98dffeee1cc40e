/**
 * Readings of frozen series at implausible event times (the default guard: more than a day ahead of
 * the wall clock): every form counts them as the per-item form does, and such a time neither dates
 * an alarm nor moves the refit schedule.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { chunkToNormalized, columnsToNormalized, normalize, normalizeChunks, normalizeColumns, SeriesStore, type Normalized, type NormalizeOptions, type Reading } from 'streamnorm';
import { R } from '../helpers.js';

const FAR = Date.now() + 30 * 86_400_000; // a month ahead

/** The outputs of `readings` through one form of the operator, as objects. */
type Form = (readings: Reading[], options: NormalizeOptions) => Promise<Normalized[]>;

const forms: [string, Form][] = [
  ['normalize', (rs, o) => lastValueFrom(from(rs).pipe(normalize(o), toArray()))],
  ['normalizeChunks', async (rs, o) => (await lastValueFrom(from([rs]).pipe(normalizeChunks(o), toArray()))).flat()],
  ['normalizeChunks, columns', async (rs, o) => (await lastValueFrom(from([rs]).pipe(normalizeChunks({ ...o, output: 'columns' }), toArray()))).flatMap(chunkToNormalized)],
  [
    'normalizeColumns',
    async (rs, o) => {
      const batch = { series: 's', values: Float64Array.from(rs, (r) => r.value as number), times: Float64Array.from(rs, (r) => r.time as number) };
      return (await lastValueFrom(from([batch]).pipe(normalizeColumns(o), toArray()))).flatMap(columnsToNormalized);
    },
  ],
];

/** A store with series `s` frozen on 1…5 at times 0…4 s. */
async function frozenStore(scaler?: NormalizeOptions['scaler']): Promise<SeriesStore> {
  const store = new SeriesStore();
  await lastValueFrom(from([1, 2, 3, 4, 5].map((v, i) => R('s', v, i * 1000))).pipe(normalize({ store, freeze: { afterSamples: 5 }, ...(scaler ? { scaler } : {}) }), toArray()));
  expect(store.phase('s')).toBe('frozen');
  return store;
}

describe('implausible times of frozen series', () => {
  const later = [R('s', 2, 6000), R('s', 4, FAR), R('s', 3, 7000), R('s', 5, FAR + 1)];

  for (const [name, run] of forms) {
    it(`${name}: transformed, and counted as implausibleTime as one by one`, async () => {
      const store = await frozenStore();
      const out = await run(later, { store });
      expect(out.map((n) => [n.raw, n.time, n.phase])).toEqual(later.map((r) => [r.value, r.time, 'frozen']));
      expect(out.map((n) => n.value)).toEqual([2, 4, 3, 5].map((x) => (x - 3) / Math.sqrt(2)));
      expect(store.diagnostics().series.s?.implausibleTime).toBe(2);
    });

    it(`${name}: an implausible time does not start a scheduled refit; a plausible one past the schedule does`, async () => {
      const store = await frozenStore();
      const options: NormalizeOptions = { store, refit: { everyMs: 10_000 } };
      await run([R('s', 3, 5000), R('s', 3, FAR)], options);
      expect(store.diagnostics().series.s?.refits ?? 0).toBe(0);
      await run([R('s', 3, 16_000)], options);
      expect(store.diagnostics().series.s?.refits).toBe(1);
    });
  }

  it('a series off the plain path (a log pre-transform): the same for its scheduled refit', async () => {
    const store = await frozenStore({ kind: 'standard', pre: 'log' });
    const options: NormalizeOptions = { store, refit: { everyMs: 10_000 } };
    await lastValueFrom(from([R('s', 3, 5000), R('s', 3, FAR)]).pipe(normalize(options), toArray()));
    expect(store.diagnostics().series.s).toMatchObject({ implausibleTime: 1 });
    expect(store.diagnostics().series.s?.refits ?? 0).toBe(0);
    await lastValueFrom(from([R('s', 3, 16_000)]).pipe(normalize(options), toArray()));
    expect(store.diagnostics().series.s?.refits).toBe(1);
  });
});
