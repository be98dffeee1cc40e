import type { ScalerSpec } from '../src/scalers/create.js';

/** Most distinct specs a store holds (spec indexes are kept in 16 bits of a slot's tag). */
export const MAX_SPECS = 65536;

/**
 * The distinct scaler specs of a store, by index: series share specs, so each series keeps a small
 * index instead of its spec. Also says which specs fit compactly.
 *
 * Interning a spec costs one `JSON.stringify`, except when it is the same object as the last one
 * (the usual case: every series gets the operator's one spec).
 */
export class SpecTable {
  /** Distinct specs, by index. */
  readonly specs: ScalerSpec[] = [];
  /**
   * Per index: 0 = fits with a scaler object; 1 or 2 = fits in a compact row (a standard scaler
   * whose options are defaults but `zeroSpread`; 2 for the `nan` zero-spread policy).
   */
  readonly compactKind: number[] = [];
  private readonly byKey = new Map<string, number>();
  private lastSpec: ScalerSpec | undefined;
  private lastId = 0;

  /** The index of `spec` (by content), added if new; throws past {@link MAX_SPECS} specs. */
  intern(spec: ScalerSpec): number {
    if (spec === this.lastSpec) return this.lastId;
    const key = JSON.stringify(spec);
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.specs.length;
      if (id >= MAX_SPECS) throw new RangeError(`SeriesStore: more than ${MAX_SPECS} distinct scaler specs`);
      this.specs.push(spec);
      this.compactKind.push(compactKindOf(spec));
      this.byKey.set(key, id);
    }
    this.lastSpec = spec;
    this.lastId = id;
    return id;
  }
}

/** 1 or 2 when a spec fits in a compact row (2: `zeroSpread: 'nan'`), else 0. */
function compactKindOf(spec: ScalerSpec): number {
  if (spec.kind !== 'standard') return 0;
  for (const [k, v] of Object.entries(spec)) {
    if (v === undefined || k === 'kind') continue;
    if (k === 'zeroSpread' && (v === 'unit' || v === 'nan')) continue;
    if ((k === 'withMean' || k === 'withStd') && v === true) continue;
    if (k === 'pre' && v === 'none') continue;
    return 0;
  }
  return spec.zeroSpread === 'nan' ? 2 : 1;
}
