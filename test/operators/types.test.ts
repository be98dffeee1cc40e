import type { Observable, OperatorFunction } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  batchNorm,
  ewmNormalize,
  inverseNormalize,
  normalize,
  normalizeChunks,
  normalizeColumns,
  SeriesStore,
  type ColumnBatch,
  type Denormalized,
  type DiagnosticsReport,
  type FreezePolicy,
  type FrozenParams,
  type SeriesFrozen,
  type Normalized,
  type NormalizeOptions,
  type NormalizedColumns,
  type Reading,
  type Snapshot,
} from 'streamnorm';

describe('public signatures', () => {
  it('operators', () => {
    expectTypeOf(normalize).parameter(0).toEqualTypeOf<NormalizeOptions | undefined>();
    expectTypeOf(normalize({})).toEqualTypeOf<OperatorFunction<Reading, Normalized>>();
    expectTypeOf(normalizeChunks()).toEqualTypeOf<OperatorFunction<readonly Reading[], Normalized[]>>();
    expectTypeOf(normalizeColumns()).toEqualTypeOf<OperatorFunction<ColumnBatch, NormalizedColumns>>();
    expectTypeOf(batchNorm({ batchSize: 8 })).toEqualTypeOf<OperatorFunction<Reading, Normalized>>();
    expectTypeOf(ewmNormalize({ alpha: 0.1 })).toEqualTypeOf<OperatorFunction<Reading, Normalized>>();
    const inv = inverseNormalize<{ series: string; value: number; model: string }>({ store: new SeriesStore() });
    expectTypeOf(inv).toEqualTypeOf<OperatorFunction<{ series: string; value: number; model: string }, Denormalized<{ series: string; value: number; model: string }>>>();
    expectTypeOf<Denormalized<{ series: string; value: number; model: string }>>().toMatchTypeOf<{ model: string; normalized: number; version: number }>();
  });

  it('freeze policies', () => {
    expectTypeOf<{ afterSamples: 3 }>().toMatchTypeOf<FreezePolicy>();
    expectTypeOf<{ afterSpanMs: 1000 }>().toMatchTypeOf<FreezePolicy>();
    expectTypeOf<{ notifier: Observable<string[]> }>().toMatchTypeOf<FreezePolicy>();
    expectTypeOf<{ atTime: 5 }>().toMatchTypeOf<FreezePolicy>();
    expectTypeOf<'never'>().toMatchTypeOf<FreezePolicy>();
    expectTypeOf<'sometimes'>().not.toMatchTypeOf<FreezePolicy>();
    expectTypeOf<{ whileFitting: 'later' }>().not.toMatchTypeOf<NormalizeOptions>();
  });

  it('SeriesStore', () => {
    const store = new SeriesStore();
    expectTypeOf(store.snapshot()).toEqualTypeOf<Snapshot>();
    expectTypeOf(store.diagnostics()).toEqualTypeOf<DiagnosticsReport>();
    expectTypeOf(store.params('x')).toEqualTypeOf<FrozenParams | undefined>();
    expectTypeOf(store.frozen$).toEqualTypeOf<Observable<SeriesFrozen>>();
    expectTypeOf(store.size).toEqualTypeOf<number>();
    expectTypeOf<Snapshot>().toMatchTypeOf<Parameters<typeof store.restore>[0]>();
  });
});
