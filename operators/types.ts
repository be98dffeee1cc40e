import type { Observable } from 'rxjs';
import type { Reading } from '../src/reading.js';
import type { EvictionOptions } from './store/eviction.js';
import type { PlausibleTime } from './engine/time-guard.js';
import type { Scaler, ScalerSpec } from '../src/scalers/create.js';
import type { Snapshot } from '../src/state/snapshot.js';
import type { SeriesStore } from './store/series-store.js';

/**
 * When a fitting series freezes. Per series unless said otherwise; an array means "whichever
 * comes first".
 *
 * - `{ afterSamples: n }`: right after the series' n-th valid value (that value is in the window).
 * - `{ afterSpanMs: ms }`: at the first reading whose `time` is at least `ms` after the series'
 *   first reading (that reading is not in the window; it is transformed with the frozen statistics).
 * - `{ notifier }`: when `notifier` emits; a string or string[] value names the series to freeze,
 *   anything else freezes every fitting series.
 * - `{ atTime: t }`: at the series' first reading with `time >= t` (not in the window).
 * - `'never'`: continuous; the statistics keep learning (outputs are provisional or raw).
 *
 * A series with no valid value at its freeze point cannot freeze: it goes on fitting and freezes
 * right after its first valid value.
 */
export type FreezePoint =
  | { afterSamples: number }
  | { afterSpanMs: number }
  | { notifier: Observable<unknown> }
  | { atTime: number }
  | 'never';

/** One freeze point or several (the first reached wins). */
export type FreezePolicy = FreezePoint | readonly FreezePoint[];

/**
 * When frozen series refit. A refit is a shadow fit: the serving statistics go on transforming while
 * a new window learns with the same freeze points; at its freeze the new statistics are promoted as
 * the next version (or wait for approval). Manual refits: `store.refit(ids)`.
 */
export interface RefitPolicy {
  /** Refit on a drift alarm: `true` for every kind, or the kinds to act on (default `false`: alarms are raised and counted only). */
  onAlarm?: boolean | readonly ('cusum' | 'psi' | 'stuck')[];
  /** Refit every this long in event time after the series' latest freeze or promotion. */
  everyMs?: number;
  /** Promotions wait until this emits the series' id (a string or string[]; any other value approves all waiting). */
  approval?: Observable<unknown>;
}

/**
 * What a series emits while it is fitting.
 * - `drop`: nothing (the values are learned and counted, not emitted).
 * - `raw`: the raw value, `flag: 'raw'`, phase `fitting`, version 0.
 * - `provisional`: normalized with the statistics so far (including the value), `flag: 'provisional'`.
 * - `hold`: held back and released at the freeze, transformed with the frozen statistics, `flag: 'held'`.
 *   Invalid values are not held: under `invalid: 'flag'` they are emitted at once.
 */
export type WhileFitting = 'drop' | 'raw' | 'provisional' | 'hold';

/**
 * What happens to a held window that reaches `holdLimit`, and to the series' values after it
 * until the freeze: `provisional` (default: released with the statistics so far), `raw`, or `drop`.
 * Every overflow is counted in the diagnostics.
 */
export type HoldOverflow = 'provisional' | 'raw' | 'drop';

/**
 * Invalid values (NaN, ±Infinity, null, non-numbers, out of the pre-transform's domain) never
 * reach the statistics. `drop`: not emitted, counted. `flag` (default): emitted with value NaN,
 * `flag: 'invalid'` and `reason`, counted. `error`: an {@link InvalidReadingError} notification.
 */
export type InvalidPolicy = 'drop' | 'flag' | 'error';

/**
 * What a series that is not in the store does: `fit` (default: start fitting it), `raw` (pass the
 * raw value, phase `passthrough`, `flag: 'raw'`), `drop` (counted), or use a fallback's frozen
 * statistics (`flag: 'fallback'`): a series id, or a function from series id to a series or
 * group id. A fallback that is not frozen passes the value raw (counted as `fallbackMissing`).
 */
export type UnknownSeriesPolicy = 'fit' | 'raw' | 'drop' | { fallback: string | ((series: string) => string) };

/** Series that start frozen: a {@link Snapshot}, or scalers by series id (e.g. from `fromSklearnFeatures`). */
export type InitialState = Snapshot | Iterable<readonly [string, Scaler]>;

/**
 * Options of {@link normalize} (and {@link normalizeChunks}, {@link normalizeColumns}). The
 * eviction options (`idleEvictMs`, `maxSeries`, `evictBy`) are for the store each subscription
 * makes; with `store` given, set them on that store instead.
 */
export interface NormalizeOptions extends EvictionOptions {
  /** Scaler for new series: a spec, or a function from series id to spec (default `{ kind: 'standard' }`). */
  scaler?: ScalerSpec | ((series: string) => ScalerSpec);
  /** When series freeze (default `{ afterSamples: 100 }`). */
  freeze?: FreezePolicy;
  /** When frozen series refit (default: only by hand, `store.refit(ids)`). */
  refit?: RefitPolicy;
  /**
   * A reading of a fitting series whose time is at or before the latest time its window learned:
   * `learn` it (default; counted as `outOfOrder` when older), or `skip` learning it (counted as
   * `skippedLate`; it is still emitted as `whileFitting` says). `skip` keeps a redelivered duplicate
   * (at-least-once delivery after a broker restart) from being learned twice.
   */
  late?: 'learn' | 'skip';
  /**
   * Event times that may be learned (default: up to a day ahead of the wall clock; `false`: any;
   * `{ min: Y2K_MS }` also refuses times before 2000, as `streamnorm run` does, which catches
   * seconds given where milliseconds are meant). A reading with another time is counted
   * (`implausibleTime`) and not learned: it cannot move a window's time freeze points.
   */
  plausibleTime?: PlausibleTime | false;
  /** Put each frozen output's current drift score (the CUSUM's larger sum, in σ) in its `drift` field (default false). */
  driftScore?: boolean;
  /** What fitting series emit (default `provisional`). */
  whileFitting?: WhileFitting;
  /** Most values held per series under `whileFitting: 'hold'` (default 10 000). */
  holdLimit?: number;
  /** What a full hold falls back to (default `provisional`). */
  holdOverflow?: HoldOverflow;
  /** Invalid-value policy (default `flag`). */
  invalid?: InvalidPolicy;
  /** Series id of a reading (default `reading.series`). */
  key?: (reading: Reading) => string;
  /** State store to share or read (default: a new store per subscription). */
  store?: SeriesStore;
  /** Series that start frozen: loaded into each subscription's new store, or once into `store` when one is given. */
  initial?: InitialState;
  /** Policy for series not in the store (default `fit`). */
  unknownSeries?: UnknownSeriesPolicy;
  /**
   * Whether this subscription learns (default true): creates and fits series and freezes them. One
   * subscription at a time may learn into a store; with `false` it only transforms with the store's
   * statistics, and a series that is not frozen yet is handled as `whileFitting` says, without
   * learning (under `provisional` with the learner's statistics so far).
   */
  learn?: boolean;
}
