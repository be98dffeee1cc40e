/**
 * Long-lived pipelines: each is built once per benchmark case and fed block after block for all of
 * that case's runs, as a stream is (a fresh pipeline per run would time its construction and JIT
 * warm-up, or need priming that flatters it). The library's operators and the hand-written
 * baselines; every sink reads each output's value once, as any consumer would.
 */
import { map, Subject, type Observable, type OperatorFunction } from 'rxjs';
import { normalize, normalizeChunks, normalizeColumns, type ColumnBatch, type SeriesStore } from '../operators/index.js';
import type { Normalized, Reading } from '../src/reading.js';
import { handFitStep, handFrozenStep, plainFitStep, type HandFit, type HandFrozen, type PlainFit } from './hand.js';
import { consume } from './interleave.js';

/** A pipeline fed by `push`; `emitted` counts the values it has emitted so far. */
export interface LivePipeline<T> {
  push(item: T): void;
  emitted(): number;
}

/** How a sink reads one emission: returns the number of values in it, adding their sum to `acc`. */
type Reader<R> = (out: R, acc: { sum: number }) => number;

const readOne: Reader<Normalized> = (o, acc) => {
  acc.sum += o.value;
  return 1;
};
const readArray: Reader<Normalized[]> = (chunk, acc) => {
  for (let i = 0; i < chunk.length; i++) acc.sum += (chunk[i] as Normalized).value;
  return chunk.length;
};
const readColumns: Reader<{ values: Float64Array }> = (c, acc) => {
  const v = c.values;
  for (let i = 0; i < v.length; i++) acc.sum += v[i] as number;
  return v.length;
};

function live<T, R>(operator: OperatorFunction<T, R>, read: Reader<R>): LivePipeline<T> {
  const source = new Subject<T>();
  const acc = { sum: 0 };
  let n = 0;
  (source.pipe(operator) as Observable<R>).subscribe((out) => {
    n += read(out, acc);
  });
  return {
    push: (item) => source.next(item),
    emitted: () => {
      consume(acc.sum);
      acc.sum = 0;
      return n;
    },
  };
}

/** The per-item operator on a store (frozen series, or `freeze: 'never'` to fit every series). */
export function operatorPipeline(store: SeriesStore, fit: boolean): LivePipeline<Reading> {
  return live(normalize(fit ? { store, freeze: 'never' } : { store }), readOne);
}

/** The chunked operator, output objects or columns. */
export function chunksPipeline(store: SeriesStore, fit: boolean, columns: boolean): LivePipeline<readonly Reading[]> {
  const options = { store, ...(fit ? { freeze: 'never' as const } : {}) };
  return columns ? live(normalizeChunks({ ...options, output: 'columns' }), readColumns) : live(normalizeChunks(options), readArray);
}

/** The columnar operator (one series per batch, typed arrays) on a store of frozen series. */
export function columnsPipeline(store: SeriesStore): LivePipeline<ColumnBatch> {
  return live(normalizeColumns({ store }), readColumns);
}

/** Hand-written `map` + `Map` on frozen statistics. */
export function handFrozenPipeline(stats: ReadonlyMap<string, HandFrozen>): LivePipeline<Reading> {
  return live(
    map((r: Reading) => handFrozenStep(stats, r)),
    readOne,
  );
}

/** Hand-written `map` + `Map` of fits doing the library's arithmetic (see {@link handFitStep}). */
export function handFitPipeline(): LivePipeline<Reading> {
  const fits = new Map<string, HandFit>();
  return live(
    map((r: Reading) => handFitStep(fits, r)),
    readOne,
  );
}

/** Hand-written `map` + `Map` of plain Welford states (for reference). */
export function plainFitPipeline(): LivePipeline<Reading> {
  const fits = new Map<string, PlainFit>();
  return live(
    map((r: Reading) => plainFitStep(fits, r)),
    readOne,
  );
}
