import type { FrozenParams } from '../src/scalers/frozen.js';
import type { ScalerSpec } from '../src/scalers/create.js';

/** `hot[4·slot + 3]` of a slot that is not a plain frozen series (fitting, irregular, or free). */
export const NOT_PLAIN = -1;
const VERSION_UNIT = 4294967296; // 2^32: tag = version · 2^32 + count

/**
 * Per-series frozen statistics, addressed by slot, laid out for the hot path.
 *
 * A *plain* frozen series (no pre-transform, no clip, offset 0, non-zero spread, invScale = 1/scale:
 * every standard, maxabs and robust scaler without options) lives in one 32-byte record of
 * `hot` — `[center, invScale, scale, version · 2^32 + count]` — plus a 2-byte spec index: 34 bytes
 * per series (42 with idle eviction's `lastSeen`), one cache line per reading. Anything else keeps
 * its {@link FrozenParams} object in a sparse map (`irregular`) and takes the general path, with
 * the record's tag set to {@link NOT_PLAIN}, as for fitting and free slots.
 *
 * Slots of deleted series are reused. Columns grow by doubling.
 *
 * @example
 * ```ts
 * import { FrozenColumns, StandardScaler } from 'streamnorm';
 * const cols = new FrozenColumns();
 * const slot = cols.allocate({ kind: 'standard' });
 * cols.write(slot, new StandardScaler().learnMany([1, 3]).freeze());
 * cols.isPlain(slot); // => true
 * cols.read(slot).center; // => 2
 * cols.version(slot); // => 1
 * ```
 */
export class FrozenColumns {
  /** Records of 4 doubles per slot: center, invScale, scale, tag. */
  hot: Float64Array<ArrayBuffer> = new Float64Array(0);
  /** Index of the scaler spec per slot (series share specs). */
  specId = new Uint16Array(0);
  /** Time of the latest reading per slot; allocated by {@link FrozenColumns.trackLastSeen}. */
  lastSeen: Float64Array<ArrayBuffer> | undefined;
  /** Frozen statistics of the few frozen series that are not plain. */
  readonly irregular = new Map<number, FrozenParams>();
  /** Distinct scaler specs, by index. */
  readonly specs: ScalerSpec[] = [];
  private readonly specIndex = new Map<string, number>();
  private used = 0;
  private capacity = 0;
  private readonly free: number[] = [];

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

  /** Takes a free slot (not plain until {@link FrozenColumns.write}) for a series with the given spec. */
  allocate(spec: ScalerSpec): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.used === this.capacity) this.grow();
      slot = this.used++;
    }
    this.hot[slot * 4 + 3] = NOT_PLAIN;
    this.specId[slot] = this.internSpec(spec);
    return slot;
  }

  /** Gives a slot back. */
  release(slot: number): void {
    this.hot[slot * 4 + 3] = NOT_PLAIN;
    this.irregular.delete(slot);
    this.free.push(slot);
  }

  /** Writes frozen statistics into a slot, as a plain record when they are plain. */
  write(slot: number, p: FrozenParams): void {
    const b = slot * 4;
    const plain =
      p.pre === 'none' && p.clip === undefined && p.offset === 0 && !p.zeroSpread && p.invScale === 1 / p.scale && Number.isFinite(p.center) && p.count < VERSION_UNIT && p.version < 1 << 20;
    if (plain) {
      this.irregular.delete(slot);
      this.hot[b] = p.center;
      this.hot[b + 1] = p.invScale;
      this.hot[b + 2] = p.scale;
      this.hot[b + 3] = p.version * VERSION_UNIT + p.count;
    } else {
      this.irregular.set(slot, p);
      this.hot[b + 3] = NOT_PLAIN;
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
    return Object.freeze({
      kind: this.spec(slot).kind,
      pre: 'none',
      center: this.hot[b] as number,
      scale: this.hot[b + 2] as number,
      invScale: this.hot[b + 1] as number,
      offset: 0,
      clip: undefined,
      zeroSpread: false,
      count: tag % VERSION_UNIT,
      version: (tag / VERSION_UNIT) | 0,
    });
  }

  /** The scaler spec of a slot. */
  spec(slot: number): ScalerSpec {
    return this.specs[this.specId[slot] as number] as ScalerSpec;
  }

  private internSpec(spec: ScalerSpec): number {
    const key = JSON.stringify(spec);
    let id = this.specIndex.get(key);
    if (id === undefined) {
      id = this.specs.length;
      if (id > 0xffff) throw new RangeError('SeriesStore: more than 65536 distinct scaler specs');
      this.specs.push(spec);
      this.specIndex.set(key, id);
    }
    return id;
  }

  private grow(): void {
    const n = Math.max(64, this.capacity * 2);
    const hot = new Float64Array(n * 4);
    hot.set(this.hot);
    this.hot = hot;
    const specId = new Uint16Array(n);
    specId.set(this.specId);
    this.specId = specId;
    if (this.lastSeen) {
      const seen = new Float64Array(n);
      seen.set(this.lastSeen);
      this.lastSeen = seen;
    }
    this.capacity = n;
  }
}
