import type { Observable } from 'rxjs';
import type { Scaler } from '../../src/scalers/create.js';
import type { FrozenParams } from '../../src/scalers/frozen.js';
import type { Snapshot } from '../../src/state/snapshot.js';
import type { RunningStats } from '../../src/state/running-state.js';
import { frozenToSklearn, toSklearn } from '../../src/state/sklearn.js';
import { refuseUnknownKeys } from '../../src/options.js';
import { Diagnostics, type DiagnosticsReport } from './diagnostics.js';
import { EvictionClock, type EvictionOptions } from './eviction.js';
import { SeriesIndex } from './series-index.js';
import { SeriesTable } from './series-table.js';
import { restoreInto, snapshotOf } from './store-snapshot.js';
import { Attachments, type Attachment, type AttachmentHooks } from './attachments.js';
import { FreezeSweep } from './freeze-sweep.js';
import { approveWaiting, freezeNamed, startRefits } from './series-commands.js';
import type { InitialState } from '../types.js';
import { StoreVersions, type SeriesFrozen } from './store-versions.js';
import { SeriesLifecycle, type DriftAlarm, type DriftOptions } from './lifecycle.js';

/** Options of {@link SeriesStore}. */
export interface SeriesStoreOptions extends EvictionOptions {
  /** Series that start in the store (frozen ones start frozen). */
  initial?: InitialState;
  /** Drift alarms on frozen series (default on, with the defaults of {@link DriftOptions}); `false` turns them off (80 bytes less per series). */
  drift?: DriftOptions | false;
  /** Versions of each series kept for inverses of older outputs, the current one included (default 3). */
  keepVersions?: number;
}

const STORE_OPTIONS = ['initial', 'idleEvictMs', 'maxSeries', 'evictBy', 'drift', 'keepVersions'] as const;

/**
 * The per-series state of the operators: one store keyed by series id, not one `groupBy` group
 * per sensor.
 *
 * Under the hood: a `Map` from series id to a slot of a table in typed arrays; a plain frozen
 * standard series costs a 32-byte record plus its map entry, a fitting standard scaler with default
 * options one more 56-byte row of running moments (the same arithmetic as `MeanVar`, bit for bit);
 * other fitting series hold a scaler object.
 *
 * Semantics:
 * 1. Each `normalize` subscription makes its own store unless given one. Any number of
 *    subscriptions may transform through one store, but only one at a time may learn into it: a
 *    second concurrent learner is refused (subscribe it with `learn: false`, or `share()` the first).
 * 2. Frozen statistics never change. Versions are never reused: a series deleted, evicted or
 *    restored and fitted again gets a version above every version it had, and snapshots carry the
 *    floor so another store continues above it.
 * 3. `snapshot()` saves every series (frozen, fitting with its window's times, running), the
 *    counters and the version floor; `restore()` loads one (or scalers by id, e.g. from
 *    `fromSklearnFeatures`). Held windows are not saved: they are released at shutdown.
 * 4. Eviction (`idleEvictMs`, `maxSeries`, `evictBy`): see {@link EvictionOptions}; evictions are
 *    counted in the totals.
 * 5. `frozen$` emits, to each subscriber, every series frozen at that moment, then each new freeze
 *    and promotion (with the versions kept before it).
 * 6. `diagnostics()` returns plain JSON counters per series and in total (totals survive eviction),
 *    and the notable drift scores.
 * 7. Drift (`drift`, on by default): every frozen series of `normalize` runs a CUSUM on its frozen
 *    z-score and a stuck-value check (PSI opt-in); alarms on `drift$`. `refit(ids)` starts a shadow
 *    fit beside the serving statistics; the learner's `refit` policy can start them on alarms or a
 *    schedule; the new statistics are promoted as the next version, or wait for `approve(ids)`.
 *    The last `keepVersions` versions are kept (`paramsAt`), for inverses of older outputs.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { SeriesStore, normalize } from 'streamnorm';
 * const store = new SeriesStore();
 * const readings = [1, 2, 3, NaN, 4].map((value) => ({ series: 't', value }));
 * await lastValueFrom(from(readings).pipe(normalize({ store, freeze: { afterSamples: 3 }, invalid: 'drop' }), toArray()));
 * store.params('t')?.center; // => 2
 * store.toSklearn('t'); // => { mean_: 2, var_: 0.6666666666666666, scale_: 0.816496580927726, n_samples_seen_: 3 }
 * store.diagnostics().series.t?.invalid.nan; // => 1
 * Object.keys(store.snapshot().series); // => ['t']
 * ```
 */
export class SeriesStore {
  /** @internal Series id → slot of {@link SeriesStore.table}. */
  readonly index = new SeriesIndex();
  /** @internal The per-series state. */
  readonly table = new SeriesTable();
  /** @internal The counters behind {@link SeriesStore.diagnostics}. */
  readonly diag = new Diagnostics();
  /** @internal The eviction clock and limits. */
  readonly eviction: EvictionClock;
  /** @internal Subscriptions working on this store. */
  readonly attachments: Attachments;
  /** @internal Drift alarms, refits, promotions, older versions. */
  readonly lifecycle: SeriesLifecycle;
  /** @internal The background freeze of every fit (`freeze()`, a freeze notifier). */
  readonly sweeper = new FreezeSweep(this);
  /** @internal Freezes, version numbers, `frozen$`. */
  readonly versions = new StoreVersions(this);
  /** Series id by slot, kept while eviction is on (an evicted slot's id). */
  private readonly ids: (string | undefined)[] = [];

  /** Every series frozen at subscription, then each series as it freezes (or is restored frozen). */
  readonly frozen$: Observable<SeriesFrozen> = this.versions.frozen$;

  /**
   * Drift alarms as they are raised: `{ series, kind, score, version, time }`. A `cusum` alarm
   * restarts the series' sums, a `stuck` alarm its run; with `refit.onAlarm` a refit starts.
   */
  readonly drift$: Observable<DriftAlarm>;

  constructor(options: SeriesStoreOptions = {}) {
    refuseUnknownKeys(options, STORE_OPTIONS, 'SeriesStore');
    this.eviction = new EvictionClock(options);
    this.attachments = new Attachments(this.eviction, () => this.sweep());
    this.lifecycle = new SeriesLifecycle(options.drift, options.keepVersions ?? 3, () => this.table.trackDrift());
    this.drift$ = this.lifecycle.alarms.asObservable();
    if (this.eviction.on) this.table.trackRecency(this.eviction.now);
    if (options.initial !== undefined) this.restore(options.initial);
  }

  /** Number of series in the store. */
  get size(): number {
    return this.index.size;
  }

  /** Whether a series is in the store. */
  has(series: string): boolean {
    return this.index.has(series);
  }

  /** Series ids in the store. */
  keys(): IterableIterator<string> {
    return this.index.keys();
  }

  /** The phase of a series (`running` for EWM and BatchNorm statistics), or undefined if it is not in the store. */
  phase(series: string): 'fitting' | 'frozen' | 'running' | undefined {
    const slot = this.readSlot(series);
    if (slot === undefined) return undefined;
    return this.table.isFitting(slot) ? 'fitting' : this.table.isRunning(slot) ? 'running' : 'frozen';
  }

  /** The frozen statistics of a series (undefined while fitting, running or unknown). */
  params(series: string): FrozenParams | undefined {
    const slot = this.readSlot(series);
    return slot !== undefined && this.table.isFrozen(slot) ? this.table.frozen(slot) : undefined;
  }

  /** The scaler of a fitting series (undefined otherwise); what you do with it is what the store sees. */
  fitting(series: string): Scaler | undefined {
    const slot = this.readSlot(series);
    return slot !== undefined && this.table.isFitting(slot) ? this.table.fittingScaler(slot) : undefined;
  }

  /** The running statistics of a series of `ewmNormalize` or `batchNorm` (undefined otherwise). */
  running(series: string): RunningStats | undefined {
    const slot = this.readSlot(series);
    return slot !== undefined && this.table.isRunning(slot) ? this.table.running<RunningStats>(slot) : undefined;
  }

  /**
   * scikit-learn's fitted attributes of a series (see `toSklearn`): of its frozen statistics when
   * frozen, of its statistics so far while fitting; undefined for an unknown or running series.
   */
  toSklearn(series: string): Record<string, number | null | number[]> | undefined {
    const slot = this.readSlot(series);
    if (slot === undefined || this.table.isRunning(slot)) return undefined;
    if (this.table.isFitting(slot)) return toSklearn(this.table.scalerOf(slot));
    return frozenToSklearn(this.table.frozen(slot), this.table.specs.spec(this.table.specId(slot)));
  }

  /**
   * Freezes fitting series (those with no valid value yet stay fitting); a refit window under way is
   * frozen and promoted at once (a person's "freeze now" is the approval). Named ids: now, returning
   * the ids frozen. Every fit (no argument): without stalling a live stream. All are marked due and
   * read as frozen from the call on (a read of a due series freezes it first); each freezes at its
   * next reading or when a background sweep (1 ms per macrotask) reaches it, `frozen$` announcing it
   * then. Returns a promise of the ids this call froze, settled when the sweep ends (in the call for
   * a few thousand series; a million take about 1.5 s, no reading waiting more than a slice).
   */
  freeze(series: string | readonly string[]): string[];
  freeze(): Promise<string[]>;
  freeze(series?: string | readonly string[]): string[] | Promise<string[]> {
    return series === undefined ? this.sweeper.freezeAll() : freezeNamed(this, series);
  }

  /**
   * Starts refit windows (shadow fits) for the named frozen series, or all: each goes on serving its
   * statistics while a new window learns with the learner's freeze points; at its freeze the new
   * statistics are promoted as the next version (or wait for approval). Returns the ids started.
   */
  refit(series?: string | readonly string[]): string[] {
    return startRefits(this, series);
  }

  /** Promotes the refits of the named series (or all) that wait for approval; returns the ids promoted. */
  approve(series?: string | readonly string[]): string[] {
    return approveWaiting(this, series);
  }

  /** The version of a finished refit of the series waiting for approval, or undefined. */
  waitingVersion(series: string): number | undefined {
    const slot = this.readSlot(series);
    return slot === undefined ? undefined : this.lifecycle.waiting.get(slot)?.version;
  }

  /** The statistics of one version of a series: the current, or one kept from before (`keepVersions`); undefined otherwise. */
  paramsAt(series: string, version: number): FrozenParams | undefined {
    return this.lifecycle.paramsAt(this, series, version);
  }

  /** The series' drift score: the CUSUM's larger sum in σ (0 just after a freeze); undefined when not frozen or drift is off. */
  driftScore(series: string): number | undefined {
    const slot = this.readSlot(series);
    const columns = this.lifecycle.columns;
    return slot === undefined || columns === undefined || !this.table.isFrozen(slot) ? undefined : columns.score(slot);
  }

  /** @internal The slot of a series, frozen first when a freeze of every fit has it due (see `freeze()`): what reads go through. */
  readSlot(series: string): number | undefined {
    const slot = this.index.get(series);
    if (slot !== undefined && this.sweeper.running) this.sweeper.visit(series, slot);
    return slot;
  }

  /** Removes a series (its counters stay in the totals); true if it existed. */
  delete(series: string): boolean {
    const slot = this.index.get(series);
    if (slot === undefined) return false;
    this.versions.floor = Math.max(this.versions.floor, this.versions.at(slot), this.lifecycle.forget(series, slot));
    this.index.delete(series);
    if (this.ids.length > slot) this.ids[slot] = undefined;
    this.table.release(slot);
    this.diag.forget(series);
    return true;
  }

  /** Every series' state, the counters and the version floor as a versioned JSON {@link Snapshot}. */
  snapshot(): Snapshot {
    this.sweeper.finish();
    return snapshotOf(this, this.versions.floor);
  }

  /**
   * Loads a {@link Snapshot} (checked whole before anything changes; a bad one throws naming the
   * field) or scalers by series id. Frozen ones start frozen, fitting ones go on fitting where their
   * window stood; series of the same id are replaced. The version floor never goes down.
   */
  restore(state: InitialState): this {
    const floor = restoreInto(this, state, this.versions.floor); // deleting replaced series may raise the floor
    this.versions.floor = Math.max(this.versions.floor, floor);
    return this;
  }

  /** Counters per series and per reason, with totals (plain JSON, a copy). */
  diagnostics(): DiagnosticsReport {
    return this.lifecycle.withDriftScores(this.diag.report(), this);
  }

  // --- for the operators ------------------------------------------------------------------------

  /** @internal Adds a series with spec index `spec` (evicting the least recent one at `maxSeries`); returns its slot. */
  add(series: string, spec: number): number {
    if (this.index.size >= this.eviction.maxSeries) this.evict(this.table.leastRecent(), true);
    const slot = this.table.allocate(spec, this.eviction.now);
    this.index.set(series, slot);
    if (this.eviction.on) this.ids[slot] = series;
    return slot;
  }

  /** @internal Subscriptions attach while they run (see {@link Attachments}). */
  attach(learns: boolean, hooks: AttachmentHooks): Attachment {
    return this.attachments.attach(learns, hooks);
  }

  /** @internal Evicts every series quiet for longer than the idle time. */
  sweep(): void {
    const limit = this.eviction.sweepLimit();
    for (let slot = this.table.leastRecent(); slot >= 0 && this.table.seenAt(slot) < limit; slot = this.table.leastRecent()) this.evict(slot, false);
  }

  /** Evicts the series at `slot` (counted; `capacity`: because the store was at `maxSeries`). */
  private evict(slot: number, capacity: boolean): void {
    if (slot < 0) return;
    const series = this.ids[slot] as string;
    if (capacity) this.diag.totals.evictedCapacity++;
    this.delete(series);
    this.diag.totals.evicted++;
    this.attachments.evicted(series);
  }

}
