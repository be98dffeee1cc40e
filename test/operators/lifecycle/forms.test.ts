import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { columnsToNormalized, normalize, normalizeChunks, normalizeColumns, SeriesStore, type DriftAlarm, type Normalized, type NormalizeOptions, type Reading } from 'streamnorm';
import { gaussian } from '../../helpers/random.js';
import { R } from '../helpers.js';

/** The chunked and columnar operators against the per-item one: the same lifecycle, alarm for alarm. */

const run = (readings: Reading[], options: NormalizeOptions): Promise<Normalized[]> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));

describe('the chunked and columnar forms run the same lifecycle as the per-item form', () => {
  it('alarms, refits and promotions at the same readings, whatever the form', async () => {
    const rand = gaussian(11);
    const readings: Reading[] = [];
    for (let i = 0; i < 1200; i++) readings.push(R(i % 3 === 0 ? 'a' : 'b', (i > 600 && i % 3 === 0 ? 8 : 0) + rand(), i));
    const options = { freeze: { afterSamples: 60 }, refit: { onAlarm: true } } as const;
    const itemStore = new SeriesStore();
    const expected = await run(readings, { ...options, store: itemStore });
    expect(itemStore.params('a')?.version).toBeGreaterThan(1);

    const chunkStore = new SeriesStore();
    const chunks = await lastValueFrom(from([readings.slice(0, 500), readings.slice(500, 777), readings.slice(777)]).pipe(normalizeChunks({ ...options, store: chunkStore }), toArray()));
    expect(chunks.flat()).toEqual(expected);
    expect(chunkStore.snapshot().series).toEqual(itemStore.snapshot().series);

    const colStore = new SeriesStore();
    const batches = ['a', 'b'].flatMap((s) => {
      const mine = readings.filter((r) => r.series === s);
      return [0, 100, 250, 400].map((at, k, all) => ({ series: s, values: Float64Array.from(mine.slice(at, all[k + 1]).map((r) => r.value as number)), times: Float64Array.from(mine.slice(at, all[k + 1]).map((r) => r.time as number)) }));
    });
    // Per series in order (a's batches, then b's), as the per-item form would see them per series.
    const cols = await lastValueFrom(from(batches).pipe(normalizeColumns({ ...options, store: colStore }), toArray()));
    const bySeries = (ns: { series: string; version: number; value: number }[], s: string) => ns.filter((n) => n.series === s).map((n) => [n.version, n.value]);
    const flat = cols.flatMap(columnsToNormalized);
    for (const s of ['a', 'b']) expect(bySeries(flat, s)).toEqual(bySeries(expected, s));
  });
});

describe('the columnar form runs the drift checks value by value, as the per-item form', () => {
  it.each([
    ['alarms that start refits', { refit: { onAlarm: true } }, {}],
    ['alarms alone, stuck runs, no cool-down', {}, { stuckAfter: 7, cooldown: 0 }],
    ['PSI windows and a schedule', { refit: { everyMs: 150 } }, { psi: { window: 50 } }],
  ] as const)('%s: the same alarms, outputs and store state', async (_, extra, drift) => {
    const rand = gaussian(5);
    const readings: Reading[] = [];
    for (let i = 0; i < 900; i++) {
      const s = i % 2 === 0 ? 'a' : 'b';
      const stuck = s === 'b' && i > 500 && i < 560; // b sticks at one value for a while
      readings.push(R(s, stuck ? 3 : (i > 400 && s === 'a' ? 6 : 0) + rand(), i));
    }
    const options = { freeze: { afterSamples: 40 }, ...extra } as const;
    const run = async (form: 'item' | 'columns'): Promise<{ out: unknown[]; alarms: DriftAlarm[]; store: SeriesStore }> => {
      const store = new SeriesStore({ drift });
      const alarms: DriftAlarm[] = [];
      store.drift$.subscribe((a) => alarms.push(a));
      let out: unknown[];
      if (form === 'item') out = (await lastValueFrom(from(readings).pipe(normalize({ ...options, store }), toArray()))).filter((n) => n.series === 'a');
      else {
        const batches = ['a', 'b'].flatMap((s) => {
          const mine = readings.filter((r) => r.series === s);
          return [0, 37, 200, 333].map((at, k, all) => ({ series: s, values: Float64Array.from(mine.slice(at, all[k + 1]).map((r) => r.value as number)), times: Float64Array.from(mine.slice(at, all[k + 1]).map((r) => r.time as number)) }));
        });
        out = (await lastValueFrom(from(batches).pipe(normalizeColumns({ ...options, store }), toArray()))).flatMap(columnsToNormalized).filter((n) => n.series === 'a');
      }
      return { out, alarms, store };
    };
    // Each series' state is its own, so the per-item order (a and b interleaved) and the columnar one (a's batches, then b's) must agree.
    const item = await run('item');
    const cols = await run('columns');
    const key = (a: DriftAlarm): string => `${a.series} ${a.kind} ${a.version} ${a.time} ${a.score}`;
    expect(cols.alarms.map(key).sort()).toEqual(item.alarms.map(key).sort());
    expect(item.alarms.length).toBeGreaterThan(0);
    expect(cols.out.map((n) => [(n as Normalized).version, (n as Normalized).value])).toEqual(item.out.map((n) => [(n as Normalized).version, (n as Normalized).value]));
    expect(cols.store.snapshot().series).toEqual(item.store.snapshot().series);
  });
});
