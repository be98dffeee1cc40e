import type { Observable, OperatorFunction } from 'rxjs';
import { BatchNormStats } from '../src/batchnorm.js';
import type { Normalized, Reading } from '../src/reading.js';
import { refuseUnknownKeys } from '../src/options.js';
import { runGuarded } from './internal/normalize-internals.js';
import { operate } from './internal/operate.js';
import { runningContext } from './internal/running-internals.js';
import type { SeriesStore } from './store/series-store.js';
import type { InvalidPolicy } from './types.js';

/** The mode of {@link batchNorm}, as PyTorch's `module.train()` / `module.eval()`. */
export type BatchNormMode = 'train' | 'eval';

/** Options of {@link batchNorm}. Give `batchSize` or `windowMs` (or both: whichever closes first). */
export interface BatchNormOperatorOptions {
  /** Weight of a batch in the running statistics (default 0.1); `null` = cumulative average. */
  momentum?: number | null;
  /** Added to the variance inside the square root (default 1e-5). */
  eps?: number;
  /** Valid values per mini-batch of a series. */
  batchSize?: number;
  /** Event-time span of a mini-batch: a reading at `time >= batchStart + windowMs` starts the next batch. */
  windowMs?: number;
  /** Mode switches; the mode before the first is `initialMode`. */
  mode$?: Observable<BatchNormMode>;
  /** Mode at subscription (default `train`). */
  initialMode?: BatchNormMode;
  /** The store that keeps each series' running statistics (default: a new one per subscription): eviction, snapshots and diagnostics as for `normalize`. */
  store?: SeriesStore;
  /** Series id of a reading (default `reading.series`). */
  key?: (reading: Reading) => string;
  /** Invalid-value policy (default `flag`); invalid values never enter a batch. */
  invalid?: InvalidPolicy;
}

const BATCH_NORM_KEYS = ['momentum', 'eps', 'batchSize', 'windowMs', 'mode$', 'initialMode', 'store', 'key', 'invalid'] as const;

interface PendingBatch {
  readings: Reading[];
  values: number[];
  start: number;
}

/**
 * Normalizes mini-batches per series as PyTorch's `BatchNorm1d` does, with running statistics
 * for evaluation.
 *
 * In train mode each series' readings are gathered into mini-batches (by count and/or event-time
 * window); a full batch is normalized with its own mean and biased variance and updates the
 * running mean and unbiased variance. In eval mode each reading is normalized at once with the
 * running statistics.
 *
 * ```
 * readings: --a--b--c--d--|          batchSize 2, train
 * outputs:  -----(ab)--(cd)|
 * mode$:    --------e----
 * readings: --a--b--c--d--|          batch [a,b] trained, then eval per reading
 * outputs:  -----(ab)c--d--|
 * ```
 *
 * Semantics:
 * 1. Train outputs have phase `fitting` and version = batches tracked after the update; eval
 *    outputs have phase `frozen` and the version of the running statistics used.
 * 2. `y = (x − mean) / sqrt(var + eps)`, eps inside the square root (default 1e-5); running
 *    statistics start at mean 0, variance 1 and update with `momentum` (default 0.1; `null` gives
 *    the cumulative average). A batch of one valid value gives 0 and leaves the running variance.
 * 3. Switching to eval (or completing) first trains the pending partial batches, so no reading is
 *    held back forever; a batch closed by `windowMs` is closed by the next reading of that series.
 * 4. Invalid values never enter a batch: dropped, flagged at once, or an error (`invalid`), counted.
 * 5. Errors in `key`, of the source or of `mode$` become error notifications; unsubscribing stops
 *    a synchronous source.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { batchNorm } from 'streamnorm';
 * const readings = [1, 3, 5, 7].map((value) => ({ series: 's', value }));
 * const out = await lastValueFrom(from(readings).pipe(batchNorm({ batchSize: 2, eps: 0, momentum: null }), toArray()));
 * out.map((n) => n.value); // => [-1, 1, -1, 1]
 * ```
 *
 * @see {@link ewmNormalize} for per-sample exponential statistics.
 * @see BatchNormStats in the core, which holds one series' running statistics.
 *
 * @param options Batching, momentum, eps, modes; see {@link BatchNormOperatorOptions}.
 * @returns An operator from {@link Reading} to {@link Normalized}.
 */
export function batchNorm(options: BatchNormOperatorOptions): OperatorFunction<Reading, Normalized> {
  refuseUnknownKeys(options, BATCH_NORM_KEYS, 'batchNorm');
  const batchSize = options.batchSize ?? Infinity;
  const windowMs = options.windowMs ?? Infinity;
  if (!(Number.isInteger(batchSize) && batchSize >= 1) && batchSize !== Infinity) throw new RangeError(`batchNorm: batchSize must be an integer >= 1, got ${String(options.batchSize)}`);
  if (!(windowMs > 0)) throw new RangeError(`batchNorm: windowMs must be a number > 0, got ${String(options.windowMs)}`);
  if (batchSize === Infinity && windowMs === Infinity) throw new RangeError('batchNorm: give batchSize or windowMs');
  const bnOptions = { momentum: options.momentum, eps: options.eps };
  const probe = new BatchNormStats(bnOptions); // validates momentum and eps now
  const same = (bn: BatchNormStats): boolean => bn.momentum === probe.momentum && bn.eps === probe.eps;
  const policy = options.invalid ?? 'flag';
  return operate<Reading, Normalized>((destination) => {
    const pending = new Map<string, PendingBatch>();
    let mode: BatchNormMode = options.initialMode ?? 'train';
    const emitBatch = (id: string, bn: BatchNormStats, batch: PendingBatch): void => {
      pending.delete(id);
      const ys = bn.train(batch.values);
      for (let i = 0; i < batch.readings.length; i++) {
        const r = batch.readings[i] as Reading;
        destination.next({ series: id, raw: r.value, value: ys[i] as number, time: r.time, tags: r.tags, phase: 'fitting', version: bn.batchesTracked });
      }
    };
    // An evicted series' partial batch is normalized with its own statistics (as a train batch), counted.
    const onEvict = (id: string): void => {
      const batch = pending.get(id);
      if (batch === undefined) return;
      ctx.store.diag.count(id, 'flushedOnEvict', batch.readings.length);
      emitBatch(id, new BatchNormStats(bnOptions), batch);
    };
    const ctx = runningContext('batchNorm', options.store, policy, () => new BatchNormStats(bnOptions), same, onEvict);
    const diag = ctx.store.diag;
    const statsNow = (id: string): BatchNormStats | undefined => {
      const slot = ctx.store.index.get(id);
      return slot !== undefined && ctx.store.table.isRunning(slot) ? ctx.store.table.running<BatchNormStats>(slot) : undefined;
    };
    const trainBatch = (id: string, batch: PendingBatch): void => emitBatch(id, statsNow(id) ?? new BatchNormStats(bnOptions), batch);
    const flushAll = (): void => {
      for (const [id, batch] of [...pending]) trainBatch(id, batch);
    };
    if (options.mode$) {
      destination.add(
        options.mode$.subscribe({
          next: (m) =>
            runGuarded(destination, () => {
              if (m !== 'train' && m !== 'eval') throw new RangeError(`batchNorm: mode must be 'train' or 'eval', got ${JSON.stringify(m)}`);
              if (m === 'eval') flushAll();
              mode = m;
            }),
          error: (e) => destination.error(e),
        }),
      );
    }
    return {
      next: (r) => {
        const id = options.key ? options.key(r) : r.series;
        diag.totals.readings++;
        const x = ctx.accept(r, id, (n) => destination.next(n), mode === 'train' ? 'fitting' : 'frozen', statsNow(id)?.batchesTracked ?? 0);
        if (x === undefined) return;
        const bn = ctx.statsOf(id, r);
        if (mode === 'eval') {
          destination.next({ series: id, raw: x, value: bn.evaluate(x), time: r.time, tags: r.tags, phase: 'frozen', version: bn.batchesTracked });
          return;
        }
        const t = typeof r.time === 'number' ? r.time : NaN;
        let batch = pending.get(id);
        if (batch !== undefined && t - batch.start >= windowMs) {
          emitBatch(id, bn, batch);
          batch = undefined;
        }
        if (batch === undefined) {
          batch = { readings: [], values: [], start: t };
          pending.set(id, batch);
        } else if (batch.start !== batch.start) {
          batch.start = t;
        }
        batch.readings.push(r);
        batch.values.push(x);
        if (batch.values.length >= batchSize) emitBatch(id, bn, batch);
      },
      complete: flushAll,
      finalize: () => ctx.detach(),
    };
  });
}
