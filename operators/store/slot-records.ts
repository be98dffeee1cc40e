import { affine, type FrozenParams, type ScalerKind } from '../../src/scalers/frozen.js';
import { affineArray, affineTyped } from './affine-runs.js';
import { GrowableDoubles } from './growable-doubles.js';

/** State bits of a slot that is not a plain frozen series. */
export const OTHER = 1;
export const FITTING = 2;
export const COMPACT = 4;
export const PENDING = 8;
export const RUNNING = 16;
export const SHADOW = 32;
/** Tag units per spec index: the state bits live below it. */
const STATES = 64;
/** Spec indexes of a negative tag (the store's limit); a compact row index is counted above them. */
const SPECS = 65536;
const ROW_UNIT = STATES * SPECS; // 2^22: −tag = state + 64 · spec + 2^22 · row < 2^53

const COUNT_SPAN = 4194304; // 2^22
const SPEC_SPAN = 2048; // 2^11
const VERSION_SPAN = 1048576; // 2^20: (version · 2^11 + spec) · 2^22 + count < 2^53
const VERSION_UNIT = COUNT_SPAN * SPEC_SPAN;

/** Doubles per record. */
const R = 3;

/**
 * The slot records of a store: the only code that knows their layout. {@link SeriesTable} builds
 * the per-series state on them and never reads the array itself.
 *
 * One 24-byte record per slot in one `Float64Array` (3 doubles). Its last double, the *tag*, says
 * what the slot holds:
 * - `tag ≥ 0`: a *plain* frozen series of an affine kind (no pre-transform, clip or offset, non-zero
 *   spread, no missing values in its window, `invScale = 1/scale`), record `[center, scale, tag]`
 *   with `tag = (version · 2^11 + spec) · 2^22 + count`; the transform multiplies by `1/scale`,
 *   which is `invScale` bit for bit. A standard series' training mean and standard deviation are
 *   its center and scale; other kinds keep theirs in a side column made when the first of them is
 *   written. A version from 2^20, a count from 2^22 or a spec index from 2^11 on make a series
 *   non-plain instead.
 * - `tag < 0`: `−tag = state + 64 · spec + 2^22 · row`, state bits {@link OTHER}, {@link FITTING},
 *   {@link COMPACT}, {@link PENDING}, {@link RUNNING}, {@link SHADOW} (frozen, with a refit window);
 *   `row` is a compact fit's row. A fitting record is `[firstTime, lastTime, tag]`.
 *
 * Slots of released series are reused; the records grow as a {@link GrowableDoubles} (in place from
 * 1 MiB on). The other per-slot columns are paged (`slot-pages.ts`).
 */
export class SlotRecords {
  private readonly records = new GrowableDoubles();
  /** `records.array`, taken again after each growth (read on every reading). */
  private hot: Float64Array<ArrayBufferLike> = this.records.array;
  /** Training mean and standard deviation of plain records of kinds other than standard (made at the first). */
  private train: GrowableDoubles | undefined;
  private used = 0;
  private readonly free: number[] = [];
  /** Slots released so far: a reader that looked slots up earlier looks again when this changed. */
  releases = 0;

  /** Slots the array has room for. */
  protected get capacity(): number {
    return Math.floor(this.hot.length / R);
  }

  /** Takes a free slot with spec index `spec`, state {@link OTHER}. */
  protected take(spec: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.used === this.capacity) {
        this.hot = this.records.grow((this.used + 1) * R);
        const n = this.capacity;
        this.train?.grow(n * 2);
        this.grown(n);
      }
      slot = this.used++;
    }
    this.hot[slot * R + 2] = -(OTHER + STATES * spec);
    return slot;
  }

  /** Called when the array grew to `n` slots (per-slot columns elsewhere grow with it). */
  protected grown(_n: number): void {}

  /** Gives a slot back. */
  protected give(slot: number): void {
    this.hot[slot * R + 2] = -OTHER;
    this.releases++;
    this.free.push(slot);
  }

  /** Slots in use, for a walk over all of them. */
  protected *liveSlots(): Generator<number> {
    const free = new Set(this.free);
    for (let s = 0; s < this.used; s++) if (!free.has(s)) yield s;
  }

  /** The spec index of a slot. */
  specId(slot: number): number {
    const tag = this.hot[slot * R + 2] as number;
    return tag >= 0 ? below(Math.floor(tag / COUNT_SPAN), SPEC_SPAN) : below(Math.floor(-tag / STATES), SPECS);
  }

  /** Whether a slot holds a plain frozen series (the fast path's test). */
  isPlain(slot: number): boolean {
    return (this.hot[slot * R + 2] as number) >= 0;
  }

  /** The state bits of a slot (0 for a plain frozen series). */
  protected state(slot: number): number {
    const tag = this.hot[slot * R + 2] as number;
    return tag >= 0 ? 0 : below(-tag, STATES);
  }

  /** Sets the state bits of a slot, keeping its spec (and a fitting slot's row). */
  protected setState(slot: number, state: number): void {
    const b = slot * R + 2;
    const tag = this.hot[b] as number;
    this.hot[b] = tag >= 0 ? -(state + STATES * this.specId(slot)) : -(state + (-tag - below(-tag, STATES)));
  }

  // --- plain frozen records ----------------------------------------------------------------------

  /**
   * The frozen transform of the finite `r.value` by the plain frozen series at `slot`, to `out[0]`,
   * and the series' version to `out[1]` (one read of the record for both). The value goes in inside
   * the reading and comes out through a typed array: on the per-reading path a double passed to or
   * returned from a call that V8 leaves un-inlined would be boxed.
   */
  transformPlain(slot: number, r: { readonly value: number }, out: Float64Array): void {
    const b = slot * R;
    out[0] = affine(r.value, this.hot[b] as number, 1 / (this.hot[b + 1] as number), 0);
    out[1] = versionOf(this.hot[b + 2] as number);
  }

  /**
   * {@link SlotRecords.transformPlain} of `values[from…]` into `out[at…]`, up to the first value
   * that is not a finite number; returns its index in `values` (the length when all were finite).
   */
  transformPlainInto(slot: number, values: Float64Array | readonly unknown[], from: number, out: Float64Array, at: number): number {
    const b = slot * R;
    const c = this.hot[b] as number;
    const s = 1 / (this.hot[b + 1] as number);
    return values instanceof Float64Array ? affineTyped(values, from, out, at - from, c, s) : affineArray(values, from, out, at - from, c, s);
  }

  /** The version of the plain frozen series at `slot`. */
  plainVersion(slot: number): number {
    return versionOf(this.hot[slot * R + 2] as number);
  }

  /** The parameters of a plain record of kind `kind` (its spec's kind). */
  protected plainParams(slot: number, kind: ScalerKind): FrozenParams {
    const b = slot * R;
    const tag = this.hot[b + 2] as number;
    const hi = Math.floor(tag / COUNT_SPAN);
    const center = this.hot[b] as number;
    const scale = this.hot[b + 1] as number;
    const standard = kind === 'standard';
    const train = this.train?.array;
    return Object.freeze({
      kind,
      pre: 'none',
      center,
      scale,
      invScale: 1 / scale,
      offset: 0,
      clip: undefined,
      zeroSpread: false,
      count: tag - hi * COUNT_SPAN,
      missing: 0,
      version: Math.floor(hi / SPEC_SPAN),
      trainMean: standard || train === undefined ? center : (train[slot * 2] as number),
      trainStd: standard || train === undefined ? scale : (train[slot * 2 + 1] as number),
    });
  }

  /** Writes `p` as a plain record if it is plain and of the slot's spec's kind (true), else leaves the slot as it is (false). */
  protected writePlain(slot: number, p: FrozenParams, specKind: ScalerKind): boolean {
    const spec = this.specId(slot);
    const standard = p.kind === 'standard';
    const plain =
      p.kind === specKind && p.quantileMap === undefined && p.kind !== 'quantile' && (standard ? p.trainMean === p.center && p.trainStd === p.scale : typeof p.trainMean === 'number' && typeof p.trainStd === 'number') &&
      p.pre === 'none' && p.clip === undefined && p.offset === 0 && !p.zeroSpread && p.missing === 0 && p.invScale === 1 / p.scale &&
      Number.isFinite(p.center) && p.count < COUNT_SPAN && p.version < VERSION_SPAN && spec < SPEC_SPAN;
    if (!plain) return false;
    const b = slot * R;
    this.hot[b] = p.center;
    this.hot[b + 1] = p.scale;
    this.hot[b + 2] = (p.version * SPEC_SPAN + spec) * COUNT_SPAN + p.count;
    if (!standard) {
      this.train ??= new GrowableDoubles();
      const train = this.train.grow(this.capacity * 2);
      train[slot * 2] = p.trainMean as number;
      train[slot * 2 + 1] = p.trainStd as number;
    }
    return true;
  }

  // --- fitting records -----------------------------------------------------------------------------

  /** Starts a fitting record: state bits, compact row (or 0), window times unknown. */
  protected writeFitting(slot: number, state: number, row: number): void {
    const b = slot * R;
    const spec = this.specId(slot);
    this.hot[b] = NaN;
    this.hot[b + 1] = NaN;
    this.hot[b + 2] = -(state + STATES * spec + ROW_UNIT * row);
  }

  /** The compact row of a fitting record. */
  protected rowOf(slot: number): number {
    return Math.floor(-(this.hot[slot * R + 2] as number) / ROW_UNIT);
  }

  /** The first event time of a fitting slot's window (NaN while unknown). */
  firstTime(slot: number): number {
    return this.hot[slot * R] as number;
  }

  /**
   * Records event time `t` in a fitting slot's window: the first time once, the latest unless `t`
   * is older. Returns false when `t` is older than the latest (out of order).
   */
  recordTime(slot: number, t: number): boolean {
    const at = slot * R + 1;
    // The common case first, in few bytes (it is inlined into the per-reading path): a time at or
    // after the latest (NaN while the window has no time, so the first time takes the other path).
    if (t >= (this.hot[at] as number)) {
      this.hot[at] = t;
      return true;
    }
    return this.recordFirstOrLate(slot, t);
  }

  private recordFirstOrLate(slot: number, t: number): boolean {
    const b = slot * R;
    const first = this.hot[b] as number;
    if (first !== first) {
      this.hot[b] = this.hot[b + 1] = t;
      return true;
    }
    return false;
  }

  /** The latest event time learned by a fitting slot's window (NaN while unknown). */
  lastTime(slot: number): number {
    return this.hot[slot * R + 1] as number;
  }

  /** A fitting window's event times `[first, last]` (NaN while unknown). */
  windowTimes(slot: number): [number, number] {
    return [this.hot[slot * R] as number, this.hot[slot * R + 1] as number];
  }

  /** Sets a fitting slot's window times (a restored window). */
  setWindowTimes(slot: number, first: number, last: number): void {
    this.hot[slot * R] = first;
    this.hot[slot * R + 1] = last;
  }
}

/** The version in the tag of a plain record. */
function versionOf(tag: number): number {
  return Math.floor(tag / VERSION_UNIT);
}

/**
 * `v mod m` for a non-negative integer `v` below 2^53 and `m` a power of two up to 2^31 (every
 * modulus of a tag is): a bitwise and first takes `v` modulo 2^32 (ToInt32, exact for integers),
 * which `m` divides. Small enough that V8 always inlines it: tags exceed 2^31, so a call would box
 * `v` (an allocation on every reading), and `%` on such a double calls the C library's fmod.
 */
function below(v: number, m: number): number {
  return v & (m - 1);
}
