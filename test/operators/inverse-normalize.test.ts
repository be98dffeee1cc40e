import { from, lastValueFrom, map, range, take, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fromSklearn, inverseNormalize, normalize, SeriesStore, type Reading } from 'streamnorm';
import { R, scheduler } from './helpers.js';

describe('inverseNormalize', () => {
  it('maps normalized values back with the same frozen statistics (round trip, every scaler kind)', async () => {
    for (const scaler of [{ kind: 'standard' }, { kind: 'minmax', featureRange: [-1, 1] }, { kind: 'maxabs', pre: 'log1p' }, { kind: 'robust' }] as const) {
      const store = new SeriesStore();
      const raw = [3, 9, 4, 12, 7, 5, 11];
      const normalized = await lastValueFrom(from(raw.map((v) => R('s', v))).pipe(normalize({ store, scaler, freeze: { afterSamples: 4 }, whileFitting: 'drop' }), toArray()));
      const back = await lastValueFrom(from(normalized).pipe(inverseNormalize({ store }), toArray()));
      back.forEach((b, i) => {
        expect(b.value).toBeCloseTo(raw[4 + i]!, 12);
        expect(b.version).toBe(1);
        expect(b.normalized).toBe(normalized[i]!.value);
        expect(b.phase).toBe('frozen'); // other fields pass unchanged
      });
    }
  });

  it('unknown or fitting series: NaN (default), drop, or error', async () => {
    const store = new SeriesStore();
    const items = [{ series: 'nope', value: 1 }];
    expect((await lastValueFrom(from(items).pipe(inverseNormalize({ store }), toArray())))[0]).toEqual({ series: 'nope', value: NaN, normalized: 1, version: 0 });
    expect(await lastValueFrom(from(items).pipe(inverseNormalize({ store, unknown: 'drop' }), toArray()))).toEqual([]);
    await expect(lastValueFrom(from(items).pipe(inverseNormalize({ store, unknown: 'error' })))).rejects.toThrow(/"nope"/);
  });

  it('takes frozen parameters by series (a Map or a function)', async () => {
    const params = new Map([['t', fromSklearn('standard', { mean_: 10, var_: 4, scale_: 2 }).freeze()]]);
    const out = await lastValueFrom(from([{ series: 't', value: -1, extra: 'kept' }]).pipe(inverseNormalize({ params }), toArray()));
    expect(out).toEqual([{ series: 't', value: 8, normalized: -1, version: 1, extra: 'kept' }]);
    expect(() => inverseNormalize({} as never)).toThrow(/store/);
  });

  it('marbles: never, empty, one, error, early unsubscription, throwing params function', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const params = (): undefined => undefined;
      const a = { series: 's', value: 1 };
      const x = { series: 's', value: NaN, normalized: 1, version: 0 };
      expectObservable(cold<typeof a>('-').pipe(inverseNormalize({ params }))).toBe('-');
      expectObservable(cold<typeof a>('|').pipe(inverseNormalize({ params }))).toBe('|');
      expectObservable(cold('a|', { a }).pipe(inverseNormalize({ params }))).toBe('x|', { x });
      expectObservable(cold('a#', { a }).pipe(inverseNormalize({ params }))).toBe('x#', { x });
      const src = hot('a-a-a', { a });
      expectObservable(src.pipe(inverseNormalize({ params })), '^-!').toBe('x--', { x });
      expectSubscriptions(src.subscriptions).toBe('^-!');
      const throwing = (): never => {
        throw new Error('lookup failed');
      };
      expectObservable(cold('-a', { a }).pipe(inverseNormalize({ params: throwing }))).toBe('-#', undefined, new Error('lookup failed'));
    });
  });

  it('unsubscription stops a synchronous source', async () => {
    let pulled = 0;
    const params = new Map([['s', fromSklearn('standard', { mean_: 0, var_: 1, scale_: 1 }).freeze()]]);
    await lastValueFrom(
      range(0, 1e5).pipe(
        tap(() => pulled++),
        map((i): Reading & { value: number } => ({ series: 's', value: i })),
        inverseNormalize({ params }),
        take(3),
        toArray(),
      ),
    );
    expect(pulled).toBe(3);
  });
});
