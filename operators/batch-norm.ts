import type { Observable, OperatorFunction } from 'rxjs';
import { BatchNormStats } from '../src/batchnorm.js';
import type { Normalized, Reading } from '../src/reading.js';
import { refuseUnknownKeys } from '../src/options.js';
import { runGuarded } from './internal/normalize-internals.js';
import { operate } from './internal/operate.js';
import { runningContext } from './internal/running-internals.js';
import { BatchNormEngine, sameBatchNorm } from './engine/batch-norm-engine.js';
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
  const stats = { momentum: options.momentum, eps: options.eps };
  const probe = new BatchNormStats(stats); // validates momentum and eps now
  const settings = { stats, batchSize, windowMs, key: options.key };
  return operate<Reading, Normalized>((destination) => {
    const ctx = runningContext('batchNorm', options.store, options.invalid ?? 'flag', () => new BatchNormStats(stats), (bn) => sameBatchNorm(bn, probe), (id) => e.evicted(id));
    const e = new BatchNormEngine(settings, ctx, (n) => destination.next(n), options.initialMode ?? 'train');
    if (options.mode$) {
      destination.add(
        options.mode$.subscribe({
          next: (m) =>
            runGuarded(destination, () => {
              if (m !== 'train' && m !== 'eval') throw new RangeError(`batchNorm: mode must be 'train' or 'eval', got ${JSON.stringify(m)}`);
              e.setMode(m);
            }),
          error: (err) => destination.error(err),
        }),
      );
    }
    return { next: (r) => e.next(r), complete: () => e.flush(), finalize: () => ctx.detach() };
  });
}
