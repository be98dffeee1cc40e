import { createScaler, type Scaler, type ScalerSpec } from '../../src/scalers/create.js';

/** Most distinct specs a store holds. */
export const MAX_SPECS = 65536;

/** {@link SpecTable.compactKind}: fits with a scaler object. */
export const NOT_COMPACT = 0;
/** {@link SpecTable.compactKind}: fits in a compact row, zero spread gives scale 1. */
export const COMPACT_UNIT = 1;
/** {@link SpecTable.compactKind}: fits in a compact row, zero spread gives NaN. */
export const COMPACT_NAN = 2;

/**
 * The distinct scaler specs of a store, by index: series share specs, so each series keeps a small
 * index instead of its spec. Says which specs fit compactly (a standard scaler whose options are
 * defaults, but for `zeroSpread`).
 *
 * Interning a spec costs one `JSON.stringify`, except when it is the same object as the last one
 * (the usual case: every series gets the operator's one spec). A spec is checked (it builds a
 * scaler) before it gets an index, so a bad spec changes nothing.
 */
export class SpecTable {
  private readonly specs: ScalerSpec[] = [];
  private readonly compact: number[] = [];
  private readonly byKey = new Map<string, number>();
  private lastSpec: ScalerSpec | undefined;
  private lastId = 0;
  /**
   * Whether some spec is {@link COMPACT_NAN}: until one is, a compact fit's zero-spread rule is
   * known without looking up its spec (the per-reading step stays small enough to inline).
   */
  anyCompactNan = false;

  /** The index of `spec` (by content), added if new; throws for a bad spec or past {@link MAX_SPECS}. */
  intern(spec: ScalerSpec): number {
    if (spec === this.lastSpec) return this.lastId;
    const key = JSON.stringify(spec);
    let id = this.byKey.get(key);
    if (id === undefined) {
      createScaler(spec); // throws for a bad spec, before anything changes
      id = this.specs.length;
      if (id >= MAX_SPECS) throw new RangeError(`SeriesStore: more than ${MAX_SPECS} distinct scaler specs`);
      this.specs.push(spec);
      const kind = compactKindOf(spec);
      this.compact.push(kind);
      if (kind === COMPACT_NAN) this.anyCompactNan = true;
      this.byKey.set(key, id);
    }
    this.lastSpec = spec;
    this.lastId = id;
    return id;
  }

  /** The spec of an index. */
  spec(id: number): ScalerSpec {
    return this.specs[id] as ScalerSpec;
  }

  /** A new scaler of an index's spec. */
  create(id: number): Scaler {
    return createScaler(this.specs[id] as ScalerSpec);
  }

  /** {@link NOT_COMPACT}, {@link COMPACT_UNIT} or {@link COMPACT_NAN}. */
  compactKind(id: number): number {
    return this.compact[id] as number;
  }
}

function compactKindOf(spec: ScalerSpec): number {
  if (spec.kind !== 'standard') return NOT_COMPACT;
  for (const [k, v] of Object.entries(spec)) {
    if (v === undefined || k === 'kind') continue;
    if (k === 'zeroSpread' && (v === 'unit' || v === 'nan')) continue;
    if ((k === 'withMean' || k === 'withStd') && v === true) continue;
    if (k === 'pre' && v === 'none') continue;
    return NOT_COMPACT;
  }
  return spec.zeroSpread === 'nan' ? COMPACT_NAN : COMPACT_UNIT;
}
