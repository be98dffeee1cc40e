import { erfc, normalPpf } from '../stats/normal-ppf.js';
import { sortedQuantile } from '../stats/quantile-exact.js';

/**
 * The quantile transform's map (scikit-learn's `QuantileTransformer` for one feature), the one
 * home of its arithmetic: building `quantiles_`/`references_`, the forward map and its inverse.
 * `applyFrozen`/`invertFrozen` (frozen.ts) call it; nothing else does.
 *
 * Hand-written because no JavaScript library reproduces numpy's `interp` and scikit-learn's
 * bounds rules bit for bit, which the references (quantile.json) check to 1e-12.
 */

/** A fitted quantile map of one series: what {@link FrozenParams.quantileMap} holds. */
export interface QuantileMap {
  /** Non-decreasing values at the reference probabilities (scikit-learn's `quantiles_`). */
  readonly quantiles: readonly number[];
  /** Increasing probabilities in [0, 1], as many as `quantiles` (scikit-learn's `references_`). */
  readonly references: readonly number[];
  /** The output distribution: `uniform` on [0, 1], or standard `normal`. */
  readonly output: 'uniform' | 'normal';
}

/** scikit-learn's BOUNDS_THRESHOLD: how close to the ends of the map a value counts as at them. */
const BOUNDS = 1e-7;

/**
 * Bounds of the normal output where scikit-learn clips: scipy's `norm.ppf(1e-7 − 2⁻⁵²)` and
 * `norm.ppf(1 − (1e-7 − 2⁻⁵²))`. They differ in the 10th digit because `1 − (1e-7 − 2⁻⁵²)` rounds
 * to a double whose distance from 1 is not 1e-7 − 2⁻⁵². Constants, so clipped outputs match bit
 * for bit (our `normalPpf` gives both to 1e-15). (Internal.)
 */
export const NORMAL_LOW = -5.199337582605575;
/** See {@link NORMAL_LOW}. (Internal.) */
export const NORMAL_HIGH = 5.19933758270342;

/** numpy's `linspace(0, 1, n)`: i · (1/(n − 1)), with the last exactly 1. (Internal.) */
export function linspaceReferences(n: number): number[] {
  if (n === 1) return [0];
  const step = 1 / (n - 1);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i * step;
  out[n - 1] = 1;
  return out;
}

/**
 * scikit-learn's `quantiles_` from a quantile function of the data: `np.nanpercentile(x,
 * references·100)` (numpy divides by 100 again: `(r·100)/100`), made non-decreasing by a running
 * maximum. `quantileOf` is numpy's linear quantile of the kept values, or a sketch's estimate.
 * (Internal.)
 */
export function quantilesAt(references: readonly number[], quantileOf: (q: number) => number): number[] {
  const out = new Array<number>(references.length);
  let max = -Infinity;
  for (let i = 0; i < references.length; i++) {
    const q = Math.min(1, ((references[i] as number) * 100) / 100);
    const v = quantileOf(q);
    max = v > max ? v : max;
    out[i] = max;
  }
  return out;
}

/** numpy's linear quantile of sorted values, for {@link quantilesAt}. (Internal.) */
export const sortedQuantileOf =
  (sorted: ArrayLike<number>) =>
  (q: number): number =>
    sortedQuantile(sorted, q);

/** Negated, reversed copies for the descending interpolation, computed once per map. */
const DESCENDING = new WeakMap<QuantileMap, { xs: Float64Array; ys: Float64Array }>();

function descending(m: QuantileMap): { xs: Float64Array; ys: Float64Array } {
  let d = DESCENDING.get(m);
  if (d === undefined) {
    const n = m.quantiles.length;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = -(m.quantiles[n - 1 - i] as number);
      ys[i] = -(m.references[n - 1 - i] as number);
    }
    d = { xs, ys };
    DESCENDING.set(m, d);
  }
  return d;
}

/**
 * numpy's `interp(x, xp, fp)` for one finite x, with its exact operations: the last index j with
 * xp[j] <= x; fp[j] at a knot; else `slope·(x − xp[j]) + fp[j]` with
 * `slope = (fp[j+1] − fp[j]) / (xp[j+1] − xp[j])`; fp's ends outside xp.
 */
function interp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length;
  if (n === 1 || !(x <= (xp[n - 1] as number))) return fp[n - 1] as number;
  if (x < (xp[0] as number)) return fp[0] as number;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x >= (xp[mid] as number)) lo = mid + 1;
    else hi = mid;
  }
  const j = lo - 1;
  const xj = xp[j] as number;
  if (j === n - 1 || xj === x) return fp[j] as number;
  const x1 = xp[j + 1] as number;
  const yj = fp[j] as number;
  const y1 = fp[j + 1] as number;
  const slope = (y1 - yj) / (x1 - xj);
  const y = slope * (x - xj) + yj;
  if (y === y) return y;
  const back = slope * (x - x1) + y1;
  return back !== back && yj === y1 ? yj : back;
}

/**
 * The forward map of one pre-transformed value, as scikit-learn's `transform`: the mean of the
 * interpolations over ascending and descending quantiles (ties land mid-range); values at (or,
 * for normal output, within 1e-7 of) the ends map to 0 and 1; then, for normal output, Φ⁻¹
 * clipped at [NORMAL_LOW, NORMAL_HIGH]. NaN stays NaN. (Internal.)
 */
export function quantileForward(m: QuantileMap, x: number): number {
  if (x !== x) return NaN;
  const q = m.quantiles;
  const first = q[0] as number;
  const last = q[q.length - 1] as number;
  const normal = m.output === 'normal';
  let u: number;
  if (normal ? x - BOUNDS < first : x === first) u = 0;
  else if (normal ? x + BOUNDS > last : x === last) u = 1;
  else {
    const d = descending(m);
    u = 0.5 * (interp(x, q, m.references) - interp(-x, d.xs, d.ys));
  }
  if (!normal) return u;
  // Φ⁻¹ by symmetry above 1/2, where 1 − u is exact, as scipy's ndtri works from 1 − u in the upper tail.
  const y = u > 0.5 ? -normalPpf(1 - u) : normalPpf(u);
  return y < NORMAL_LOW ? NORMAL_LOW : y > NORMAL_HIGH ? NORMAL_HIGH : y;
}

/** The inverse map, as scikit-learn's `inverse_transform` (Φ first for normal output). (Internal.) */
export function quantileInverse(m: QuantileMap, y: number): number {
  if (y !== y) return NaN;
  const q = m.quantiles;
  const normal = m.output === 'normal';
  const u = normal ? normalCdf(y) : y;
  if (normal ? u - BOUNDS < 0 : u === 0) return q[0] as number;
  if (normal ? u + BOUNDS > 1 : u === 1) return q[q.length - 1] as number;
  return interp(u, m.references, q);
}

/** The standard normal CDF as scipy's `ndtr`: 0.5 + 0.5·erf(x/√2) near 0, else from erfc. */
function normalCdf(a: number): number {
  const x = a * Math.SQRT1_2;
  const z = Math.abs(x);
  if (z < Math.SQRT1_2) return 0.5 + 0.5 * (1 - erfc(x));
  const y = 0.5 * erfc(z);
  return x > 0 ? 1 - y : y;
}

/**
 * Mean and standard deviation of the distribution whose quantile function is the map's
 * piecewise-linear interpolation (the distribution the transform assumes): for an imported map
 * whose training values are unknown. Each segment is uniform between its two quantiles. (Internal.)
 */
export function quantileMapMoments(m: QuantileMap): { mean: number; std: number } {
  const q = m.quantiles;
  const r = m.references;
  const n = q.length;
  const span = (r[n - 1] as number) - (r[0] as number);
  if (n === 1 || !(span > 0)) return { mean: q[0] as number, std: 0 };
  const shift = q[0] as number;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i + 1 < n; i++) {
    const w = ((r[i + 1] as number) - (r[i] as number)) / span;
    const a = (q[i] as number) - shift;
    const b = (q[i + 1] as number) - shift;
    s1 += (w * (a + b)) / 2;
    s2 += (w * (a * a + a * b + b * b)) / 3;
  }
  return { mean: shift + s1, std: Math.sqrt(Math.max(0, s2 - s1 * s1)) };
}


/**
 * A checked, frozen map from plain arrays (an import or a snapshot): `quantiles` finite and
 * non-decreasing, `references` finite, non-decreasing, within [0, 1], as many. Throws a
 * `RangeError` saying which is wrong. (Internal.)
 */
export function quantileMapOf(quantiles: unknown, references: unknown, output: unknown): QuantileMap {
  const check = (name: string, v: unknown, lo: number, hi: number): number[] => {
    if (!Array.isArray(v) || v.length === 0) throw new RangeError(`${name} must be a non-empty array of numbers`);
    let prev = -Infinity;
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !(x >= lo && x <= hi) || !Number.isFinite(x)) throw new RangeError(`${name}[${i}] must be a finite number in [${lo}, ${hi}], got ${JSON.stringify(x)}`);
      if (x < prev) throw new RangeError(`${name} must be non-decreasing (index ${i}: ${x} < ${prev})`);
      prev = x;
    });
    return v.slice() as number[];
  };
  const q = check('quantiles', quantiles, -Infinity, Infinity);
  const r = check('references', references, 0, 1);
  if (q.length !== r.length) throw new RangeError(`quantiles and references must be as many, got ${q.length} and ${r.length}`);
  if (output !== 'uniform' && output !== 'normal') throw new RangeError(`output must be 'uniform' or 'normal', got ${JSON.stringify(output)}`);
  return Object.freeze({ quantiles: Object.freeze(q), references: Object.freeze(r), output });
}
