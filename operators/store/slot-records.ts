import { affine, type FrozenParams } from '../../src/scalers/frozen.js';

/** State bits of a slot that is not a plain frozen series. */
export const OTHER = 1;
export const FITTING = 2;
export const COMPACT = 4;
export const PENDING = 8;
export const RUNNING = 16;
export const SHADOW = 32;
/** Tag units per spec index: the state bits live below it. */
const STATES = 64;

const COUNT_SPAN = 4194304; // 2^22
const SPEC_SPAN = 2048; // 2^11
const VERSION_SPAN = 1048576; // 2^20: (version · 2^11 + spec) · 2^22 + count < 2^53
const VERSION_UNIT = COUNT_SPAN * SPEC_SPAN;

/**
 * The slot records of a store: the only code that knows their layout. {@link SeriesTable} builds
 * the per-series state on them and never reads the array itself.
 *
 * One 32-byte record per slot in one `Float64Array` (4 doubles). Its last double, the *tag*, says
 * what the slot holds:
 * - `tag ≥ 0`: a *plain* frozen series (no pre-transform, clip or offset, non-zero spread, no
 *   missing values in its window, `invScale = 1/scale`; a standard series whose training mean and
 *   standard deviation are its center and scale), record `[center, invScale, scale, tag]`
 *   with `tag = (version · 2^11 + spec) · 2^22 + count`: one cache line per reading. A version from
 *   2^20, a count from 2^22 or a spec index from 2^11 on make a series non-plain instead.
 * - `tag < 0`: `tag = −(state + 64 · spec)`, state bits {@link OTHER}, {@link FITTING},
 *   {@link COMPACT}, {@link PENDING}, {@link RUNNING}, {@link SHADOW} (frozen, with a refit window). A fitting record is
 *   `[row, firstTime, lastTime, tag]` (`row`: a compact fit's row).
 *
 * Slots of released series are reused; the array grows by doubling.
 */
export class SlotRecords {
  private hot: Float64Array<ArrayBuffer> = new Float64Array(0);
  private used = 0;
  private cap = 0;
  private readonly free: number[] = [];
  /** Slots released so far: a reader that looked slots up earlier looks again when this changed. */
  releases = 0;

  /** Slots the array has room for. */
  protected get capacity(): number {
    return this.cap;
  }

  /** Takes a free slot with spec index `spec`, state {@link OTHER}. */
  protected take(spec: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.used === this.cap) {
        const n = Math.max(64, this.cap * 2);
        const hot = new Float64Array(n * 4);
        hot.set(this.hot);
        this.hot = hot;
        this.cap = n;
        this.grown(n);
      }
      slot = this.used++;
    }
    this.hot[slot * 4 + 3] = -(OTHER + STATES * spec);
    return slot;
  }

  /** Called when the array grew to `n` slots (per-slot columns elsewhere grow with it). */
  protected grown(_n: number): void {}

  /** Gives a slot back. */
  protected give(slot: number): void {
    this.hot[slot * 4 + 3] = -OTHER;
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
    const tag = this.hot[slot * 4 + 3] as number;
    return tag >= 0 ? Math.floor(tag / COUNT_SPAN) % SPEC_SPAN : Math.floor(-tag / STATES);
  }

  /** Whether a slot holds a plain frozen series (the fast path's test). */
  isPlain(slot: number): boolean {
    return (this.hot[slot * 4 + 3] as number) >= 0;
  }

  /** The state bits of a slot (0 for a plain frozen series). */
  protected state(slot: number): number {
    const tag = this.hot[slot * 4 + 3] as number;
    return tag >= 0 ? 0 : -tag % STATES;
  }

  /** Sets the state bits of a slot, keeping its spec. */
  protected setState(slot: number, state: number): void {
    this.hot[slot * 4 + 3] = -(state + STATES * this.specId(slot));
  }

  // --- plain frozen records ----------------------------------------------------------------------

  /** The frozen transform of a finite `x` by the plain frozen series at `slot`. */
  transformPlain(slot: number, x: number): number {
    const b = slot * 4;
    return affine(x, this.hot[b] as number, this.hot[b + 1] as number, 0);
  }

  /**
   * {@link SlotRecords.transformPlain} of `values[from…]` into `out[at…]`, up to the first value
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

  /** The parameters of a plain record (a standard series: its spec index is that of a standard spec). */
  protected plainParams(slot: number): FrozenParams {
    const b = slot * 4;
    const tag = this.hot[b + 3] as number;
    const hi = Math.floor(tag / COUNT_SPAN);
    return Object.freeze({
      kind: 'standard',
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
      trainMean: this.hot[b] as number,
      trainStd: this.hot[b + 2] as number,
    });
  }

  /** Writes `p` as a plain record if it is plain (true), else leaves the slot as it is (false). */
  protected writePlain(slot: number, p: FrozenParams): boolean {
    const spec = this.specId(slot);
    const plain =
      p.kind === 'standard' && p.trainMean === p.center && p.trainStd === p.scale && p.quantileMap === undefined &&
      p.pre === 'none' && p.clip === undefined && p.offset === 0 && !p.zeroSpread && p.missing === 0 && p.invScale === 1 / p.scale &&
      Number.isFinite(p.center) && p.count < COUNT_SPAN && p.version < VERSION_SPAN && spec < SPEC_SPAN;
    if (!plain) return false;
    const b = slot * 4;
    this.hot[b] = p.center;
    this.hot[b + 1] = p.invScale;
    this.hot[b + 2] = p.scale;
    this.hot[b + 3] = (p.version * SPEC_SPAN + spec) * COUNT_SPAN + p.count;
    return true;
  }

  // --- fitting records -----------------------------------------------------------------------------

  /** Starts a fitting record: state bits, compact row (or 0), window times unknown. */
  protected writeFitting(slot: number, state: number, row: number): void {
    const b = slot * 4;
    const spec = this.specId(slot);
    this.hot[b] = row;
    this.hot[b + 1] = NaN;
    this.hot[b + 2] = NaN;
    this.hot[b + 3] = -(state + STATES * spec);
  }

  /** The compact row of a fitting record. */
  protected rowOf(slot: number): number {
    return this.hot[slot * 4] as number;
  }

  /** The first event time of a fitting slot's window (NaN while unknown). */
  firstTime(slot: number): number {
    return this.hot[slot * 4 + 1] as number;
  }

  /**
   * Records event time `t` in a fitting slot's window: the first time once, the latest unless `t`
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

  /** The latest event time learned by a fitting slot's window (NaN while unknown). */
  lastTime(slot: number): number {
    return this.hot[slot * 4 + 2] as number;
  }

  /** A fitting window's event times `[first, last]` (NaN while unknown). */
  windowTimes(slot: number): [number, number] {
    return [this.hot[slot * 4 + 1] as number, this.hot[slot * 4 + 2] as number];
  }

  /** Sets a fitting slot's window times (a restored window). */
  setWindowTimes(slot: number, first: number, last: number): void {
    this.hot[slot * 4 + 1] = first;
    this.hot[slot * 4 + 2] = last;
  }
}

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
