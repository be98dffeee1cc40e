import type { OperatorFunction } from 'rxjs';
import type { Normalized, Reading } from '../src/reading.js';
import { normalizeInternals } from './internal/normalize-internals.js';
import type { NormalizeOptions } from './types.js';

/**
 * Fits statistics per series on a training window, freezes them, and normalizes every reading
 * with the frozen statistics: the same numbers at serving as at training, no leakage.
 *
 * Each series (by `key`, default `reading.series`) gets its own scaler from `scaler`. It learns
 * until its freeze point; from then on its readings are transformed with statistics that never
 * change. What comes out while it learns is up to you (`whileFitting`).
 *
 * ```
 * readings:  --1--2--3--NaN--4------|
 *   normalize({ freeze: { afterSamples: 3 }, whileFitting: 'hold' })
 * outputs:   --------(abc)--n--d----|        a,b,c held (frozen stats); n flagged invalid
 * ```
 *
 * Semantics:
 * 1. Invalid values (NaN, ±Infinity, null, non-numbers, out of a pre-transform's domain) never
 *    reach the statistics; by `invalid` they are dropped, flagged (`flag: 'invalid'`, `reason`,
 *    value NaN; the default) or raised as an {@link InvalidReadingError}; all are counted per series
 *    and reason in the store's diagnostics.
 * 2. Freeze points (`freeze`): after N valid samples (the N-th is in the window), after a span of
 *    event time from the series' first reading, at an event time, when a notifier emits (all
 *    series, or those it names), or never. Out-of-order times are accepted and counted.
 * 3. While fitting (`whileFitting`): `drop`, `raw`, `provisional` (default; statistics so far,
 *    version 0) or `hold` (released at the freeze with the frozen statistics, `flag: 'held'`; at
 *    most `holdLimit` values, then the `holdOverflow` fallback, counted). Held values still held
 *    when the source completes are released by the fallback and counted, not lost.
 * 4. Frozen outputs carry the statistics' version; a zero spread is flagged `zero-spread`.
 * 5. Series not in the store follow `unknownSeries`: fit (default), a fallback's statistics
 *    (`flag: 'fallback'`), raw, or drop. `initial` makes series start frozen.
 * 6. State is per subscription unless `store` is given. One subscription at a time learns into a
 *    store; others on it transform only (`learn: false`). Readings fed back synchronously from a
 *    subscriber wait for the current one, so each is learned once, in order. Eviction
 *    (`idleEvictMs`, `maxSeries`, `evictBy`) is the store's: see {@link SeriesStore}.
 * 7. An exception in `key` or `scaler` becomes an error notification; errors and completion of
 *    the source (and errors of a notifier) pass through; unsubscribing stops a synchronous source.
 *    Unknown option keys are refused, naming the key.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { normalize } from 'streamnorm';
 * const readings = [2, 4, 6, 8, 'x'].map((value, i) => ({ series: 'temp', value, time: i * 1000 }));
 * const out = await lastValueFrom(
 *   from(readings).pipe(normalize({ freeze: { afterSamples: 3 }, whileFitting: 'hold' }), toArray()),
 * );
 * out.map((n) => [n.value, n.flag ?? n.phase]); // => [[-1.224744871391589, 'held'], [0, 'held'], [1.224744871391589, 'held'], [2.449489742783178, 'frozen'], [NaN, 'invalid']]
 * ```
 *
 * @see {@link SeriesStore} to share, read, save and restore the state.
 * @see {@link normalizeChunks} and {@link normalizeColumns} for arrays of readings.
 * @see {@link inverseNormalize} to map model outputs back.
 *
 * @param options Scaler, freeze points and policies; see {@link NormalizeOptions}.
 * @returns An operator from {@link Reading} to {@link Normalized}.
 */
export function normalize(options: NormalizeOptions = {}): OperatorFunction<Reading, Normalized> {
  return normalizeInternals<Reading, Normalized>(options, 'normalize', (destination) => ({
    emit: (n) => destination.next(n),
  }));
}
