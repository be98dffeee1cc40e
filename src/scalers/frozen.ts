import { quantileForward, quantileInverse, type QuantileMap } from './quantile-map.js';

/** The scaler kinds of the core. */
export type ScalerKind = 'standard' | 'minmax' | 'maxabs' | 'robust' | 'quantile';

/** A pre-transform applied before learning and transforming: none, natural log, or log(1 + x). */
export type PreTransform = 'none' | 'log' | 'log1p';

/**
 * What a zero spread (a stuck sensor: all values equal) does to the scale.
 * - `unit` (default, as scikit-learn): scale 1, so outputs are `x − center` (0 for the stuck value).
 * - `nan`: outputs are NaN, so a stuck sensor cannot pass for a healthy one downstream.
 */
export type ZeroSpreadPolicy = 'unit' | 'nan';

/**
 * Fixed statistics of one series: the immutable map a frozen scaler applies.
 *
 * Affine kinds: `transform(x) = clip((pre(x) − center) · invScale + offset)` and
 * `inverse(y) = unpre((y − offset) · scale + center)`.
 * The quantile kind is not affine: `transform(x) = clip(map(pre(x)) · invScale)` with its
 * {@link FrozenParams.quantileMap}; its `center` is NaN (so code that reads the parameters as an
 * affine map gets NaN, never a plausible wrong number), `scale` 1, `offset` 0, and `invScale` 1, or
 * NaN under the `nan` zero-spread policy.
 */
export interface FrozenParams {
  readonly kind: ScalerKind;
  readonly pre: PreTransform;
  /** Subtracted first (mean, median, data minimum, or 0); NaN for the quantile kind. */
  readonly center: number;
  /** The spread divided by (1 when zero spread under the `unit` policy). */
  readonly scale: number;
  /** 1 / scale, or NaN under the `nan` zero-spread policy. */
  readonly invScale: number;
  /** Added after scaling (the lower end of a min-max feature range, else 0). */
  readonly offset: number;
  /** Output bounds [lo, hi] in output units (the `clip` option of every kind), else undefined. */
  readonly clip: readonly [number, number] | undefined;
  /** True when the fitted spread was zero (or below the resolution of the values). */
  readonly zeroSpread: boolean;
  /** Valid values the statistics were fitted on. */
  readonly count: number;
  /**
   * Missing values (NaN, null) refused in the fitting window. scikit-learn's `MinMaxScaler` and
   * `MaxAbsScaler` count them in `n_samples_seen_`; its `StandardScaler` does not.
   */
  readonly missing: number;
  /** Statistics version: 1 for the first freeze, +1 for each refit. */
  readonly version: number;
  /**
   * Mean and population standard deviation of the (pre-transformed) training values, for every
   * kind (a drift alarm compares live values with them); NaN when unknown (imported min-max,
   * max-abs or robust attributes, older snapshots). Absent only on parameters not built by a
   * scaler.
   */
  readonly trainMean?: number;
  /** See {@link FrozenParams.trainMean}. */
  readonly trainStd?: number;
  /** The quantile kind's map (scikit-learn's `quantiles_`, `references_`); undefined for affine kinds. */
  readonly quantileMap?: QuantileMap;
}

/**
 * Applies frozen statistics to one value; NaN in gives NaN out, as does a value outside the
 * pre-transform's domain.
 *
 * @example
 * ```ts
 * import { StandardScaler, applyFrozen } from 'streamnorm';
 * const frozen = new StandardScaler().learnMany([1, 2, 3, 4, 5]).freeze();
 * applyFrozen(frozen, 3); // => 0
 * ```
 */
export function applyFrozen(p: FrozenParams, x: number): number {
  const y = unclipped(p, x);
  return p.clip === undefined ? y : clipTo(p.clip, y);
}

/** `y` limited to `[lo, hi]` (NaN stays NaN): the one place the clip is written. (Internal.) */
export function clipTo(clip: readonly [number, number], y: number): number {
  return y < clip[0] ? clip[0] : y > clip[1] ? clip[1] : y;
}

/** The transform before the clip. */
function unclipped(p: FrozenParams, x: number): number {
  const v = p.pre === 'none' ? x : preTransform(p.pre, x); // the test here keeps hot loops within V8's inlining budget
  if (p.quantileMap !== undefined) return quantileForward(p.quantileMap, v) * p.invScale;
  return affine(v, p.center, p.invScale, p.offset);
}

/**
 * Whether {@link applyFrozen}`(p, x)` was limited by `p.clip`: true when the output before the
 * clip lay outside [lo, hi] (a value exactly at a bound was not clipped). For counting and flagging
 * clipped outputs; false when `p.clip` is undefined or the output is NaN.
 *
 * @example
 * ```ts
 * import { StandardScaler, applyFrozen, wasClipped } from 'streamnorm';
 * const frozen = new StandardScaler({ clip: [-1, 1] }).learnMany([1, 2, 3, 4, 5]).freeze();
 * applyFrozen(frozen, 9); // => 1
 * wasClipped(frozen, 9); // => true
 * wasClipped(frozen, 3); // => false
 * ```
 */
export function wasClipped(p: FrozenParams, x: number): boolean {
  if (p.clip === undefined) return false;
  const y = unclipped(p, x);
  return y < p.clip[0] || y > p.clip[1];
}

/**
 * The affine step of every frozen transform, `(x − center) · invScale + offset`: the one place this
 * formula is written, so the operators' fast paths compute what {@link applyFrozen} computes, bit for
 * bit. (Internal: not exported from the package.)
 */
export function affine(x: number, center: number, invScale: number, offset: number): number {
  return (x - center) * invScale + offset;
}

/**
 * The pre-transform of a value: itself, `ln x` or `ln(1 + x)`; NaN outside the domain (x <= 0 for
 * log, x <= −1 for log1p). The one place the pre-transform is written. (Internal.)
 */
export function preTransform(pre: PreTransform, x: number): number {
  return pre === 'none' ? x : pre === 'log' ? (x > 0 ? Math.log(x) : NaN) : x > -1 ? Math.log1p(x) : NaN;
}

/**
 * Maps a normalized value back to the raw scale with frozen statistics (a model's output, say).
 * A clipped output maps back to the raw value of its bound.
 *
 * @example
 * ```ts
 * import { StandardScaler, invertFrozen } from 'streamnorm';
 * const frozen = new StandardScaler().learnMany([1, 2, 3, 4, 5]).freeze();
 * invertFrozen(frozen, 0); // => 3
 * ```
 */
export function invertFrozen(p: FrozenParams, y: number): number {
  const v = p.quantileMap !== undefined ? quantileInverse(p.quantileMap, y) : (y - p.offset) * p.scale + p.center;
  return p.pre === 'none' ? v : p.pre === 'log' ? Math.exp(v) : Math.expm1(v);
}

/**
 * Whether a spread counts as zero: exactly 0, or under 10 ulps of the location, where values
 * differ only by rounding. Unlike scikit-learn's variance rule this does not fire on real but
 * small spreads at large offsets (1e9 ± 1e-3). The compact fits' per-reading step writes this rule
 * out (`CompactRows.step`); a test holds its outputs to a `StandardScaler`'s, bit for bit.
 *
 * @example
 * ```ts
 * import { isZeroSpread } from 'streamnorm';
 * isZeroSpread(0, 5); // => true
 * isZeroSpread(1e-3, 1e9); // => false
 * isZeroSpread(1e-8, 1e9); // => true
 * ```
 */
export function isZeroSpread(spread: number, location: number): boolean {
  return !(spread > 10 * Number.EPSILON * Math.abs(location)) || spread === 0;
}
