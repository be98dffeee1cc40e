import { Observable, Subject } from 'rxjs';
import { createScaler, specOf, type Scaler, type ScalerSpec } from '../src/scalers/create.js';
import type { StandardScaler } from '../src/scalers/standard.js';
import { MEAN_VAR_ROW } from '../src/stats/mean-var-row.js';
import type { FrozenParams } from '../src/scalers/frozen.js';
import type { Snapshot } from '../src/state/snapshot.js';
import { INVALID_REASONS, type InvalidReason } from '../src/values.js';
import { Diagnostics, type DiagnosticsReport } from './diagnostics.js';
import { SeriesColumns, SLOT_COMPACT, SLOT_PENDING } from './series-columns.js';
import { scalersOf, snapshotOf } from './series-store-state.js';
import type { InitialState } from './types.js';

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
 * Under the hood: a `Map<string, slot>` and typed-array columns ({@link SeriesColumns}); a frozen
 * standard series costs a 32-byte record plus its map entry (40 with idle eviction). A fitting
 * standard scaler with default options is one more 48-byte row of running moments (the same
 * arithmetic as {@link MeanVar}, bit for bit); other fitting series hold a scaler object. At the
 * freeze the fitting state is released.
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
  readonly columns = new SeriesColumns();
  /** Scalers of the fitting series that are not compact, indexed by slot (emptied when there are none). */
  readonly fitAt: (Scaler | undefined)[] = [];
  private objectFits = 0;
  /** The counters behind {@link SeriesStore.diagnostics}. */
  readonly diag = new Diagnostics();
  private readonly frozenSubject = new Subject<SeriesFrozen>();

  /**
   * Every series frozen at subscription, then each series as it freezes (or is restored frozen).
   */
  readonly frozen$: Observable<SeriesFrozen> = new Observable<SeriesFrozen>((subscriber) => {
    for (const [series, slot] of this.index) {
      if (subscriber.closed) return;
      if (!this.columns.isFitting(slot)) subscriber.next({ series, params: this.columns.read(slot) });
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
    return this.columns.isFitting(slot) ? 'fitting' : 'frozen';
  }

  /** The frozen statistics of a series (undefined while fitting or unknown). */
  params(series: string): FrozenParams | undefined {
    const slot = this.index.get(series);
    if (slot === undefined || this.columns.isFitting(slot)) return undefined;
    return this.columns.read(slot);
  }

  /**
   * The scaler of a fitting series (undefined when frozen or unknown). A compact fit becomes a
   * scaler object here (same statistics), so what you do with the scaler is what the store sees.
   */
  fitting(series: string): Scaler | undefined {
    const slot = this.index.get(series);
    if (slot === undefined || !this.columns.isFitting(slot)) return undefined;
    const scaler = this.scalerAt(slot);
    if (this.fitAt[slot] !== scaler) {
      this.columns.leaveCompact(slot);
      this.setObject(slot, scaler);
    }
    return scaler;
  }

  /** Series ids in the store. */
  keys(): IterableIterator<string> {
    return this.index.keys();
  }

  /**
   * Adds a fitting series and returns its slot; throws if it exists. Without `scaler`, a standard
   * scaler with default options fits compactly; anything else gets a scaler from `spec`.
   */
  startFitting(series: string, spec: ScalerSpec, scaler?: Scaler): number {
    if (this.index.has(series)) throw new Error(`SeriesStore: series ${JSON.stringify(series)} already exists`);
    return this.addFitting(series, spec, scaler);
  }

  /** {@link SeriesStore.startFitting} for a series the caller knows is absent (the operators' path: one `Map` lookup fewer). */
  addFitting(series: string, spec: ScalerSpec, scaler?: Scaler): number {
    const cols = this.columns;
    const specs = cols.specTable;
    const compact = scaler === undefined && specs.compactKind[specs.intern(spec)] !== 0;
    const object = compact ? undefined : (scaler ?? createScaler(spec)); // a bad spec throws here, before any state changes
    const slot = cols.allocate(spec);
    this.index.set(series, slot);
    cols.startFitting(slot, compact);
    if (object !== undefined) this.setObject(slot, object);
    return slot;
  }

  /** Whether the series at `slot` is fitting. */
  isFitting(slot: number): boolean {
    return this.columns.isFitting(slot);
  }

  /** Valid values learned so far by the fitting series at `slot`. */
  fitCount(slot: number): number {
    const cols = this.columns;
    if ((cols.state(slot) & SLOT_COMPACT) !== 0) return cols.fitRows[(cols.hot[slot * 4] as number) * MEAN_VAR_ROW] as number;
    return (this.fitAt[slot] as Scaler).count;
  }

  /**
   * Learns a finite value into the fitting series at `slot`; returns undefined, or the reason a
   * scaler refused it (a value outside its pre-transform's domain).
   */
  learn(slot: number, x: number): InvalidReason | undefined {
    const cols = this.columns;
    if ((cols.state(slot) & SLOT_COMPACT) === 0) return (this.fitAt[slot] as Scaler).learnValid(x);
    cols.learnCompact(slot * 4, x);
    return undefined;
  }

  /** The provisional transform of `x` by the fitting series at `slot` (its statistics so far). */
  provisional(slot: number, x: number): number {
    const cols = this.columns;
    if ((cols.state(slot) & SLOT_COMPACT) === 0) return (this.fitAt[slot] as Scaler).transform(x);
    return cols.compactOutput(slot * 4, cols.hot[slot * 4 + 3] as number, x);
  }

  /** Whether a freeze point came before any valid value of the fitting series at `slot`. */
  isPending(slot: number): boolean {
    return (this.columns.state(slot) & SLOT_PENDING) !== 0;
  }

  /** Marks the fitting series at `slot` to freeze at its next valid value (a freeze point came before any). */
  markPending(slot: number): void {
    this.columns.setPending(slot, true);
  }

  /**
   * Freezes the fitting series at `slot`; returns its frozen statistics, or undefined when it has
   * no valid value yet (it stays fitting, and freezes at its next valid value).
   */
  freezeSlot(series: string, slot: number): FrozenParams | undefined {
    const cols = this.columns;
    if (!cols.isFitting(slot)) return cols.read(slot);
    if (this.fitCount(slot) === 0) return undefined;
    const params = this.scalerAt(slot).freeze();
    this.dropObject(slot);
    cols.write(slot, params);
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
      if (slot !== undefined && this.columns.isFitting(slot) && this.freezeSlot(id, slot)) done.push(id);
    };
    if (series === undefined) {
      for (const [id, slot] of this.index) if (this.columns.isFitting(slot)) one(id);
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

  /** The scaler of a fitting slot: its object, or one built from its compact row (not kept). */
  private scalerAt(slot: number): Scaler {
    const object = this.fitAt[slot];
    if (object !== undefined) return object;
    const scaler = createScaler(this.columns.spec(slot)) as StandardScaler;
    scaler.restoreStats(this.columns.compactState(slot));
    return scaler;
  }

  private setObject(slot: number, scaler: Scaler): void {
    while (this.fitAt.length < slot) this.fitAt.push(undefined);
    if (this.fitAt[slot] === undefined) this.objectFits++;
    this.fitAt[slot] = scaler;
  }

  /**
   * Forgets the scaler object of a slot. When none is left, the slot-indexed array is emptied
   * too, so a store of frozen series pays nothing for it (8 bytes per slot).
   */
  private dropObject(slot: number): void {
    if (this.fitAt[slot] === undefined) return;
    if (--this.objectFits === 0) this.fitAt.length = 0;
    else this.fitAt[slot] = undefined;
  }

  /** Removes a series (its counters stay in the totals); true if it existed. */
  delete(series: string): boolean {
    const slot = this.index.get(series);
    if (slot === undefined) return false;
    this.index.delete(series);
    this.dropObject(slot);
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
    return snapshotOf(this.scalers(), this.diag);
  }

  /**
   * Loads a {@link Snapshot} (validated; a bad one throws naming the field) or scalers by series id.
   * Frozen ones start frozen, fitting ones go on fitting; existing series of the same id are replaced.
   */
  restore(state: InitialState): this {
    for (const [series, scaler] of scalersOf(state)) {
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

  /** Every series as a scaler (built from the columns; fitting ones as {@link SeriesStore.fitting} would, without keeping it). */
  private *scalers(): Generator<[string, Scaler]> {
    for (const [id, slot] of this.index) {
      if (this.columns.isFitting(slot)) {
        yield [id, this.scalerAt(slot)];
        continue;
      }
      const scaler = createScaler(this.columns.spec(slot));
      const params = this.columns.read(slot);
      scaler.version = params.version;
      scaler.frozen = params;
      yield [id, scaler];
    }
  }

  /** Counters per series and per reason, with totals (plain JSON, a copy). */
  diagnostics(): DiagnosticsReport {
    return this.diag.report();
  }
}
