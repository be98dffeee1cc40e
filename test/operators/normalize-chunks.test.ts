import { from, lastValueFrom, map, range, take, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { columnsToNormalized, normalize, normalizeChunks, normalizeColumns, SeriesStore, type ColumnBatch, type Normalized, type NormalizeOptions, type Reading } from 'streamnorm';
import { rng } from '../helpers/fixtures.js';
import { R, scheduler } from './helpers.js';


/** Readings of `nSeries` series with some invalid values and out-of-order times. */
function data(n: number, nSeries: number, seed = 7): Reading[] {
  const rand = rng(seed);
  const out: Reading[] = [];
  for (let i = 0; i < n; i++) {
    const u = rand();
    const value = u < 0.03 ? NaN : u < 0.04 ? null : u < 0.05 ? 'x' : 20 + 5 * rand() + (i % 7);
    out.push({ series: `s${Math.floor(rand() * nSeries)}`, value, time: i * 10 - (rand() < 0.05 ? 25 : 0) });
  }
  return out;
}

function chunk<T>(xs: T[], sizes: number[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < xs.length) {
    const size = sizes[k++ % sizes.length] as number;
    out.push(xs.slice(i, i + size));
    i += size;
  }
  return out;
}

const perItem = (readings: Reading[], options: NormalizeOptions): Promise<Normalized[]> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));

const cases: [string, NormalizeOptions][] = [
  ['standard, provisional', { freeze: { afterSamples: 20 } }],
  ['robust, hold with overflow', { scaler: { kind: 'robust' }, freeze: { afterSpanMs: 3000 }, whileFitting: 'hold', holdLimit: 15 }],
  ['minmax clip, raw, invalid drop', { scaler: { kind: 'minmax', clip: true }, freeze: { afterSamples: 10 }, whileFitting: 'raw', invalid: 'drop' }],
  ['maxabs log1p, drop, eviction', { scaler: { kind: 'maxabs', pre: 'log1p' }, freeze: { atTime: 2000 }, whileFitting: 'drop', idleEvictMs: 500 }],
];

describe('normalizeChunks and normalizeColumns give exactly the per-item results', () => {
  const readings = data(4000, 25);
  for (const [name, options] of cases) {
    it(`${name}: chunks`, async () => {
      const expected = await perItem(readings, options);
      const chunks = await lastValueFrom(from(chunk(readings, [1, 7, 64, 0, 300])).pipe(normalizeChunks(options), toArray()));
      expect(chunks.flat()).toEqual(expected);
      expect(chunks.every((c) => c.length > 0)).toBe(true);
    });

    it(`${name}: columns (one series per batch)`, async () => {
      // Per-series runs of readings keep the same global order in both forms.
      const runs: ColumnBatch[] = [];
      const ordered: Reading[] = [];
      for (const run of chunk(readings, [5, 40, 1, 200])) {
        const bySeries = new Map<string, Reading[]>();
        for (const r of run) bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), r]);
        for (const [series, rs] of bySeries) {
          ordered.push(...rs);
          runs.push({ series, values: Float64Array.from(rs, (r) => (typeof r.value === 'number' ? r.value : NaN)), times: Float64Array.from(rs, (r) => r.time as number) });
        }
      }
      const asNumbers = ordered.map((r) => ({ ...r, value: typeof r.value === 'number' ? r.value : NaN }));
      const expected = (await perItem(asNumbers, options)).map(({ tags: _t, reason: _r, ...rest }) => rest);
      const cols = await lastValueFrom(from(runs).pipe(normalizeColumns(options), toArray()));
      expect(cols.flatMap(columnsToNormalized)).toEqual(expected);
    });
  }

  it('the columnar fast path on frozen series equals the per-item form, invalid values included', async () => {
    const store = new SeriesStore();
    await perItem([1, 2, 3, 4].map((v) => R('a', v)), { store, freeze: { afterSamples: 4 } });
    const values = new Float64Array([5, NaN, 6, Infinity, -1e300, 0]);
    const [cols] = await lastValueFrom(from([{ series: 'a', values }]).pipe(normalizeColumns({ store }), toArray()));
    const copy = new SeriesStore({ initial: store.snapshot() });
    const expected = await perItem(Array.from(values, (v) => R('a', v)), { store: copy });
    expect(columnsToNormalized(cols!)).toEqual(expected.map(({ tags: _t, reason: _r, time: _time, ...rest }) => rest));
  });
});

describe('normalizeChunks / normalizeColumns: marbles and citizenship', () => {
  it('marbles: never, empty, many, error, early unsubscription, throwing key', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const opts: NormalizeOptions = { freeze: { afterSamples: 1 }, whileFitting: 'raw' };
      expectObservable(cold<Reading[]>('-').pipe(normalizeChunks(opts))).toBe('-');
      expectObservable(cold<Reading[]>('|').pipe(normalizeChunks(opts))).toBe('|');
      const a = [R('s', 1), R('s', 2)];
      const lens = (o: Normalized[]): number => o.length;
      expectObservable(cold('a-b|', { a, b: [] as Reading[] }).pipe(normalizeChunks(opts), map(lens))).toBe('x--|', { x: 2 });
      expectObservable(cold('a#', { a }).pipe(normalizeChunks(opts), map(lens))).toBe('x#', { x: 2 });
      const src = hot('a-a-a', { a });
      expectObservable(src.pipe(normalizeChunks(opts), map(lens)), '^-!').toBe('x--', { x: 2 });
      expectSubscriptions(src.subscriptions).toBe('^-!');
      const key = (r: Reading): string => {
        if (r.value === 2) throw new Error('bad key');
        return r.series;
      };
      // The output before the error in the same chunk is emitted first, as the per-item form does.
      expectObservable(cold('a', { a }).pipe(normalizeChunks({ ...opts, key }), map(lens))).toBe('(x#)', { x: 1 }, new Error('bad key'));
      const cols = cold<ColumnBatch>('-c|', { c: { series: 's', values: new Float64Array([1]) } });
      expectObservable(cols.pipe(normalizeColumns(opts), map((c) => c.values.length))).toBe('-x|', { x: 1 });
    });
  });

  it('unsubscription stops a synchronous source of chunks', async () => {
    let pulled = 0;
    await lastValueFrom(
      range(0, 1e5).pipe(
        tap(() => pulled++),
        map((i) => [R('s', i)]),
        normalizeChunks({ freeze: { afterSamples: 1 } }),
        take(2),
        toArray(),
      ),
    );
    expect(pulled).toBe(2);
  });
});
