import type { Scaler } from '../../src/scalers/create.js';
import { affine, type FrozenParams } from '../../src/scalers/frozen.js';
import { standardizeProvisional, type StandardScaler } from '../../src/scalers/standard.js';
import { CompactRows } from './compact-rows.js';
import { RecencyList } from './recency-list.js';
import { COMPACT_NAN, SpecTable } from './spec-table.js';

/**
 * The per-series state of a store, addressed by slot, laid out for the hot path. This file is the
 * only code that knows the slot layout; everything else asks it by slot.
 *
 * One 32-byte record per slot in one `Float64Array` (4 doubles). Its last double, the *tag*, says
 * what the slot holds:
 * - `tag ≥ 0`: a *plain* frozen series (no pre-transform, clip or offset, non-zero spread, no
 *   missing values in its window, `invScale = 1/scale`), record `[center, invScale, scale, tag]`
 *   with `tag = (version · 2^11 + spec) · 2^22 + count`: one cache line per reading. A version from
 *   2^20, a count from 2^22 or a spec index from 2^11 on makes a series non-plain instead.
 * - `tag < 0`: `tag = −(state + 32 · spec)` with the state bits below. A fitting record is
 *   `[row, firstTime, lastTime, tag]`: with `COMPACT` (a standard scaler with default options)
 *   `row` is a row of {@link CompactRows}, else the scaler is in `objects`. A frozen series that is
 *   not plain keeps its {@link FrozenParams} in `irregular`; a running series (EWM, BatchNorm) its
 *   statistics in `objects`.
 *
 * Slots of released series are reused; columns grow by doubling; `objects` is emptied when no slot
 * uses it. With eviction on, a {@link RecencyList} orders the slots by when they were last seen.
 */
export class SeriesTable {
  private hot: Float64Array<ArrayBuffer> = new Float64Array(0);
  private readonly rows = new CompactRows();
  private readonly objects: (object | undefined)[] = [];
  private readonly irregular = new Map<number, FrozenParams>();
  private recency: RecencyList | undefined;
  /** Where {@link SeriesTable.fitStep} leaves its output (`[0]`) and the new count (`[1]`). */
  readonly stepOut = new Float64Array(2);
  /** The distinct scaler specs of the slots. */
  readonly specs = new SpecTable();
  /** Slots released so far: a reader that looked slots up earlier looks again when this changed. */
  releases = 0;
  private used = 0;
  private capacity = 0;
  private readonly free: number[] = [];
  private objectCount = 0;

  /** Compact fits in progress. */
  get compactFits(): number {
    return this.rows.live;
  }

  /** Takes a free slot for a series of spec index `spec`, seen at `now` (neither frozen nor fitting yet). */
  allocate(spec: number, now = 0): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.used === this.capacity) this.grow();
      slot = this.used++;
    }
    this.hot[slot * 4 + 3] = -(OTHER + 32 * spec);
    this.recency?.add(slot, now);
    return slot;
  }

  /** Gives a slot back, with its row, object and place in the recency list. */
  release(slot: number): void {
    this.leave(slot);
    this.recency?.remove(slot);
    this.hot[slot * 4 + 3] = -OTHER;
    this.releases++;
    this.free.push(slot);
  }

  /** The spec index of a slot. */
  specId(slot: number): number {
    const tag = this.hot[slot * 4 + 3] as number;
    return tag >= 0 ? Math.floor(tag / COUNT_SPAN) % SPEC_SPAN : Math.floor(-tag / 32);
  }

  /** Whether a slot holds a plain frozen series (the fast path's test). */
  isPlain(slot: number): boolean {
    return (this.hot[slot * 4 + 3] as number) >= 0;
  }

  /** Whether a slot is fitting. */
  isFitting(slot: number): boolean {
    return (this.state(slot) & FITTING) !== 0;
  }

  /** Whether a slot fits in a compact row (a standard scaler with default options). */
  isCompactFitting(slot: number): boolean {
    return (this.state(slot) & (FITTING | COMPACT)) === (FITTING | COMPACT);
  }

  /** Whether a slot holds running statistics (EWM, BatchNorm). */
  isRunning(slot: number): boolean {
    return (this.state(slot) & RUNNING) !== 0;
  }

  /** Whether a slot is frozen (plain or not). */
  isFrozen(slot: number): boolean {
    return this.isPlain(slot) || this.irregular.has(slot);
  }

  // --- frozen -----------------------------------------------------------------------------------

  /** The frozen transform of a finite `x` by the plain frozen series at `slot`. */
  transformPlain(slot: number, x: number): number {
    const b = slot * 4;
    return affine(x, this.hot[b] as number, this.hot[b + 1] as number, 0);
  }

  /**
   * {@link SeriesTable.transformPlain} of `values[from…]` into `out[at…]`, up to the first value
   * that is not a finite number; returns its index in `values` (the length when all were finite).
   */
  transformPlainInto(slot: number, values: Float64Array | readonly unknown[], from: number, out: Float64Array, at: number): number {
    const b = slot * 4;
    const c = this.hot[b] as number;
    const s = this.hot[b + 1] as number;
    return values instanceof Float64Array ? affineTyped(values, from, out, at - from, c, s) : affineArray(values, from, out, at - from, c, s);
  }

  /** The version of the plain frozen series at `slot`. */
  plainVersion(slot: number): number {
    return Math.floor((this.hot[slot * 4 + 3] as number) / VERSION_UNIT);
  }

  /** The {@link FrozenParams} of a frozen slot (rebuilt from the record when plain). */
  frozen(slot: number): FrozenParams {
    const irregular = this.irregular.get(slot);
    if (irregular !== undefined) return irregular;
    const b = slot * 4;
    const tag = this.hot[b + 3] as number;
    const hi = Math.floor(tag / COUNT_SPAN);
    return Object.freeze({
      kind: this.specs.spec(hi % SPEC_SPAN).kind,
      pre: 'none',
      center: this.hot[b] as number,
      scale: this.hot[b + 2] as number,
      invScale: this.hot[b + 1] as number,
      offset: 0,
      clip: undefined,
      zeroSpread: false,
      count: tag - hi * COUNT_SPAN,
      missing: 0,
      version: Math.floor(hi / SPEC_SPAN),
    });
  }

  /** Makes a slot frozen with `p` (a plain record when `p` is plain); ends any fit. */
  writeFrozen(slot: number, p: FrozenParams): void {
    const spec = this.specId(slot);
    this.leave(slot);
    const b = slot * 4;
    const plain =
      p.pre === 'none' && p.clip === undefined && p.offset === 0 && !p.zeroSpread && p.missing === 0 && p.invScale === 1 / p.scale &&
      Number.isFinite(p.center) && p.count < COUNT_SPAN && p.version < VERSION_SPAN && spec < SPEC_SPAN;
    if (plain) {
      this.hot[b] = p.center;
      this.hot[b + 1] = p.invScale;
      this.hot[b + 2] = p.scale;
      this.hot[b + 3] = (p.version * SPEC_SPAN + spec) * COUNT_SPAN + p.count;
    } else {
      this.irregular.set(slot, p);
      this.hot[b + 3] = -(OTHER + 32 * spec);
    }
  }

  // --- fitting ----------------------------------------------------------------------------------

  /**
   * Makes a slot fitting with its window's event times unknown: in a compact row when `scaler` is
   * undefined (the spec must be compact), else with `scaler`.
   */
  startFitting(slot: number, scaler: Scaler | undefined): void {
    const spec = this.specId(slot);
    this.leave(slot);
    const b = slot * 4;
    if (scaler === undefined) this.hot[b] = this.rows.allocate();
    else this.setObject(slot, scaler);
    this.hot[b + 1] = NaN;
    this.hot[b + 2] = NaN;
    this.hot[b + 3] = -((scaler === undefined ? FITTING | COMPACT : FITTING) + 32 * spec);
  }

  /** Valid values learned so far by the fitting slot. */
  fitCount(slot: number): number {
    return this.isCompactFitting(slot) ? this.rows.count(this.row(slot)) : (this.objects[slot] as Scaler).count;
  }

  /** Learns a finite value; undefined, or `out-of-domain` when the scaler's pre-transform refused it. */
  learn(slot: number, x: number): 'out-of-domain' | undefined {
    if (!this.isCompactFitting(slot)) return (this.objects[slot] as Scaler).learnValid(x) as 'out-of-domain' | undefined;
    this.rows.learn(this.row(slot), x);
    return undefined;
  }

  /** Counts a missing value (NaN, null) refused while fitting, as the window's scaler would. */
  countMissing(slot: number, reason: 'nan' | 'null'): void {
    if (this.isCompactFitting(slot)) this.rows.countMissing(this.row(slot));
    else (this.objects[slot] as Scaler).invalid[reason]++;
  }

  /** The provisional transform of `x` by the fitting slot (its statistics so far). */
  provisional(slot: number, x: number): number {
    if (!this.isCompactFitting(slot)) return (this.objects[slot] as Scaler).transform(x);
    const row = this.row(slot);
    const mean = this.rows.mean(row);
    return standardizeProvisional(x - mean, mean, this.rows.variance(row), this.specs.compactKind(this.specId(slot)) === COMPACT_NAN);
  }

  /**
   * The compact fit's per-reading step for the finite `r.value`: learn it, then its provisional
   * output to `stepOut[0]` and the new count to `stepOut[1]`. Numbers go in inside an object and
   * come out through a typed array, so they are never boxed whether or not the call is inlined.
   */
  fitStep(slot: number, r: { readonly value: number }): void {
    this.stepOut[1] = this.rows.learn(this.row(slot), r.value);
    this.stepOut[0] = this.provisional(slot, r.value);
  }

  /** The first event time of the fitting slot's window (NaN while unknown). */
  firstTime(slot: number): number {
    return this.hot[slot * 4 + 1] as number;
  }

  /**
   * Records event time `t` in the fitting slot's window: the first time once, the latest unless `t`
   * is older. Returns false when `t` is older than the latest (out of order).
   */
  recordTime(slot: number, t: number): boolean {
    const b = slot * 4;
    const first = this.hot[b + 1] as number;
    if (first !== first) {
      this.hot[b + 1] = this.hot[b + 2] = t;
      return true;
    }
    if (t < (this.hot[b + 2] as number)) return false;
    this.hot[b + 2] = t;
    return true;
  }

  /** The window's event times `[first, last]` (NaN while unknown). */
  windowTimes(slot: number): [number, number] {
    return [this.hot[slot * 4 + 1] as number, this.hot[slot * 4 + 2] as number];
  }

  /** Sets a fitting slot's window times (a restored window). */
  setWindowTimes(slot: number, first: number, last: number): void {
    this.hot[slot * 4 + 1] = first;
    this.hot[slot * 4 + 2] = last;
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
    const s = this.state(slot);
    this.rows.release(this.row(slot));
    this.setObject(slot, scaler);
    this.setState(slot, s & ~COMPACT);
    return scaler;
  }

  /** A scaler with the fitting slot's statistics; for a compact fit a copy that is not kept. */
  scalerOf(slot: number): Scaler {
    return this.isCompactFitting(slot) ? this.compactScaler(slot) : (this.objects[slot] as Scaler);
  }

  private compactScaler(slot: number): Scaler {
    const row = this.row(slot);
    const scaler = this.specs.create(this.specId(slot)) as StandardScaler;
    scaler.restoreStats(this.rows.state(row));
    scaler.invalid.nan = this.rows.missing(row);
    return scaler;
  }

  // --- running statistics ----------------------------------------------------------------------

  /** Makes a slot hold running statistics (an EWM or BatchNorm state object). */
  startRunning(slot: number, state: object): void {
    const spec = this.specId(slot);
    this.leave(slot);
    this.setObject(slot, state);
    this.hot[slot * 4 + 3] = -(RUNNING + 32 * spec);
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
    const free = new Set(this.free);
    for (let s = 0; s < this.used; s++) if (!free.has(s)) this.recency.add(s, now);
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

  // --- internals --------------------------------------------------------------------------------

  private state(slot: number): number {
    const tag = this.hot[slot * 4 + 3] as number;
    return tag >= 0 ? 0 : -tag & 31;
  }

  private setState(slot: number, state: number): void {
    this.hot[slot * 4 + 3] = -(state + 32 * this.specId(slot));
  }

  private row(slot: number): number {
    return this.hot[slot * 4] as number;
  }

  /** Ends what a slot holds: its row, its object, its irregular parameters. */
  private leave(slot: number): void {
    if (this.isCompactFitting(slot)) this.rows.release(this.row(slot));
    if (this.objects[slot] !== undefined) {
      if (--this.objectCount === 0) this.objects.length = 0;
      else this.objects[slot] = undefined;
    }
    this.irregular.delete(slot);
    if ((this.hot[slot * 4 + 3] as number) < 0) this.setState(slot, OTHER);
  }

  private setObject(slot: number, o: object): void {
    while (this.objects.length < slot) this.objects.push(undefined);
    if (this.objects[slot] === undefined) this.objectCount++;
    this.objects[slot] = o;
  }

  private grow(): void {
    const n = Math.max(64, this.capacity * 2);
    const hot = new Float64Array(n * 4);
    hot.set(this.hot);
    this.hot = hot;
    this.recency?.grow(n);
    this.capacity = n;
  }
}

/** State bits of a tag below zero. */
const OTHER = 1;
const FITTING = 2;
const COMPACT = 4;
const PENDING = 8;
const RUNNING = 16;
const COUNT_SPAN = 4194304; // 2^22
const SPEC_SPAN = 2048; // 2^11
const VERSION_SPAN = 1048576; // 2^20: (version · 2^11 + spec) · 2^22 + count < 2^53
const VERSION_UNIT = COUNT_SPAN * SPEC_SPAN;

// Two loops, each with one element type, so each stays monomorphic.
function affineTyped(values: Float64Array, from: number, out: Float64Array, shift: number, c: number, s: number): number {
  const n = values.length;
  for (let i = from; i < n; i++) {
    const x = values[i] as number;
    if (x - x !== 0) return i;
    out[i + shift] = affine(x, c, s, 0);
  }
  return n;
}

function affineArray(values: readonly unknown[], from: number, out: Float64Array, shift: number, c: number, s: number): number {
  const n = values.length;
  for (let i = from; i < n; i++) {
    const x = values[i];
    if (typeof x !== 'number' || x - x !== 0) return i;
    out[i + shift] = affine(x, c, s, 0);
  }
  return n;
}
