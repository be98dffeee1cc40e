import type { OperatorFunction } from 'rxjs';
import { ExpMoments } from '../src/stats/exp-moments.js';
import type { Normalized, Reading } from '../src/reading.js';
import { refuseUnknownKeys } from '../src/options.js';
import { operate } from './internal/operate.js';
import { runningContext } from './internal/running-internals.js';
import { EwmEngine, sameMoments } from './engine/ewm-engine.js';
import type { SeriesStore } from './store/series-store.js';
import type { InvalidPolicy } from './types.js';

/** Options of {@link ewmNormalize}: exactly one of `alpha` or `halfLifeMs`. */
export interface EwmNormalizeOptions {
  /** Weight of each new value, in (0, 1] (pandas `ewm(alpha=…, adjust=False)`). */
  alpha?: number;
  /** Half-life in event-time milliseconds, for irregular sampling: `alpha = 1 − 2^(−dt / halfLifeMs)`. */
  halfLifeMs?: number;
  /**
   * pandas' `adjust`: `true` divides by the sum of the weights (pandas' default), `false` is the
   * recursion `mean += a·(x − mean)`. Default: `false` with `alpha` (as in 0.1), `true` with
   * `halfLifeMs` (as pandas' `ewm(halflife, times)`, which needs it). See ExpMoments in the core.
   */
  adjust?: boolean;
  /** Values per series before outputs lose the `provisional` flag (default 10). */
  warmup?: number;
  /** The store that keeps each series' statistics (default: a new one per subscription): eviction, snapshots and diagnostics as for `normalize`. */
  store?: SeriesStore;
  /** Series id of a reading (default `reading.series`). */
  key?: (reading: Reading) => string;
  /** Invalid-value policy (default `flag`). */
  invalid?: InvalidPolicy;
}

const EWM_KEYS = ['alpha', 'halfLifeMs', 'adjust', 'warmup', 'store', 'key', 'invalid'] as const;

/**
 * Normalizes each reading with exponentially weighted mean and variance of the series' earlier
 * values, then learns it: a continuous scaler for streams that are not batched.
 *
 * Per series, `y = (x − mean) / sqrt(var)` with the statistics *before* `x` (no leakage of `x`
 * into its own output); then the value is learned: with `adjust: false`, `mean += a·(x − mean)`,
 * `var = (1 − a)(var + a·(x − mean)²)`, as pandas `ewm(adjust=False)` with `var(bias=True)`; with
 * `adjust: true` the weights are divided by their sum, as pandas' default `ewm()`.
 *
 * ```
 * readings: --a------b------c--|
 * outputs:  --0------y------z--|     first value of a series: 0, flagged zero-spread
 * ```
 *
 * Semantics:
 * 1. Outputs have phase `fitting`, version 0, and `flag: 'provisional'` for the first `warmup`
 *    values of a series; a zero spread (fewer than two distinct values, a stuck sensor) gives
 *    `x − mean` flagged `zero-spread`, as scikit-learn's unit scale.
 * 2. With `halfLifeMs` the weight depends on the event time since the previous value; an
 *    out-of-order reading counts as simultaneous (dt = 0) and is counted; a reading without
 *    `time` is normalized but not learned, counted as `missingTime`.
 * 3. Invalid values never reach the statistics: dropped, flagged or an error (`invalid`), counted.
 *    A missing one (NaN, `null`) of a series already seen ages its weights as a step without a
 *    value, as pandas' `ewm(ignore_na=False)` (with `halfLifeMs`: its time, when newer, moves the
 *    series' clock); the series' `skipped` counts them. Infinite and non-numeric values do not.
 * 4. An exception in `key` becomes an error notification; unsubscribing stops a synchronous source.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { ewmNormalize } from 'streamnorm';
 * const readings = [10, 20, 15].map((value) => ({ series: 's', value }));
 * const out = await lastValueFrom(from(readings).pipe(ewmNormalize({ alpha: 0.5, warmup: 0 }), toArray()));
 * out.map((n) => n.value); // => [0, 10, 0]
 * // pandas' default weights (adjust: true): before 15, mean 50/3 and variance 200/9, so -1/(2·√2)
 * const adjusted = await lastValueFrom(from(readings).pipe(ewmNormalize({ alpha: 0.5, adjust: true, warmup: 0 }), toArray()));
 * adjusted[2]?.value; // => -0.3535533905932733
 * ```
 *
 * @see {@link batchNorm} for mini-batch statistics with train and eval modes.
 * @see ExpMoments in the core, which holds one series' statistics.
 *
 * @param options `alpha` or `halfLifeMs`, `adjust`, warm-up and policies; see {@link EwmNormalizeOptions}.
 * @returns An operator from {@link Reading} to {@link Normalized}.
 */
export function ewmNormalize(options: EwmNormalizeOptions): OperatorFunction<Reading, Normalized> {
  refuseUnknownKeys(options, EWM_KEYS, 'ewmNormalize');
  const { alpha, halfLifeMs } = options;
  if ((alpha === undefined) === (halfLifeMs === undefined)) throw new RangeError('ewmNormalize: give exactly one of alpha or halfLifeMs');
  const given = alpha !== undefined ? { alpha } : { halfLife: halfLifeMs as number };
  // validates alpha / halfLifeMs / adjust now, and resolves adjust's default (the core's)
  const adjust = new ExpMoments(options.adjust === undefined ? given : { ...given, adjust: options.adjust }).adjust;
  const moments = { ...given, adjust };
  const warmup = options.warmup ?? 10;
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw new RangeError(`ewmNormalize: warmup must be an integer >= 0, got ${String(warmup)}`);
  const settings = { moments, warmup, byTime: halfLifeMs !== undefined, key: options.key };
  return operate<Reading, Normalized>((destination) => {
    const ctx = runningContext('ewmNormalize', options.store, options.invalid ?? 'flag', () => new ExpMoments(moments), (m) => sameMoments(m, moments), () => undefined);
    const engine = new EwmEngine(settings, ctx, (n) => destination.next(n));
    return { next: (r) => engine.next(r), finalize: () => ctx.detach() };
  });
}
