import type { FrozenParams, PreTransform } from '../src/scalers/frozen.js';
import type { ScalerSpec } from '../src/scalers/create.js';

/** Bits of {@link FrozenColumns.flags}. A plain frozen series (no pre-transform, no clip) has flags 0. */
export const SLOT_FITTING = 1;
export const SLOT_CLIP = 2;
export const SLOT_PRE_LOG = 4;
export const SLOT_PRE_LOG1P = 8;
export const SLOT_ZERO_SPREAD = 16;
export const SLOT_FREE = 32;

/**
 * Per-series frozen statistics in typed-array columns, addressed by slot: center, scale,
 * invScale, offset (Float64), count and version (Uint32), flags (Uint8) and the index of the
 * scaler spec (Uint16) — 43 bytes per series, plus 8 for `lastSeen` when idle eviction is on.
 * The hot path reads `(x − center[s]) · invScale[s] + offset[s]` when `flags[s] === 0`.
 *
 * Slots of deleted series are reused. Columns grow by doubling.
 */
export class FrozenColumns {
  center: Float64Array<ArrayBuffer> = new Float64Array(0);
  scale: Float64Array<ArrayBuffer> = new Float64Array(0);
  invScale: Float64Array<ArrayBuffer> = new Float64Array(0);
  offset: Float64Array<ArrayBuffer> = new Float64Array(0);
  count = new Uint32Array(0);
  version = new Uint32Array(0);
  flags = new Uint8Array(0);
  specId = new Uint16Array(0);
  /** Time of the latest reading per slot; allocated by {@link FrozenColumns.trackLastSeen}. */
  lastSeen: Float64Array | undefined;
  /** Clip bounds of the few series that clip. */
  readonly clips = new Map<number, readonly [number, number]>();
  /** Distinct scaler specs, by index (series share them). */
  readonly specs: ScalerSpec[] = [];
  private readonly specIndex = new Map<string, number>();
  private used = 0;
  private readonly free: number[] = [];

  /** Number of slots ever used (the high-water mark). */
  get highWater(): number {
    return this.used;
  }

  /** Starts keeping `lastSeen` per slot. */
  trackLastSeen(): void {
    if (this.lastSeen === undefined) this.lastSeen = new Float64Array(this.center.length);
  }

  /** Takes a free slot for a fitting series with the given spec. */
  allocate(spec: ScalerSpec): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.used === this.center.length) this.grow();
      slot = this.used++;
    }
    this.flags[slot] = SLOT_FITTING;
    this.specId[slot] = this.internSpec(spec);
    this.version[slot] = 0;
    this.count[slot] = 0;
    this.center[slot] = NaN;
    return slot;
  }

  /** Gives a slot back. */
  release(slot: number): void {
    this.flags[slot] = SLOT_FREE;
    this.clips.delete(slot);
    this.free.push(slot);
  }

  /** Writes frozen statistics into a slot (making it frozen). */
  write(slot: number, p: FrozenParams): void {
    this.center[slot] = p.center;
    this.scale[slot] = p.scale;
    this.invScale[slot] = p.invScale;
    this.offset[slot] = p.offset;
    this.count[slot] = p.count;
    this.version[slot] = p.version;
    let f = 0;
    if (p.clip !== undefined) {
      f |= SLOT_CLIP;
      this.clips.set(slot, p.clip);
    } else {
      this.clips.delete(slot);
    }
    if (p.pre === 'log') f |= SLOT_PRE_LOG;
    else if (p.pre === 'log1p') f |= SLOT_PRE_LOG1P;
    if (p.zeroSpread) f |= SLOT_ZERO_SPREAD;
    this.flags[slot] = f;
  }

  /** Rebuilds the {@link FrozenParams} of a frozen slot. */
  read(slot: number): FrozenParams {
    const f = this.flags[slot] as number;
    const pre: PreTransform = f & SLOT_PRE_LOG ? 'log' : f & SLOT_PRE_LOG1P ? 'log1p' : 'none';
    return Object.freeze({
      kind: this.spec(slot).kind,
      pre,
      center: this.center[slot] as number,
      scale: this.scale[slot] as number,
      invScale: this.invScale[slot] as number,
      offset: this.offset[slot] as number,
      clip: this.clips.get(slot),
      zeroSpread: (f & SLOT_ZERO_SPREAD) !== 0,
      count: this.count[slot] as number,
      version: this.version[slot] as number,
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
    const n = Math.max(64, this.center.length * 2);
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.center = f64(this.center);
    this.scale = f64(this.scale);
    this.invScale = f64(this.invScale);
    this.offset = f64(this.offset);
    if (this.lastSeen) this.lastSeen = f64(this.lastSeen);
    const count = new Uint32Array(n);
    count.set(this.count);
    this.count = count;
    const version = new Uint32Array(n);
    version.set(this.version);
    this.version = version;
    const flags = new Uint8Array(n);
    flags.set(this.flags);
    this.flags = flags;
    const specId = new Uint16Array(n);
    specId.set(this.specId);
    this.specId = specId;
  }
}
