import { from, lastValueFrom, Subject, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { chunkToNormalized, columnsToNormalized, normalize, normalizeChunks, normalizeColumns, SeriesStore, type Normalized, type NormalizeOptions, type Reading, type SeriesStoreOptions } from 'streamnorm';
import { R } from './helpers.js';

const perItem = (readings: Reading[], options: NormalizeOptions): Promise<Normalized[]> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));

/** A store with frozen series a (standard), b (robust, plain), c (minmax clip: not plain), d (zero spread). */
async function frozenStore(options: SeriesStoreOptions = {}): Promise<SeriesStore> {
  const store = new SeriesStore(options);
  const train = [1, 2, 3, 5, 8].flatMap((v) => [R('a', v), R('b', v * 2), R('c', v - 1), R('d', 4)]);
  await perItem(train, { store, freeze: { afterSamples: 5 } });
  return store;
}

/** What a row of `output: 'columns'` holds of an output: no `reason`, a non-number raw value as NaN. */
const asRow = ({ reason: _r, ...n }: Normalized): Normalized => ({ ...n, raw: typeof n.raw === 'number' ? n.raw : NaN });

/** normalizeChunks with `output: 'columns'`, its chunks turned back into objects. */
const viaColumns = async (chunks: Reading[][], options: NormalizeOptions): Promise<Normalized[]> =>
  (await lastValueFrom(from(chunks).pipe(normalizeChunks({ ...options, output: 'columns' }), toArray()))).flatMap(chunkToNormalized);

/** Separate but equal copies of a store, so two forms can run on the same state. */
const copyOf = (store: SeriesStore): SeriesStore => new SeriesStore({ initial: store.snapshot(), drift: store.driftScore('a') === undefined ? false : {} });

describe('normalizeChunks inline loop: identical to the per-item form', () => {
  it('frozen plain and non-plain series, unknown ones (fitting), invalid values, tags and missing times', async () => {
    const store = await frozenStore();
    const values: unknown[] = [1.5, NaN, 7, null, 'x', -0, 3, Infinity, 1e300, 2];
    const readings: Reading[] = [];
    values.forEach((v, i) => {
      for (const s of ['a', 'b', 'c', 'd', 'new']) readings.push(i % 3 === 0 ? { series: s, value: v, tags: { k: s } } : R(s, v, i));
    });
    const options = (s: SeriesStore): NormalizeOptions => ({ store: s, freeze: { afterSamples: 4 }, invalid: 'flag' });
    const itemStore = copyOf(store);
    const expected = await perItem(readings, options(itemStore));
    const chunkStore = copyOf(store);
    const chunks = await lastValueFrom(from([readings.slice(0, 13), readings.slice(13)]).pipe(normalizeChunks(options(chunkStore)), toArray()));
    expect(chunks.flat()).toEqual(expected);
    expect(chunks.flat().some((n) => n.phase === 'frozen' && n.flag === undefined)).toBe(true);
    expect(chunkStore.diagnostics()).toEqual(itemStore.diagnostics());
    const columnStore = copyOf(store);
    expect(await viaColumns([readings.slice(0, 13), readings.slice(13)], options(columnStore))).toEqual(expected.map(asRow));
    expect(columnStore.diagnostics()).toEqual(itemStore.diagnostics());
  });

  it('held windows released by a notifier fired from inside a chunk (a frozen$ subscriber) are not lost', async () => {
    const run = async (chunked: boolean | 'columns'): Promise<Normalized[]> => {
      const store = await frozenStore();
      const notifier = new Subject<string>();
      // When 'a' is restored frozen again (a freeze of 'h'), freeze 'g' too, synchronously.
      store.frozen$.subscribe(({ series }) => {
        if (series === 'h') notifier.next('g');
      });
      const readings = [R('g', 1), R('h', 2), R('a', 3), R('g', 4), R('h', 5), R('a', 6), R('h', 7), R('a', 8), R('g', 9), R('a', 10)];
      const options: NormalizeOptions = { store, freeze: [{ afterSamples: 3 }, { notifier }], whileFitting: 'hold' };
      if (!chunked) return perItem(readings, options);
      if (chunked === 'columns') return viaColumns([readings], options);
      return (await lastValueFrom(from([readings]).pipe(normalizeChunks(options), toArray()))).flat();
    };
    const expected = await run(false);
    expect(expected.filter((n) => n.flag === 'held').length).toBeGreaterThan(0);
    expect(await run(true)).toEqual(expected);
    expect(await run('columns')).toEqual(expected.map(asRow));
  });

  it('fitting inline (provisional): time-based freezes, out-of-order and missing times, out-of-domain values, invalid policies', async () => {
    const readings: Reading[] = [];
    for (let i = 0; i < 400; i++) {
      const series = `s${(i * 7) % 5}`;
      const value = i % 13 === 0 ? -1 : i % 17 === 0 ? NaN : 1 + ((i * 31) % 23) / 3;
      const time = i % 11 === 0 ? undefined : i * 10 - (i % 9 === 0 ? 35 : 0);
      readings.push(time === undefined ? R(series, value) : R(series, value, time));
    }
    const optionSets: NormalizeOptions[] = [
      { scaler: { kind: 'standard', pre: 'log' }, freeze: { afterSpanMs: 700 }, invalid: 'flag' },
      { scaler: { kind: 'robust' }, freeze: [{ atTime: 2500 }, { afterSamples: 60 }], invalid: 'drop' },
      { scaler: { kind: 'minmax', clip: true, pre: 'log1p' }, freeze: { afterSamples: 30 } },
      { freeze: 'never', scaler: { kind: 'standard', zeroSpread: 'nan' } },
      // default standard scalers: compact fits, inline paths
      { freeze: { afterSpanMs: 700 }, invalid: 'flag' },
      { freeze: [{ atTime: 2500 }, { afterSamples: 60 }], invalid: 'drop' },
      { freeze: { afterSamples: 30 }, whileFitting: 'hold', holdLimit: 10, holdOverflow: 'provisional' },
    ];
    for (const options of optionSets) {
      const itemStore = new SeriesStore();
      const expected = await perItem(readings, { ...options, store: itemStore });
      const chunkStore = new SeriesStore();
      const chunks = await lastValueFrom(from([readings.slice(0, 1), readings.slice(1, 150), readings.slice(150)]).pipe(normalizeChunks({ ...options, store: chunkStore }), toArray()));
      expect(chunks.flat()).toEqual(expected);
      expect(chunkStore.diagnostics()).toEqual(itemStore.diagnostics());
      expect(chunkStore.snapshot().series).toEqual(itemStore.snapshot().series);
      const columnStore = new SeriesStore();
      expect(await viaColumns([readings.slice(0, 1), readings.slice(1, 150), readings.slice(150)], { ...options, store: columnStore })).toEqual(expected.map(asRow));
      expect(columnStore.snapshot().series).toEqual(itemStore.snapshot().series);
    }
  });

  it('invalid: error inside the inline fitting path ends the stream at that reading, after the chunk\'s earlier outputs', async () => {
    const readings = [R('a', 1, 1), R('a', 2, 2), R('a', -1, 3), R('a', 4, 4)];
    const options: NormalizeOptions = { scaler: { kind: 'standard', pre: 'log' }, invalid: 'error' };
    const item: Normalized[] = [];
    await expect(lastValueFrom(from(readings).pipe(normalize(options), tap((n) => item.push(n))))).rejects.toThrow(/out-of-domain/);
    const chunked: Normalized[][] = [];
    await expect(lastValueFrom(from([readings]).pipe(normalizeChunks(options), tap((c) => chunked.push(c))))).rejects.toThrow(/out-of-domain/);
    expect(chunked).toEqual([item]);
    expect(item).toHaveLength(2);
  });

  it('with a key function and with idle eviction (the per-reading path)', async () => {
    const readings = Array.from({ length: 60 }, (_, i) => R(`s${i % 4}`, (i * 37) % 11, i * 100));
    for (const options of [{ key: (r: Reading) => r.series.toUpperCase(), freeze: { afterSamples: 3 } }, { idleEvictMs: 250, freeze: { afterSamples: 2 } }] as NormalizeOptions[]) {
      const expected = await perItem(readings, options);
      const chunks = await lastValueFrom(from([readings.slice(0, 25), readings.slice(25)]).pipe(normalizeChunks(options), toArray()));
      expect(chunks.flat()).toEqual(expected);
      expect(await viaColumns([readings.slice(0, 25), readings.slice(25)], options)).toEqual(expected.map(asRow));
    }
  });
});

describe('normalizeChunks look-ahead of slots', () => {
  it('a series deleted and re-added from a callback inside a chunk is looked up again (no stale slot)', async () => {
    const run = async (output: 'objects' | 'columns'): Promise<Normalized[]> => {
      const store = await frozenStore();
      // At the freeze of 'n', 'a' is deleted and 'z' takes its slot: later readings of 'a' in the same chunk must not use it.
      store.frozen$.subscribe(({ series }) => {
        if (series === 'n') {
          store.delete('a');
          store.versions.setFrozen('z', { ...(store.params('b') as NonNullable<ReturnType<SeriesStore['params']>>) }, { kind: 'robust' });
        }
      });
      const readings = [R('a', 1), R('n', 1), R('n', 2), R('a', 5), R('z', 5), R('a', 6)];
      const options: NormalizeOptions = { store, freeze: { afterSamples: 2 }, whileFitting: 'raw' };
      if (output === 'columns') return viaColumns([readings], options);
      return (await lastValueFrom(from([readings]).pipe(normalizeChunks(options), toArray()))).flat();
    };
    const expected = await perItem([R('a', 1), R('n', 1), R('n', 2), R('a', 5), R('z', 5), R('a', 6)], {
      store: await (async () => {
        const store = await frozenStore();
        store.frozen$.subscribe(({ series }) => {
          if (series === 'n') {
            store.delete('a');
            store.versions.setFrozen('z', { ...(store.params('b') as NonNullable<ReturnType<SeriesStore['params']>>) }, { kind: 'robust' });
          }
        });
        return store;
      })(),
      freeze: { afterSamples: 2 },
      whileFitting: 'raw',
    });
    expect(expected.filter((n) => n.series === 'a').map((n) => n.phase)).toEqual(['frozen', 'fitting', 'fitting']);
    expect(await run('objects')).toEqual(expected);
    expect(await run('columns')).toEqual(expected.map(asRow));
  });

  it('columns output: tags only when some reading has tags; an empty chunk emits nothing', async () => {
    const out = await lastValueFrom(from([[R('a', 1), R('a', 2)], [], [R('a', 3), { series: 'a', value: 4, tags: { k: 'v' } }]]).pipe(normalizeChunks({ freeze: { afterSamples: 2 }, output: 'columns' }), toArray()));
    expect(out).toHaveLength(2);
    expect(out[0]?.tags).toBeUndefined();
    expect(out[1]?.tags).toEqual([undefined, { k: 'v' }]);
    expect(out[1]?.length).toBe(2);
    expect(() => normalizeChunks({ output: 'rows' as 'columns' })).toThrow(/output must be 'objects' or 'columns'/);
  });
});

describe('normalizeColumns whole-batch fast path (drift off): identical to the per-item form', () => {
  const batchValues = [4, -0, 2.5, 1e9, -7, 3];
  const timesForms: [string, Float64Array | number[] | undefined][] = [
    ['Float64Array times', new Float64Array([10, 20, NaN, 40, 50, 60])],
    ['number[] times, one short', [10, 20, 30, 40, 50]],
    ['no times', undefined],
  ];
  for (const [name, times] of timesForms) {
    for (const series of ['a', 'b']) {
      it(`${series}, ${name}`, async () => {
        const store = await frozenStore({ drift: false });
        const itemStore = copyOf(store);
        const readings = batchValues.map((v, i) => R(series, v, times?.[i]));
        const expected = (await perItem(readings, { store: itemStore })).map(({ tags: _t, ...rest }) => (rest.time === undefined || rest.time !== rest.time ? (({ time: _x, ...r }) => r)(rest) : rest));
        const values = Float64Array.from(batchValues);
        const cols = await lastValueFrom(from([{ series, values, times }]).pipe(normalizeColumns({ store }), toArray()));
        expect(cols).toHaveLength(1);
        expect(columnsToNormalized(cols[0]!)).toEqual(expected);
        expect(cols[0]!.raw).toBe(values); // the input itself, not a copy
        expect(store.diagnostics().totals.readings).toBe(itemStore.diagnostics().totals.readings); // both: 20 training readings (the copy restores the totals) + 6
      });
    }
  }

  it('a valid number[] batch: same rows, raw copied into a Float64Array', async () => {
    const store = await frozenStore();
    const itemStore = copyOf(store);
    const expected = (await perItem(batchValues.map((v) => R('b', v)), { store: itemStore })).map(({ tags: _t, time: _x, ...rest }) => rest);
    const values = [...batchValues];
    const cols = await lastValueFrom(from([{ series: 'b', values }]).pipe(normalizeColumns({ store }), toArray()));
    expect(cols).toHaveLength(1);
    expect(columnsToNormalized(cols[0]!)).toEqual(expected);
    expect(cols[0]!.raw).toBeInstanceOf(Float64Array);
    expect(Array.from(cols[0]!.raw)).toEqual(batchValues);
  });

  it('a number[] batch with null or a string goes through the invalid policy, as per item', async () => {
    const store = await frozenStore();
    const itemStore = copyOf(store);
    const raw: unknown[] = [1, null, 2, 'x', 3];
    const expected = (await perItem(raw.map((v) => R('a', v)), { store: itemStore, invalid: 'flag' })).map(({ tags: _t, reason: _r, time: _x, ...rest }) => ({ ...rest, raw: typeof rest.raw === 'number' ? rest.raw : NaN }));
    const cols = await lastValueFrom(from([{ series: 'a', values: raw as number[] }]).pipe(normalizeColumns({ store, invalid: 'flag' }), toArray()));
    expect(cols.flatMap(columnsToNormalized)).toEqual(expected);
    expect(store.diagnostics().series.a).toEqual(itemStore.diagnostics().series.a);
    expect(store.diagnostics().series.a?.invalid.null).toBe(1);
  });

  it('a batch of a non-plain frozen series (clip, zero spread) takes the row path with the same results', async () => {
    for (const series of ['c', 'd']) {
      const store = await frozenStore();
      const itemStore = copyOf(store);
      const expected = (await perItem(batchValues.map((v) => R(series, v)), { store: itemStore })).map(({ tags: _t, time: _x, ...rest }) => rest);
      const cols = await lastValueFrom(from([{ series, values: Float64Array.from(batchValues) }]).pipe(normalizeColumns({ store }), toArray()));
      expect(cols.flatMap(columnsToNormalized)).toEqual(expected);
    }
  });
});
