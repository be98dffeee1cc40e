import type { ScalerSpec } from '../src/scalers/create.js';
import { SpecTable } from './spec-table.js';
import type { FrozenParams } from '../src/scalers/frozen.js';
import { standardizeProvisional } from '../src/scalers/standard.js';
import { MEAN_VAR_ROW, meanVarRowMean, meanVarRowUpdate, meanVarRowVariance } from '../src/stats/mean-var-row.js';
import { MeanVar, type MeanVarState } from '../src/stats/mean-var.js';

/** Tag state of a free slot or of a frozen series that is not plain (its statistics are in `irregular`). */
export const SLOT_OTHER = 1;
/** Tag state bit: the series is fitting. */
export const SLOT_FITTING = 2;
/** Tag state bit (with {@link SLOT_FITTING}): it fits in a compact row of `fitRows`, not a scaler object. */
export const SLOT_COMPACT = 4;
/** Tag state bit (with {@link SLOT_FITTING}): a freeze point came before any valid value; freeze after the next one. */
export const SLOT_PENDING = 8;

const COUNT_SPAN = 4294967296; // 2^32
const SPEC_SPAN = 2048; // 2^11
const VERSION_SPAN = 1024; // 2^10: version · 2^43 + spec · 2^32 + count < 2^53
/** 2^43: `(tag / VERSION_UNIT) | 0` is the version of a plain record's tag. */
export const VERSION_UNIT = COUNT_SPAN * SPEC_SPAN;

/**
 * Per-series state of a keyed store, addressed by slot, laid out for the hot path: one 32-byte
 * record per series in one `Float64Array`, and, for standard scalers that are fitting, one 48-byte
 * row of running moments in another.
 *
 * The record's last double, the *tag*, says what the slot holds:
 * - `tag ≥ 0`: a *plain* frozen series (no pre-transform, clip or offset, non-zero spread,
 *   `invScale = 1/scale`: every standard, maxabs and robust scaler without options), record
 *   `[center, invScale, scale, tag]` with `tag = version · 2^43 + spec · 2^32 + count`. 32 bytes
 *   per series (40 with idle eviction's `lastSeen`): one cache line per reading.
 * - `tag < 0`: `tag = −(state + 16 · spec)`, where state is {@link SLOT_OTHER} (free, or frozen but
 *   not plain: the {@link FrozenParams} are in `irregular`) or {@link SLOT_FITTING} plus flags. A
 *   fitting record is `[row, firstTime, lastTime, tag]`; with {@link SLOT_COMPACT} (a standard
 *   scaler with default options) `row` indexes `fitRows`, else the store holds a scaler object.
 *
 * Slots of deleted series are reused, columns grow by doubling, and `fitRows` is released when no
 * compact fit is left.
 *
 * @example
 * ```ts
 * import { SeriesColumns, StandardScaler } from 'streamnorm';
 * const cols = new SeriesColumns();
 * const slot = cols.allocate({ kind: 'standard' });
 * cols.write(slot, new StandardScaler().learnMany([1, 3]).freeze());
 * cols.isPlain(slot); // => true
 * cols.read(slot).center; // => 2
 * cols.version(slot); // => 1
 * ```
 */
export class SeriesColumns {
  /** Records of 4 doubles per slot (see the class description). */
  hot: Float64Array<ArrayBuffer> = new Float64Array(0);
  /** Running moments of compact fits, {@link MEAN_VAR_ROW} doubles per row (`MeanVar`'s layout). */
  fitRows: Float64Array<ArrayBuffer> = new Float64Array(0);
  /** Time of the latest reading per slot; allocated by {@link SeriesColumns.trackLastSeen}. */
  lastSeen: Float64Array<ArrayBuffer> | undefined;
  /** Where {@link SeriesColumns.fitStep} leaves its output and count. */
  readonly stepOut = new Float64Array(2);
  /** Frozen statistics of the few frozen series that are not plain. */
  readonly irregular = new Map<number, FrozenParams>();
  /** The distinct scaler specs of the slots. */
  readonly specTable = new SpecTable();
  /** Slots released so far (a changed count tells a reader that looked slots up earlier to look again). */
  releases = 0;
  private used = 0;
  private capacity = 0;
  private readonly free: number[] = [];
  private rowsUsed = 0;
  private readonly freeRows: number[] = [];
  private compactFits = 0;

  /** Number of slots ever used (the high-water mark). */
  get highWater(): number {
    return this.used;
  }

  /** Slots allocated (the length of every column). */
  get slots(): number {
    return this.capacity;
  }

  /** Starts keeping `lastSeen` per slot. */
  trackLastSeen(): void {
    if (this.lastSeen === undefined) this.lastSeen = new Float64Array(this.capacity);
  }

  /** Takes a free slot (neither plain nor fitting yet) for a series with the given spec. */
  allocate(spec: ScalerSpec): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.used === this.capacity) this.grow();
      slot = this.used++;
    }
    this.hot[slot * 4 + 3] = -(SLOT_OTHER + 16 * this.specTable.intern(spec));
    return slot;
  }

  /** Gives a slot back (and its compact row, if any). */
  release(slot: number): void {
    this.releaseRow(slot);
    this.releases++;
    this.hot[slot * 4 + 3] = -SLOT_OTHER;
    this.irregular.delete(slot);
    this.free.push(slot);
  }

  /** The state bits of a slot's tag (0 for a plain frozen series). */
  state(slot: number): number {
    const tag = this.hot[slot * 4 + 3] as number;
    return tag >= 0 ? 0 : -tag & 15;
  }

  /** Whether a slot is fitting. */
  isFitting(slot: number): boolean {
    return (this.state(slot) & SLOT_FITTING) !== 0;
  }

  /**
   * Marks a slot fitting, with times unknown: in a compact row when `compact` (the spec must be
   * compact, see {@link SpecTable.compactKind}), else with a scaler object the caller keeps.
   */
  startFitting(slot: number, compact: boolean): void {
    const b = slot * 4;
    const spec = this.specId(slot);
    if (compact) {
      let row = this.freeRows.pop();
      if (row === undefined) {
        if ((this.rowsUsed + 1) * MEAN_VAR_ROW > this.fitRows.length) this.growRows();
        row = this.rowsUsed++;
      }
      const rows = this.fitRows;
      const at = row * MEAN_VAR_ROW;
      for (let i = 0; i < MEAN_VAR_ROW; i++) rows[at + i] = 0;
      this.hot[b] = row;
      this.compactFits++;
    }
    this.hot[b + 1] = NaN;
    this.hot[b + 2] = NaN;
    this.hot[b + 3] = -((compact ? SLOT_FITTING | SLOT_COMPACT : SLOT_FITTING) + 16 * spec);
  }

  /** Sets or clears the pending-freeze flag of a fitting slot. */
  setPending(slot: number, pending: boolean): void {
    const s = this.state(slot);
    this.setState(slot, pending ? s | SLOT_PENDING : s & ~SLOT_PENDING);
  }

  /** Learns a finite value into the compact fit of the record at `b` (= 4 · slot). */
  learnCompact(b: number, x: number): void {
    meanVarRowUpdate(this.fitRows, ((this.hot[b] as number) | 0) * MEAN_VAR_ROW, x);
  }

  /**
   * {@link SeriesColumns.learnCompact} then {@link SeriesColumns.compactOutput} for the finite
   * `r.value`, the operators' per-reading step: the output goes to `stepOut[0]` and the new count
   * to `stepOut[1]`. Numbers go in inside an object and come out through a typed array, so they
   * are never boxed, whether or not the call is inlined.
   */
  fitStep(b: number, tag: number, r: { readonly value: number }): void {
    const x = r.value;
    const rows = this.fitRows;
    const at = ((this.hot[b] as number) | 0) * MEAN_VAR_ROW;
    meanVarRowUpdate(rows, at, x);
    const out = this.stepOut;
    out[0] = this.compactOutput(b, tag, x);
    out[1] = rows[at] as number;
  }

  /**
   * The provisional output for `x` of the compact fit of the record at `b` whose tag is `tag`:
   * `(x − mean) / std` as {@link StandardScaler.transform} computes it, bit for bit.
   */
  compactOutput(b: number, tag: number, x: number): number {
    const rows = this.fitRows;
    const at = ((this.hot[b] as number) | 0) * MEAN_VAR_ROW;
    const mean = meanVarRowMean(rows, at);
    return standardizeProvisional(x - mean, mean, meanVarRowVariance(rows, at, 0), this.specTable.compactKind[-tag >>> 4] === 2);
  }

  /** The running moments of a compact fit (for a snapshot, a freeze or a scaler object). */
  compactState(slot: number): MeanVarState {
    return MeanVar.rowState(this.fitRows, (this.hot[slot * 4] as number) * MEAN_VAR_ROW);
  }

  /** Turns a compact fit into one with a scaler object (the caller keeps it), keeping times and flags. */
  leaveCompact(slot: number): void {
    const s = this.state(slot);
    if ((s & SLOT_COMPACT) === 0) return;
    this.releaseRow(slot);
    this.setState(slot, s & ~SLOT_COMPACT);
  }

  /** Writes frozen statistics into a slot, as a plain record when they are plain; ends any fit. */
  write(slot: number, p: FrozenParams): void {
    this.releaseRow(slot);
    const b = slot * 4;
    const spec = this.specId(slot);
    const plain =
      p.pre === 'none' && p.clip === undefined && p.offset === 0 && !p.zeroSpread && p.invScale === 1 / p.scale && Number.isFinite(p.center) && p.count < COUNT_SPAN && p.version < VERSION_SPAN && spec < SPEC_SPAN;
    if (plain) {
      this.irregular.delete(slot);
      this.hot[b] = p.center;
      this.hot[b + 1] = p.invScale;
      this.hot[b + 2] = p.scale;
      this.hot[b + 3] = p.version * VERSION_UNIT + spec * COUNT_SPAN + p.count;
    } else {
      this.irregular.set(slot, p);
      this.hot[b + 3] = -(SLOT_OTHER + 16 * spec);
    }
  }

  /** Whether a slot holds a plain frozen series. */
  isPlain(slot: number): boolean {
    return (this.hot[slot * 4 + 3] as number) >= 0;
  }

  /** Version of the statistics of a frozen slot. */
  version(slot: number): number {
    const tag = this.hot[slot * 4 + 3] as number;
    return tag >= 0 ? (tag / VERSION_UNIT) | 0 : (this.irregular.get(slot)?.version ?? 0);
  }

  /** The {@link FrozenParams} of a frozen slot (rebuilt from the record when plain). */
  read(slot: number): FrozenParams {
    const irregular = this.irregular.get(slot);
    if (irregular !== undefined) return irregular;
    const b = slot * 4;
    const tag = this.hot[b + 3] as number;
    const hi = Math.floor(tag / COUNT_SPAN);
    return Object.freeze({
      kind: this.spec(slot).kind,
      pre: 'none',
      center: this.hot[b] as number,
      scale: this.hot[b + 2] as number,
      invScale: this.hot[b + 1] as number,
      offset: 0,
      clip: undefined,
      zeroSpread: false,
      count: tag - hi * COUNT_SPAN,
      version: Math.floor(hi / SPEC_SPAN),
    });
  }

  /** The scaler spec of a slot. */
  spec(slot: number): ScalerSpec {
    return this.specTable.specs[this.specId(slot)] as ScalerSpec;
  }

  /** The index of a slot's spec in {@link SpecTable.specs}. */
  specId(slot: number): number {
    const tag = this.hot[slot * 4 + 3] as number;
    return tag >= 0 ? Math.floor(tag / COUNT_SPAN) % SPEC_SPAN : -tag >>> 4;
  }

  private setState(slot: number, state: number): void {
    this.hot[slot * 4 + 3] = -(state + 16 * this.specId(slot));
  }

  private releaseRow(slot: number): void {
    if ((this.state(slot) & SLOT_COMPACT) === 0) return;
    this.freeRows.push(this.hot[slot * 4] as number);
    this.setState(slot, this.state(slot) & ~SLOT_COMPACT);
    if (--this.compactFits === 0) {
      // No compact fit left: frozen series pay nothing for the rows.
      this.fitRows = new Float64Array(0);
      this.rowsUsed = 0;
      this.freeRows.length = 0;
    }
  }

  private grow(): void {
    const n = Math.max(64, this.capacity * 2);
    const hot = new Float64Array(n * 4);
    hot.set(this.hot);
    this.hot = hot;
    if (this.lastSeen) {
      const seen = new Float64Array(n);
      seen.set(this.lastSeen);
      this.lastSeen = seen;
    }
    this.capacity = n;
  }

  private growRows(): void {
    const rows = new Float64Array(Math.max(64 * MEAN_VAR_ROW, this.fitRows.length * 2));
    rows.set(this.fitRows);
    this.fitRows = rows;
  }
}
