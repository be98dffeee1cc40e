import type { Scaler } from '../../src/scalers/create.js';
import type { FrozenParams } from '../../src/scalers/frozen.js';
import { standardizeProvisional, type StandardScaler } from '../../src/scalers/standard.js';
import { CompactRows, MAX_EPOCH } from './compact-rows.js';
import { DriftColumns } from './drift-columns.js';
import { RecencyList } from './recency-list.js';
import { COMPACT, FITTING, OTHER, PENDING, RUNNING, SHADOW, SlotRecords } from './slot-records.js';
import { COMPACT_NAN, SpecTable } from './spec-table.js';

/**
 * The per-series state of a store, by slot: on the {@link SlotRecords} (the only code that knows
 * the record layout), a frozen series that is not plain keeps its {@link FrozenParams} in
 * `irregular`; a fitting series its running moments in a {@link CompactRows} row (a standard scaler
 * with default options) or a scaler object; a running series (EWM, BatchNorm) its statistics object.
 * `objects` is emptied when no slot uses it, so a table of plain frozen series pays nothing for it.
 * With eviction on, a {@link RecencyList} orders the slots by when they were last seen.
 */
export class SeriesTable extends SlotRecords {
  private readonly rows = new CompactRows();
  private readonly objects: (object | undefined)[] = [];
  private objectCount = 0;
  private readonly irregular = new Map<number, FrozenParams>();
  /** The freeze epoch each fit held in an object (not a compact row) started in, by slot. */
  private readonly objectEpochs = new Map<number, number>();
  /** The current freeze epoch: a request to freeze every fit so far ({@link SeriesTable.markAllDue}) starts a new one. */
  private epoch = 0;
  /** Fits started in an epoch below this are due to freeze (0: none). */
  private dueBelow = 0;
  private recency: RecencyList | undefined;
  /** The drift alarms' per-slot state, when drift is on (see {@link SeriesTable.trackDrift}). */
  drift: DriftColumns | undefined;
  /** Where {@link SeriesTable.fitStep} leaves its output (`[0]`) and the new count (`[1]`). */
  readonly stepOut = new Float64Array(2);
  /** The distinct scaler specs of the slots. */
  readonly specs = new SpecTable();

  /** Compact fits in progress. */
  get compactFits(): number {
    return this.rows.live;
  }

  /** Takes a free slot for a series of spec index `spec`, seen at `now` (neither frozen nor fitting yet). */
  allocate(spec: number, now = 0): number {
    const slot = this.take(spec);
    this.recency?.add(slot, now);
    return slot;
  }

  /** Gives a slot back, with its row, object and place in the recency list. */
  release(slot: number): void {
    this.leave(slot);
    this.recency?.remove(slot);
    this.give(slot);
  }

  /** Whether a slot is fitting. */
  isFitting(slot: number): boolean {
    return (this.state(slot) & FITTING) !== 0;
  }

  /** Whether a slot fits in a compact row (a standard scaler with default options). */
  isCompactFitting(slot: number): boolean {
    return (this.state(slot) & (FITTING | COMPACT)) === (FITTING | COMPACT);
  }

  /**
   * Reads what the inline paths will read for `slot`: its record, then a plain series' drift row
   * (`drift`, when the alarms are on) or a compact fit's row; returns a number made of what it read.
   * A batch calls it for all its slots in a loop of their own (see `normalizeChunkInto`).
   */
  peek(slot: number, drift: DriftColumns | undefined): number {
    if (this.isPlain(slot)) return drift === undefined ? 0 : drift.peek(slot);
    return this.isCompactFitting(slot) ? this.rows.peek(this.rowOf(slot)) : 0;
  }

  /** Whether a slot holds running statistics (EWM, BatchNorm). */
  isRunning(slot: number): boolean {
    return (this.state(slot) & RUNNING) !== 0;
  }

  /** Whether a slot is frozen (plain or not). */
  isFrozen(slot: number): boolean {
    return this.isPlain(slot) || this.irregular.has(slot);
  }

  /** The {@link FrozenParams} of a frozen slot (rebuilt from the record when plain). */
  frozen(slot: number): FrozenParams {
    return this.irregular.get(slot) ?? this.plainParams(slot, this.specs.spec(this.specId(slot)).kind);
  }

  /** Makes a slot frozen with `p` (a plain record when `p` is plain); ends any fit. */
  writeFrozen(slot: number, p: FrozenParams): void {
    this.leave(slot);
    if (!this.writePlain(slot, p, this.specs.spec(this.specId(slot)).kind)) this.irregular.set(slot, p);
  }

  // --- fitting ----------------------------------------------------------------------------------

  /** Makes a slot fitting, its window's times unknown: in a compact row when `scaler` is undefined (the spec must be compact), else with `scaler`. */
  startFitting(slot: number, scaler: Scaler | undefined): void {
    this.leave(slot);
    if (scaler !== undefined) this.setObject(slot, scaler);
    if (scaler !== undefined) this.objectEpochs.set(slot, this.epoch);
    this.writeFitting(slot, scaler === undefined ? FITTING | COMPACT : FITTING, scaler === undefined ? this.rows.allocate(this.epoch) : 0);
    this.drift?.startWindow(slot);
  }

  /** Valid values learned so far by the fitting slot. */
  fitCount(slot: number): number {
    return this.isCompactFitting(slot) ? this.rows.count(this.rowOf(slot)) : (this.objects[slot] as Scaler).count;
  }

  /** Learns a finite value; undefined, or `out-of-domain` when the scaler's pre-transform refused it. */
  learn(slot: number, x: number): 'out-of-domain' | undefined {
    if (!this.isCompactFitting(slot)) return (this.objects[slot] as Scaler).learnValid(x) as 'out-of-domain' | undefined;
    this.rows.learn(this.rowOf(slot), x);
    return undefined;
  }

  /** Counts a missing value (NaN, null) refused while fitting, as the window's scaler would. */
  countMissing(slot: number, reason: 'nan' | 'null'): void {
    if (this.isCompactFitting(slot)) this.rows.countMissing(this.rowOf(slot));
    else (this.objects[slot] as Scaler).invalid[reason]++;
  }

  /** The provisional transform of `x` by the fitting slot (its statistics so far). */
  provisional(slot: number, x: number): number {
    if (!this.isCompactFitting(slot)) return (this.objects[slot] as Scaler).transform(x);
    const row = this.rowOf(slot);
    const mean = this.rows.mean(row);
    return standardizeProvisional(x - mean, mean, this.rows.variance(row), this.specs.compactKind(this.specId(slot)) === COMPACT_NAN);
  }

  /**
   * The compact fit's per-reading step for the finite `r.value`: learn it, then its provisional
   * output to `stepOut[0]` and the new count to `stepOut[1]`. Numbers go in inside an object and
   * come out through a typed array, so they are never boxed whether or not the call is inlined.
   * The fit's zero-spread rule is looked up only once some spec has `zeroSpread: 'nan'`: the common
   * case inlines fewer bytes, so V8 inlines all of it into the hot path.
   */
  fitStep(slot: number, r: { readonly value: number }): void {
    const specs = this.specs;
    this.rows.step(this.rowOf(slot), r, specs.anyCompactNan && specs.compactKind(this.specId(slot)) === COMPACT_NAN, this.stepOut);
  }

  // --- freezing every fit at once, without stopping the stream ------------------------------

  /**
   * Marks every fit started so far (first windows and refit windows) as due to freeze: each freezes
   * at its next reading or when the store's background sweep reaches it, whichever comes first. A
   * fit started after this call is not due.
   */
  markAllDue(): void {
    this.epoch = Math.min(this.epoch + 1, MAX_EPOCH);
    this.dueBelow = this.epoch;
  }

  /** Whether the fitting (or refitting) slot is due to freeze by {@link SeriesTable.markAllDue}. */
  isDue(slot: number): boolean {
    return this.dueBelow !== 0 && this.startedBeforeDue(slot);
  }

  private startedBeforeDue(slot: number): boolean {
    const started = this.isCompactFitting(slot) ? this.rows.epoch(this.rowOf(slot)) : this.objectEpochs.get(slot);
    return started !== undefined && started < this.dueBelow;
  }

  /** Whether a freeze point came before any valid value of the fitting slot. */
  isPending(slot: number): boolean {
    return (this.state(slot) & PENDING) !== 0;
  }

  /** Sets or clears the pending-freeze mark of a fitting slot. */
  setPending(slot: number, pending: boolean): void {
    const s = this.state(slot);
    this.setState(slot, pending ? s | PENDING : s & ~PENDING);
  }

  /**
   * The scaler of a fitting slot. A compact fit becomes a scaler object here (same statistics,
   * times and marks), so what the caller does with it is what the table sees.
   */
  fittingScaler(slot: number): Scaler {
    if (!this.isCompactFitting(slot)) return this.objects[slot] as Scaler;
    const scaler = this.compactScaler(slot);
    this.objectEpochs.set(slot, this.rows.epoch(this.rowOf(slot)));
    this.rows.release(this.rowOf(slot));
    this.setObject(slot, scaler);
    this.setState(slot, this.state(slot) & ~COMPACT);
    return scaler;
  }

  /** A scaler with the fitting slot's statistics; for a compact fit a copy that is not kept. */
  scalerOf(slot: number): Scaler {
    return this.isCompactFitting(slot) ? this.compactScaler(slot) : (this.objects[slot] as Scaler);
  }

  private compactScaler(slot: number): Scaler {
    const row = this.rowOf(slot);
    const scaler = this.specs.create(this.specId(slot)) as StandardScaler;
    scaler.restoreStats(this.rows.state(row));
    const missing = this.rows.missing(row);
    if (missing > 0) scaler.invalid.nan = missing;
    return scaler;
  }

  // --- refit windows (shadow fits) -------------------------------------------------------------

  /**
   * Starts a refit window beside a frozen slot's statistics, which go on serving: the new window
   * learns into `scaler` with its own event times and pending mark (the fitting methods above work
   * on it); the slot stays frozen (not plain while the window lasts).
   */
  startShadow(slot: number, scaler: Scaler): void {
    const current = this.frozen(slot);
    this.irregular.set(slot, current);
    this.setObject(slot, scaler);
    this.objectEpochs.set(slot, this.epoch);
    this.writeFitting(slot, OTHER | SHADOW, 0);
  }

  /** Whether a frozen slot has a refit window. */
  hasShadow(slot: number): boolean {
    return (this.state(slot) & SHADOW) !== 0;
  }

  /** Ends a refit window: the slot serves `params` (the promoted statistics, or its current ones to abandon the refit). */
  endShadow(slot: number, params: FrozenParams): void {
    this.writeFrozen(slot, params);
  }

  // --- running statistics ----------------------------------------------------------------------

  /** Makes a slot hold running statistics (an EWM or BatchNorm state object). */
  startRunning(slot: number, state: object): void {
    this.leave(slot);
    this.setObject(slot, state);
    this.setState(slot, RUNNING);
  }

  /** The running statistics of a slot. */
  running<T extends object>(slot: number): T {
    return this.objects[slot] as T;
  }

  // --- recency ----------------------------------------------------------------------------------

  /** Starts ordering slots by when they were last seen; every live slot enters as seen at `now`. */
  trackRecency(now: number): void {
    if (this.recency !== undefined) return;
    this.recency = new RecencyList(this.capacity);
    for (const s of this.liveSlots()) this.recency.add(s, now);
  }

  /** Marks a slot seen at clock value `now`. */
  touch(slot: number, now: number): void {
    (this.recency as RecencyList).touch(slot, now);
  }

  /** The clock value a slot was last seen at. */
  seenAt(slot: number): number {
    return (this.recency as RecencyList).seenAt(slot);
  }

  /** The least recently seen slot, or −1. */
  leastRecent(): number {
    return (this.recency as RecencyList).leastRecent();
  }

  /** Starts keeping drift state per slot. */
  trackDrift(): DriftColumns {
    if (this.drift === undefined) {
      this.drift = new DriftColumns();
      this.drift.grow(this.capacity);
    }
    return this.drift;
  }

  protected override grown(n: number): void {
    this.recency?.grow(n);
    this.drift?.grow(n);
  }

  /** Ends what a slot holds: its row, its object, its irregular parameters. */
  private leave(slot: number): void {
    if (this.isCompactFitting(slot)) this.rows.release(this.rowOf(slot));
    if (this.objects[slot] !== undefined) {
      if (--this.objectCount === 0) this.objects.length = 0;
      else this.objects[slot] = undefined;
    }
    this.irregular.delete(slot);
    this.objectEpochs.delete(slot);
    this.setState(slot, OTHER);
  }

  private setObject(slot: number, o: object): void {
    while (this.objects.length < slot) this.objects.push(undefined);
    if (this.objects[slot] === undefined) this.objectCount++;
    this.objects[slot] = o;
  }
}
