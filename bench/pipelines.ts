/**
 * The pipelines the keyed and chunked sections compare: the library's operators, and what a user
 * would write by hand (a `map` with a `Map` lookup and inline math; `groupBy` + `scan`).
 *
 * Every pipeline reads each output's value once (as any consumer would), and reports how many
 * values it emitted.
 */
import { groupBy, map, mergeMap, scan, type Observable } from 'rxjs';
import { normalize } from '../operators/index.js';
import { normalizeChunks } from '../operators/index.js';
import { normalizeColumns, type ColumnBatch } from '../operators/index.js';
import type { SeriesStore } from '../operators/index.js';
import type { Normalized, Reading } from '../src/reading.js';
import { consume } from './interleave.js';
import { benchStore } from './store-options.js';

/** Frozen statistics as a hand-written pipeline keeps them. */
export interface HandFrozen {
  mean: number;
  inv: number;
  version: number;
}

/** Welford state as a hand-written pipeline keeps it. */
interface HandFit {
  n: number;
  mean: number;
  m2: number;
}

type Attach<T> = (source: Observable<T>, emitted: (n: number) => void) => void;

/** Subscribes to per-item outputs, reading each value. */
function eachOutput(out: Observable<Normalized>, emitted: (n: number) => void): void {
  let acc = 0;
  let n = 0;
  out.subscribe({
    next: (o) => {
      acc += o.value;
      n++;
    },
    complete: () => {
      consume(acc);
      emitted(n);
    },
  });
}

/** Subscribes to array outputs, reading each value. */
function eachChunk(out: Observable<Normalized[]>, emitted: (n: number) => void): void {
  let acc = 0;
  let n = 0;
  out.subscribe({
    next: (chunk) => {
      for (let i = 0; i < chunk.length; i++) acc += (chunk[i] as Normalized).value;
      n += chunk.length;
    },
    complete: () => {
      consume(acc);
      emitted(n);
    },
  });
}

/** The per-item operator on a store of frozen series. */
export function operatorFrozen(store: SeriesStore): Attach<Reading> {
  return (source, emitted) => eachOutput(source.pipe(normalize({ store })), emitted);
}

/** The per-item operator fitting every series (never freezing; provisional outputs). */
export function operatorFit(): Attach<Reading> {
  return (source, emitted) => eachOutput(source.pipe(normalize({ freeze: 'never', store: benchStore() })), emitted);
}

/** The chunked operator on a store of frozen series. */
export function chunksFrozen(store: SeriesStore): Attach<readonly Reading[]> {
  return (source, emitted) => eachChunk(source.pipe(normalizeChunks({ store })), emitted);
}

/** Subscribes to columnar outputs (chunks or one series' columns), reading each value. */
function eachColumnOutput(out: Observable<{ values: Float64Array }>, emitted: (n: number) => void): void {
  let acc = 0;
  let n = 0;
  out.subscribe({
    next: (chunk) => {
      const v = chunk.values;
      for (let i = 0; i < v.length; i++) acc += v[i] as number;
      n += v.length;
    },
    complete: () => {
      consume(acc);
      emitted(n);
    },
  });
}

/** The chunked operator with columnar output on a store of frozen series. */
export function chunkColumnsFrozen(store: SeriesStore): Attach<readonly Reading[]> {
  return (source, emitted) => eachColumnOutput(source.pipe(normalizeChunks({ store, output: 'columns' })), emitted);
}

/** The chunked operator with columnar output, fitting every series. */
export function chunkColumnsFit(): Attach<readonly Reading[]> {
  return (source, emitted) => eachColumnOutput(source.pipe(normalizeChunks({ freeze: 'never', output: 'columns', store: benchStore() })), emitted);
}

/** The chunked operator fitting every series. */
export function chunksFit(): Attach<readonly Reading[]> {
  return (source, emitted) => eachChunk(source.pipe(normalizeChunks({ freeze: 'never', store: benchStore() })), emitted);
}

/** The columnar operator (one series per batch, typed arrays) on a store of frozen series. */
export function columnsFrozen(store: SeriesStore): Attach<ColumnBatch> {
  return (source, emitted) => eachColumnOutput(source.pipe(normalizeColumns({ store })), emitted);
}

/** Baseline (b): `map` with a `Map` lookup and inline math, on frozen statistics. */
export function handMapFrozen(stats: ReadonlyMap<string, HandFrozen>): Attach<Reading> {
  return (source, emitted) =>
    eachOutput(
      source.pipe(
        map((r): Normalized => {
          const s = stats.get(r.series);
          const x = r.value as number;
          return { series: r.series, raw: x, value: s ? (x - s.mean) * s.inv : NaN, time: r.time, tags: r.tags, phase: 'frozen', version: s ? s.version : 0 };
        }),
      ),
      emitted,
    );
}

/** Baseline (b) while fitting: `map` with a `Map` of Welford states, provisional outputs. */
export function handMapFit(): Attach<Reading> {
  return (source, emitted) => {
    const stats = new Map<string, HandFit>();
    eachOutput(
      source.pipe(
        map((r): Normalized => {
          let s = stats.get(r.series);
          if (s === undefined) {
            s = { n: 0, mean: 0, m2: 0 };
            stats.set(r.series, s);
          }
          const x = r.value as number;
          s.n++;
          const d = x - s.mean;
          s.mean += d / s.n;
          s.m2 += d * (x - s.mean);
          const sd = Math.sqrt(s.m2 / s.n);
          return { series: r.series, raw: x, value: (x - s.mean) / (sd > 0 ? sd : 1), time: r.time, tags: r.tags, phase: 'fitting', version: 0, flag: 'provisional' };
        }),
      ),
      emitted,
    );
  };
}

/** Baseline (a): one `groupBy` group per series, each mapping with its frozen statistics. */
export function handGroupByFrozen(stats: ReadonlyMap<string, HandFrozen>): Attach<Reading> {
  return (source, emitted) =>
    eachOutput(
      source.pipe(
        groupBy((r) => r.series),
        mergeMap((g) => {
          const s = stats.get(g.key) as HandFrozen;
          return g.pipe(map((r): Normalized => ({ series: r.series, raw: r.value, value: ((r.value as number) - s.mean) * s.inv, time: r.time, tags: r.tags, phase: 'frozen', version: s.version })));
        }),
      ),
      emitted,
    );
}

/** Baseline (a) while fitting: one `groupBy` group per series with a `scan` of Welford states. */
export function handGroupByFit(): Attach<Reading> {
  interface Acc extends HandFit {
    last: Reading | undefined;
  }
  const seed: Acc = { n: 0, mean: 0, m2: 0, last: undefined };
  return (source, emitted) =>
    eachOutput(
      source.pipe(
        groupBy((r) => r.series),
        mergeMap((g) =>
          g.pipe(
            scan((a: Acc, r: Reading): Acc => {
              const x = r.value as number;
              const n = a.n + 1;
              const d = x - a.mean;
              const mean = a.mean + d / n;
              return { n, mean, m2: a.m2 + d * (x - mean), last: r };
            }, seed),
            map((a): Normalized => {
              const r = a.last as Reading;
              const sd = Math.sqrt(a.m2 / a.n);
              return { series: r.series, raw: r.value, value: ((r.value as number) - a.mean) / (sd > 0 ? sd : 1), time: r.time, tags: r.tags, phase: 'fitting', version: 0, flag: 'provisional' };
            }),
          ),
        ),
      ),
      emitted,
    );
}
