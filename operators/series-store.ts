import { Observable, Subject } from 'rxjs';
import { createScaler, specOf, type Scaler, type ScalerSpec } from '../src/scalers/create.js';
import type { FrozenParams } from '../src/scalers/frozen.js';
import { saveScaler, type ScalerState } from '../src/state/scaler-state.js';
import { restoreSnapshot, SNAPSHOT_VERSION, type Snapshot } from '../src/state/snapshot.js';
import { INVALID_REASONS } from '../src/values.js';
import { Diagnostics, type DiagnosticsReport } from './diagnostics.js';
import { FrozenColumns } from './frozen-columns.js';
import type { InitialState } from './types.js';

/** The learning state of a series that is not frozen yet. */
export interface FitState {
  readonly scaler: Scaler;
  /** Event time of the first reading (NaN when unknown). */
  firstTime: number;
  /** Latest event time seen (NaN when unknown). */
  lastTime: number;
  /** A freeze point was reached before any valid value: freeze after the next one. */
  pendingFreeze: boolean;
}

/** Options of {@link SeriesStore}. */
export interface SeriesStoreOptions {
  /** Series that start in the store (frozen ones start frozen). */
  initial?: InitialState;
}

/** One series' freeze, as {@link SeriesStore.frozen$} emits it. */
export interface SeriesFrozen {
  series: string;
  params: FrozenParams;
}

/**
 * The per-series state of the normalizing operators: one store keyed by series id, not one
 * `groupBy` group per sensor.
 *
 * Under the hood: a `Map<string, slot>` and typed-array columns ({@link FrozenColumns}); a frozen
 * standard series costs 34 bytes of columns plus its map entry (42 with idle eviction). Fitting
 * series also hold a scaler until they freeze; then its statistics are released.
 *
 * Semantics:
 * 1. Each `normalize` subscription makes its own store unless given one, so two subscribers share
 *    statistics only when they share a store.
 * 2. Frozen statistics never change; a series leaves the frozen phase only by `delete` or eviction.
 * 3. `snapshot()` saves every series (frozen and fitting) as a {@link Snapshot}; `restore()` loads
 *    one (or scalers by id, e.g. from `fromSklearnFeatures`), frozen ones start frozen.
 * 4. `frozen$` emits, to each subscriber, every series frozen at that moment, then each new freeze.
 * 5. `diagnostics()` returns plain JSON counters: per series and per reason, with totals that
 *    survive eviction.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { SeriesStore, normalize } from 'streamnorm';
 * const store = new SeriesStore();
 * const readings = [1, 2, 3, NaN, 4].map((value) => ({ series: 't', value }));
 * await lastValueFrom(from(readings).pipe(normalize({ store, freeze: { afterSamples: 3 }, invalid: 'drop' }), toArray()));
 * store.params('t')?.center; // => 2
 * store.diagnostics().series.t?.invalid.nan; // => 1
 * Object.keys(store.snapshot().series); // => ['t']
 * ```
 */
export class SeriesStore {
  /** Series id → slot in {@link SeriesStore.columns}. Read by the operators' hot path. */
  readonly index = new Map<string, number>();
  /** Frozen statistics in columns. Read by the operators' hot path. */
  readonly columns = new FrozenColumns();
  /** Learning state of fitting series, by slot. */
  readonly fits = new Map<number, FitState>();
  /** The same learning states as {@link SeriesStore.fits}, as an array indexed by slot (the hot path's view). */
  readonly fitAt: (FitState | undefined)[] = [];
  /** The counters behind {@link SeriesStore.diagnostics}. */
  readonly diag = new Diagnostics();
  private readonly frozenSubject = new Subject<SeriesFrozen>();

  /**
   * Every series frozen at subscription, then each series as it freezes (or is restored frozen).
   */
  readonly frozen$: Observable<SeriesFrozen> = new Observable<SeriesFrozen>((subscriber) => {
    for (const [series, slot] of this.index) {
      if (subscriber.closed) return;
      if (!this.fits.has(slot)) subscriber.next({ series, params: this.columns.read(slot) });
    }
    return this.frozenSubject.subscribe(subscriber);
  });

  constructor(options: SeriesStoreOptions = {}) {
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

  /** The phase of a series, or undefined if it is not in the store. */
  phase(series: string): 'fitting' | 'frozen' | undefined {
    const slot = this.index.get(series);
    if (slot === undefined) return undefined;
    return this.fits.has(slot) ? 'fitting' : 'frozen';
  }

  /** The frozen statistics of a series (undefined while fitting or unknown). */
  params(series: string): FrozenParams | undefined {
    const slot = this.index.get(series);
    if (slot === undefined || this.fits.has(slot)) return undefined;
    return this.columns.read(slot);
  }

  /** The scaler of a fitting series (undefined when frozen or unknown). */
  fitting(series: string): Scaler | undefined {
    const slot = this.index.get(series);
    return slot === undefined ? undefined : this.fits.get(slot)?.scaler;
  }

  /** Series ids in the store. */
  keys(): IterableIterator<string> {
    return this.index.keys();
  }

  /** Adds a fitting series with a new scaler from `spec`; returns its slot. Throws if it exists. */
  startFitting(series: string, spec: ScalerSpec, scaler: Scaler = createScaler(spec)): number {
    if (this.index.has(series)) throw new Error(`SeriesStore: series ${JSON.stringify(series)} already exists`);
    const slot = this.columns.allocate(spec);
    this.index.set(series, slot);
    const fit: FitState = { scaler, firstTime: NaN, lastTime: NaN, pendingFreeze: false };
    this.fits.set(slot, fit);
    while (this.fitAt.length < slot) this.fitAt.push(undefined);
    this.fitAt[slot] = fit;
    return slot;
  }

  /**
   * Freezes the fitting series at `slot`; returns its frozen statistics, or undefined when it has
   * no valid value yet (it stays fitting).
   */
  freezeSlot(series: string, slot: number): FrozenParams | undefined {
    const fit = this.fits.get(slot);
    if (fit === undefined) return this.columns.read(slot);
    if (fit.scaler.count === 0) return undefined;
    const params = fit.scaler.freeze();
    this.columns.write(slot, params);
    this.dropFit(slot);
    this.diag.totals.frozen++;
    if (this.frozenSubject.observed) this.frozenSubject.next({ series, params });
    return params;
  }

  /**
   * Freezes the named fitting series, or all of them; returns the ids frozen now. Series with
   * no valid value yet stay fitting.
   */
  freeze(series?: string | readonly string[]): string[] {
    const done: string[] = [];
    const one = (id: string): void => {
      const slot = this.index.get(id);
      if (slot !== undefined && this.fits.has(slot) && this.freezeSlot(id, slot)) done.push(id);
    };
    if (series === undefined) {
      for (const [id, slot] of this.index) if (this.fits.has(slot)) one(id);
    } else if (typeof series === 'string') {
      one(series);
    } else {
      for (const id of series) one(id);
    }
    return done;
  }

  /** Puts a series in the store frozen with `params` (replacing it if present). */
  setFrozen(series: string, params: FrozenParams, spec: ScalerSpec): void {
    this.delete(series);
    const slot = this.columns.allocate(spec);
    this.index.set(series, slot);
    this.columns.write(slot, params);
    this.diag.totals.frozen++;
    if (this.frozenSubject.observed) this.frozenSubject.next({ series, params });
  }

  /**
   * Forgets the learning state of a slot. When no series is fitting any more, the slot-indexed
   * view is emptied too, so a store of frozen series pays nothing for it (8 bytes per slot).
   */
  private dropFit(slot: number): void {
    this.fits.delete(slot);
    if (this.fits.size === 0) this.fitAt.length = 0;
    else if (slot < this.fitAt.length) this.fitAt[slot] = undefined;
  }

  /** Removes a series (its counters stay in the totals); true if it existed. */
  delete(series: string): boolean {
    const slot = this.index.get(series);
    if (slot === undefined) return false;
    this.index.delete(series);
    this.dropFit(slot);
    this.columns.release(slot);
    this.diag.forget(series);
    return true;
  }

  /**
   * Evicts every series whose latest reading is older than `now − idleMs` (needs `lastSeen`
   * tracking, which `idleEvictMs` turns on); returns the evicted ids.
   */
  evictIdle(now: number, idleMs: number): string[] {
    const seen = this.columns.lastSeen;
    if (seen === undefined) return [];
    const limit = now - idleMs;
    const old: string[] = [];
    for (const [series, slot] of this.index) if ((seen[slot] as number) < limit) old.push(series);
    for (const series of old) this.delete(series);
    this.diag.totals.evicted += old.length;
    return old;
  }

  /** Every series' state as a versioned JSON {@link Snapshot} (restore with {@link SeriesStore.restore}). */
  snapshot(): Snapshot {
    const series: Record<string, ScalerState> = {};
    for (const [id, slot] of this.index) {
      const fit = this.fits.get(slot);
      let scaler: Scaler;
      if (fit) {
        scaler = fit.scaler;
      } else {
        scaler = createScaler(this.columns.spec(slot));
        const params = this.columns.read(slot);
        scaler.version = params.version;
        scaler.frozen = params;
      }
      const state = saveScaler(scaler);
      const d = this.diag.get(id);
      for (const r of INVALID_REASONS) state.invalid[r] = d ? d.invalid[r] : 0;
      series[id] = state;
    }
    return { schema: 'streamnorm/snapshot', schemaVersion: SNAPSHOT_VERSION, createdAt: new Date().toISOString(), series };
  }

  /**
   * Loads a {@link Snapshot} (validated; a bad one throws naming the field) or scalers by series id.
   * Frozen ones start frozen, fitting ones go on fitting; existing series of the same id are replaced.
   */
  restore(state: InitialState): this {
    const entries: Iterable<readonly [string, Scaler]> = isSnapshotLike(state) ? restoreSnapshot(state).entries() : state;
    for (const [series, scaler] of entries) {
      const spec = specOf(scaler);
      if (scaler.frozen) {
        this.setFrozen(series, scaler.frozen, spec);
      } else {
        this.delete(series);
        this.startFitting(series, spec, scaler);
      }
      for (const r of INVALID_REASONS) if (scaler.invalid[r] > 0) this.diag.invalid(series, r, false, scaler.invalid[r]);
    }
    return this;
  }

  /** Counters per series and per reason, with totals (plain JSON, a copy). */
  diagnostics(): DiagnosticsReport {
    return this.diag.report();
  }
}

function isSnapshotLike(state: InitialState): state is Snapshot {
  return typeof state === 'object' && state !== null && !(Symbol.iterator in state);
}
