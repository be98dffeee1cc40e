import { firstValueFrom, from, lastValueFrom, Subject, toArray, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fromSklearnFeatures, normalize, SeriesStore, StandardScaler, type Normalized, type NormalizeOptions, type Reading } from 'streamnorm';
import { R } from './helpers.js';

const run = (readings: Reading[], options: NormalizeOptions): Promise<Normalized[]> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));

describe('normalize: invalid values', () => {
  const readings = [R('s', 1), R('s', NaN), R('s', 3), R('s', null), R('s', '7'), R('s', Infinity), R('s', 5)];

  it('drop: not emitted, never learned, counted per series and reason', async () => {
    const store = new SeriesStore();
    const out = await run(readings, { store, freeze: { afterSamples: 3 }, whileFitting: 'drop', invalid: 'drop' });
    expect(out).toEqual([]);
    expect(store.params('s')?.center).toBe(3);
    expect(store.params('s')?.count).toBe(3);
    const d = store.diagnostics();
    expect(d.series.s?.invalid).toEqual({ nan: 1, infinite: 1, null: 1, 'not-a-number': 1, 'out-of-domain': 0 });
    expect(d.series.s?.droppedInvalid).toBe(4);
    expect(d.totals.droppedInvalid).toBe(4);
    expect(d.totals.readings).toBe(7);
  });

  it('flag (default): emitted with value NaN, flag and reason, in order', async () => {
    const store = new SeriesStore();
    const out = await run([...readings, R('s', NaN)], { store, freeze: { afterSamples: 3 }, whileFitting: 'raw' });
    expect(out.map((n) => [n.flag, n.reason ?? null, n.phase])).toEqual([
      ['raw', null, 'fitting'],
      ['invalid', 'nan', 'fitting'],
      ['raw', null, 'fitting'],
      ['invalid', 'null', 'fitting'],
      ['invalid', 'not-a-number', 'fitting'],
      ['invalid', 'infinite', 'fitting'],
      ['raw', null, 'fitting'],
      ['invalid', 'nan', 'frozen'],
    ]);
    expect(out[7]?.version).toBe(1);
    expect(Number.isNaN(out[1]?.value)).toBe(true);
    expect(store.diagnostics().series.s?.invalid.nan).toBe(2);
    expect(store.diagnostics().series.s?.droppedInvalid).toBe(0);
  });

  it('out-of-domain values of a log pre-transform are refused while fitting and when frozen', async () => {
    const store = new SeriesStore();
    const out = await run([R('s', 1), R('s', -1), R('s', Math.E), R('s', 0), R('s', Math.E ** 2)], {
      store,
      scaler: { kind: 'maxabs', pre: 'log' },
      freeze: { afterSamples: 2 },
      whileFitting: 'drop',
    });
    expect(out.map((n) => n.reason ?? n.value)).toEqual(['out-of-domain', 'out-of-domain', 2]);
    expect(store.diagnostics().series.s?.invalid['out-of-domain']).toBe(2);
  });
});

describe('normalize: fitting-phase policies', () => {
  const readings = [1, 2, 3, 4, 5].map((v) => R('s', v));

  it('drop emits only frozen values; raw and provisional flag the window', async () => {
    expect((await run(readings, { freeze: { afterSamples: 3 }, whileFitting: 'drop' })).map((n) => n.value)).toEqual([2, 3].map((d) => d * (1 / Math.sqrt(2 / 3))));
    const raw = await run(readings, { freeze: { afterSamples: 3 }, whileFitting: 'raw' });
    expect(raw.slice(0, 3).map((n) => [n.value, n.flag, n.version])).toEqual([
      [1, 'raw', 0],
      [2, 'raw', 0],
      [3, 'raw', 0],
    ]);
    const prov = await run(readings, { freeze: { afterSamples: 3 }, whileFitting: 'provisional' });
    expect(prov.slice(0, 3).map((n) => [n.value, n.flag])).toEqual([
      [0, 'provisional'],
      [1, 'provisional'],
      [1.224744871391589, 'provisional'],
    ]);
  });

  it('hold releases the window with the frozen statistics, in arrival order', async () => {
    const out = await run(readings, { freeze: { afterSamples: 3 }, whileFitting: 'hold' });
    const frozen = new StandardScaler().learnMany([1, 2, 3]);
    frozen.freeze();
    expect(out.map((n) => [n.raw, n.value, n.flag ?? null, n.version])).toEqual([
      [1, frozen.transform(1), 'held', 1],
      [2, frozen.transform(2), 'held', 1],
      [3, frozen.transform(3), 'held', 1],
      [4, frozen.transform(4), null, 1],
      [5, frozen.transform(5), null, 1],
    ]);
  });

  it('hold overflow: reported, the window and later values go by holdOverflow, nothing lost', async () => {
    const store = new SeriesStore();
    const many = [1, 2, 3, 4, 5, 6, 7].map((v) => R('s', v));
    const out = await run(many, { store, freeze: { afterSamples: 6 }, whileFitting: 'hold', holdLimit: 3, holdOverflow: 'raw' });
    expect(out.map((n) => [n.raw, n.flag ?? n.phase])).toEqual([
      [1, 'raw'],
      [2, 'raw'],
      [3, 'raw'],
      [4, 'raw'],
      [5, 'raw'],
      [6, 'raw'],
      [7, 'frozen'],
    ]);
    const d = store.diagnostics().series.s;
    expect(d?.holdOverflows).toBe(1);
    expect(d?.holdOverflowValues).toBe(6);
  });

  it('held values still held at completion are released by the fallback and counted', async () => {
    const store = new SeriesStore();
    const out = await run([R('s', 1), R('s', 3)], { store, freeze: { afterSamples: 10 }, whileFitting: 'hold' });
    expect(out.map((n) => [n.value, n.flag])).toEqual([
      [-1, 'provisional'],
      [1, 'provisional'],
    ]);
    expect(store.diagnostics().series.s?.flushedOnComplete).toBe(2);
  });

  it('held values discarded by unsubscription are counted', () => {
    const store = new SeriesStore();
    const src = new Subject<Reading>();
    const sub = src.pipe(normalize({ store, freeze: { afterSamples: 10 }, whileFitting: 'hold' })).subscribe();
    src.next(R('s', 1));
    src.next(R('s', 2));
    sub.unsubscribe();
    expect(store.diagnostics().series.s?.discardedOnUnsubscribe).toBe(2);
  });

  it("'hold' with 'never' and bad options are refused up front", () => {
    expect(() => normalize({ freeze: 'never', whileFitting: 'hold' })).toThrow(/hold/);
    expect(() => normalize({ freeze: { afterSamples: 0 } })).toThrow(/afterSamples/);
    expect(() => normalize({ whileFitting: 'later' as never })).toThrow(/whileFitting/);
    expect(() => normalize({ scaler: { kind: 'zscore' } as never })).toThrow(/kind/);
  });
});

describe('normalize: event time', () => {
  it('out-of-order readings are accepted, learned and counted; the span counts from the first reading', async () => {
    const store = new SeriesStore();
    const out = await run([R('s', 1, 1000), R('s', 2, 500), R('s', 3, 1500), R('s', 9, 2000)], { store, freeze: { afterSpanMs: 1000 }, whileFitting: 'drop' });
    expect(store.diagnostics().series.s?.outOfOrder).toBe(1);
    expect(store.params('s')?.count).toBe(3);
    expect(out.map((n) => n.raw)).toEqual([9]);
  });

  it('a series with nothing learned at its freeze point freezes after its first valid value', async () => {
    const store = new SeriesStore();
    const out = await run([R('s', NaN, 0), R('s', 5, 2000), R('s', 6, 3000)], { store, freeze: { atTime: 1000 }, whileFitting: 'raw', invalid: 'drop' });
    expect(out.map((n) => [n.raw, n.phase])).toEqual([
      [5, 'fitting'],
      [6, 'frozen'],
    ]);
    expect(store.params('s')?.center).toBe(5);
  });

  it('readings without time under a time-based freeze are learned and counted', async () => {
    const store = new SeriesStore();
    await run([R('s', 1), R('s', 2, 0)], { store, freeze: { afterSpanMs: 10 } });
    expect(store.diagnostics().series.s?.missingTime).toBe(1);
    expect(store.fitting('s')?.count).toBe(2);
  });
});

describe('normalize: known statistics and unknown series', () => {
  it('series from scikit-learn attributes start frozen', async () => {
    const initial = fromSklearnFeatures('standard', { mean_: [10, 0], var_: [4, 1], scale_: [2, 1], n_samples_seen_: 50, feature_names_in_: ['a', 'b'] });
    const out = await run([R('a', 14), R('b', -1)], { initial });
    expect(out.map((n) => [n.value, n.phase, n.version])).toEqual([
      [2, 'frozen', 1],
      [-1, 'frozen', 1],
    ]);
  });

  it('unknown series: fallback to a named series, or a group function, flagged fallback', async () => {
    const initial = fromSklearnFeatures('standard', { mean_: [10], var_: [4], scale_: [2], feature_names_in_: ['site1'] });
    const store = new SeriesStore({ initial });
    const out = await run([R('site1/x', 12), R('site2/x', 12)], { store, unknownSeries: { fallback: (s) => s.split('/')[0] as string } });
    expect(out.map((n) => [n.series, n.value, n.flag])).toEqual([
      ['site1/x', 1, 'fallback'],
      ['site2/x', 12, 'raw'],
    ]);
    expect(store.diagnostics().series['site2/x']?.passedRaw).toBe(1);
    expect(store.size).toBe(1);
  });

  it('unknown series: raw passes, drop counts; the store does not grow', async () => {
    const store = new SeriesStore();
    const raw = await run([R('x', 3)], { store, unknownSeries: 'raw' });
    expect(raw.map((n) => [n.value, n.phase, n.flag])).toEqual([[3, 'passthrough', 'raw']]);
    expect(await run([R('y', 3)], { store, unknownSeries: 'drop' })).toEqual([]);
    expect(store.diagnostics().series.y?.droppedUnknown).toBe(1);
    expect(store.size).toBe(0);
  });
});

describe('SeriesStore', () => {
  it('a snapshot restores to the same outputs (frozen and fitting series)', async () => {
    const store = new SeriesStore();
    const train = [R('a', 1), R('a', 2), R('a', 4), R('b', 10), R('b', 30)];
    await run(train, { store, freeze: { afterSamples: 3 } });
    const snap = JSON.parse(JSON.stringify(store.snapshot()));
    const copy = new SeriesStore({ initial: snap });
    expect(copy.phase('a')).toBe('frozen');
    expect(copy.phase('b')).toBe('fitting');
    const test = [R('a', 3), R('b', 20), R('b', 50), R('a', -7)];
    const opts = { freeze: { afterSamples: 3 } } as const;
    expect(await run(test, { ...opts, store: copy })).toEqual(await run(test, { ...opts, store }));
  });

  it('frozen statistics never change; frozen$ replays current freezes then emits new ones', async () => {
    const store = new SeriesStore();
    const seen: string[] = [];
    store.frozen$.subscribe((f) => seen.push(`${f.series}@${f.params.version}`));
    await run([R('a', 1), R('a', 2), R('a', 100), R('a', -100)], { store, freeze: { afterSamples: 2 } });
    expect(store.params('a')).toMatchObject({ center: 1.5, scale: 0.5, version: 1, count: 2 });
    expect(seen).toEqual(['a@1']);
    const late = await firstValueFrom(store.frozen$ as Observable<{ series: string }>);
    expect(late.series).toBe('a');
  });

  it('restore refuses a malformed snapshot naming the field', () => {
    expect(() => new SeriesStore({ initial: { schema: 'nope' } as never })).toThrow(/schema/);
  });
});

describe('normalize: clipping', () => {
  it('frozen outputs beyond the clip range are limited, flagged clipped and counted per series', async () => {
    const store = new SeriesStore();
    const out = await run([R('s', 1), R('s', 2), R('s', 3), R('s', 2.5), R('s', 100), R('s', -100)], { store, scaler: { kind: 'standard', clip: [-3, 3] }, freeze: { afterSamples: 3 }, whileFitting: 'drop' });
    expect(out.map((n) => [n.value, n.flag ?? null])).toEqual([
      [0.5 / Math.sqrt(2 / 3), null],
      [3, 'clipped'],
      [-3, 'clipped'],
    ]);
    expect(store.diagnostics().series.s?.clipped).toBe(2);
  });
});
