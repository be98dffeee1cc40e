import { emptyInvalidCounts, INVALID_REASONS, type InvalidCountsRecord, type InvalidReason } from '../../src/values.js';

/** Counters of one series (plain JSON). Only series with something to report appear. */
export interface SeriesDiagnostics {
  /** Invalid values by reason (each was dropped, flagged, or raised as an error). */
  invalid: InvalidCountsRecord;
  /** Invalid values not emitted (`invalid: 'drop'`). */
  droppedInvalid: number;
  /** Readings older than the series' latest one, accepted while fitting. */
  outOfOrder: number;
  /** Readings without a time under a time-based freeze point (learned; they cannot trigger it). */
  missingTime: number;
  /** Times the held window hit `holdLimit`. */
  holdOverflows: number;
  /** Values released or dropped by the `holdOverflow` fallback instead of being held. */
  holdOverflowValues: number;
  /** Held values released early because the source completed before the freeze. */
  flushedOnComplete: number;
  /** Held values released early because the series was evicted as idle before the freeze. */
  flushedOnEvict: number;
  /** Held values discarded because the subscriber unsubscribed before the freeze. */
  discardedOnUnsubscribe: number;
  /** Readings of this series dropped as unknown (`unknownSeries: 'drop'`). */
  droppedUnknown: number;
  /** Readings passed raw because the series was unknown or its fallback was not frozen. */
  passedRaw: number;
  /** Frozen outputs limited by the scaler's `clip` range (flagged `clipped`). */
  clipped: number;
  /** Outputs of frozen statistics with a zero spread (flagged `zero-spread`: a stuck sensor's window). */
  zeroSpread: number;
  /** Readings whose time was older than the series' latest, not learned (running statistics in event time). */
  notLearned: number;
  /** Readings of a fitting series at or before its latest learned time, not learned (`late: 'skip'`: a redelivered duplicate). */
  skippedLate: number;
  /** Readings whose time was not plausible (`plausibleTime`), never learned. */
  implausibleTime: number;
  /** Drift alarms raised (every kind). */
  driftAlarms: number;
  /** Of those, alarms raised while a refit was under way or waiting for approval (counted, not acted on twice). */
  alarmsDuringRefit: number;
  /** Refit windows started (by hand, on an alarm or on schedule). */
  refits: number;
  /** Refit windows frozen and waiting for approval. */
  awaitingApproval: number;
  /** New statistics promoted after a refit. */
  promotions: number;
}

/** The readable diagnostics of a {@link SeriesStore}: totals and per-series counters (plain JSON). */
export interface DiagnosticsReport {
  /** Sums over all series, including evicted ones. */
  totals: Omit<SeriesDiagnostics, 'invalid'> & {
    invalid: InvalidCountsRecord;
    /** Readings seen by all operators on the store. */
    readings: number;
    /** Series evicted (idle, or least recently seen past `maxSeries`). */
    evicted: number;
    /** Of those, series evicted because the store was at `maxSeries`. */
    evictedCapacity: number;
    /** Series frozen (including restored ones). */
    frozen: number;
    /** Drift alarms by kind (their sum is `driftAlarms`). */
    alarms: { cusum: number; psi: number; stuck: number };
  };
  /** Per-series counters, for series still in the store that have any. */
  series: Record<string, SeriesDiagnostics>;
  /**
   * Drift scores of the frozen series whose score is notable: the CUSUM's larger sum (σ) when it is
   * at least 1, and the PSI of the last window when PSI is on and it is at least 0.1 (the
   * "moderate" band). The rest are quiet; `store.driftScore(id)` reads any series.
   */
  drift: Record<string, { cusum: number; psi?: number }>;
}

/** A counter name of {@link SeriesDiagnostics} other than `invalid`. */
export type CounterName = Exclude<keyof SeriesDiagnostics, 'invalid'>;

/** Zeroed counters. */
export function emptySeriesDiagnostics(): SeriesDiagnostics {
  return {
    invalid: emptyInvalidCounts(),
    droppedInvalid: 0,
    outOfOrder: 0,
    missingTime: 0,
    holdOverflows: 0,
    holdOverflowValues: 0,
    flushedOnComplete: 0,
    flushedOnEvict: 0,
    discardedOnUnsubscribe: 0,
    droppedUnknown: 0,
    passedRaw: 0,
    clipped: 0,
    zeroSpread: 0,
    notLearned: 0,
    skippedLate: 0,
    implausibleTime: 0,
    driftAlarms: 0,
    alarmsDuringRefit: 0,
    refits: 0,
    awaitingApproval: 0,
    promotions: 0,
  };
}

/**
 * Counters of refused and unusual readings, per series and in total; what
 * {@link SeriesStore.diagnostics} reports, and what `batchNorm` and `ewmNormalize` take as
 * `diagnostics`.
 *
 * Sparse: counters exist only for series that had an event, so millions of clean series cost
 * nothing here. Totals survive eviction (`forget`).

 * (Internal: the store reports them through `SeriesStore.diagnostics()`.)
 */
export class Diagnostics {
  readonly totals = { ...emptySeriesDiagnostics(), readings: 0, evicted: 0, evictedCapacity: 0, frozen: 0, alarms: { cusum: 0, psi: 0, stuck: 0 } };
  private readonly perSeries = new Map<string, SeriesDiagnostics>();

  /** Counters of a series, created on first use. */
  private of(series: string): SeriesDiagnostics {
    let d = this.perSeries.get(series);
    if (d === undefined) {
      d = emptySeriesDiagnostics();
      this.perSeries.set(series, d);
    }
    return d;
  }

  /** Counts one invalid value of a series. */
  invalid(series: string, reason: InvalidReason, dropped: boolean, n = 1): void {
    const d = this.of(series);
    d.invalid[reason] += n;
    this.totals.invalid[reason] += n;
    if (dropped) {
      d.droppedInvalid += n;
      this.totals.droppedInvalid += n;
    }
  }

  /** Adds `n` to a counter of a series. */
  count(series: string, name: CounterName, n = 1): void {
    if (n === 0) return;
    this.of(series)[name] += n;
    this.totals[name] += n;
  }

  /** Forgets a series' counters (the totals keep them). */
  forget(series: string): void {
    this.perSeries.delete(series);
  }

  /** Counters of one series, if it has any. */
  get(series: string): SeriesDiagnostics | undefined {
    return this.perSeries.get(series);
  }

  /** A series' counters as plain JSON for a snapshot, or undefined when it has none. */
  saved(series: string): Record<string, unknown> | undefined {
    const d = this.perSeries.get(series);
    return d === undefined ? undefined : { ...d, invalid: { ...d.invalid } };
  }

  /** Loads a series' counters saved by {@link Diagnostics.saved} (unknown or bad fields read 0; totals unchanged). */
  load(series: string, saved: Record<string, unknown>): void {
    const d = this.of(series);
    const invalid = (saved.invalid ?? {}) as Record<string, unknown>;
    for (const r of INVALID_REASONS) d.invalid[r] = count(invalid[r]);
    for (const k of Object.keys(d) as (keyof SeriesDiagnostics)[]) if (k !== 'invalid') d[k] = count(saved[k]);
  }

  /** Loads saved totals (unknown or bad fields read 0). */
  loadTotals(saved: Record<string, unknown>): void {
    const invalid = (saved.invalid ?? {}) as Record<string, unknown>;
    for (const r of INVALID_REASONS) this.totals.invalid[r] = count(invalid[r]);
    for (const k of Object.keys(this.totals) as (keyof typeof this.totals)[]) if (k !== 'invalid' && k !== 'alarms') this.totals[k] = count(saved[k]);
    const alarms = (saved.alarms ?? {}) as Record<string, unknown>;
    for (const k of ['cusum', 'psi', 'stuck'] as const) this.totals.alarms[k] = count(alarms[k]);
  }

  /** A plain-JSON copy of everything. */
  report(): DiagnosticsReport {
    const series: Record<string, SeriesDiagnostics> = {};
    for (const [k, d] of this.perSeries) series[k] = { ...d, invalid: { ...d.invalid } };
    return { totals: { ...this.totals, invalid: { ...this.totals.invalid }, alarms: { ...this.totals.alarms } }, series, drift: {} };
  }
}

function count(v: unknown): number {
  return Number.isInteger(v) && (v as number) >= 0 ? (v as number) : 0;
}
