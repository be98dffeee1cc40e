/**
 * The population stability index of a window of values against the training window's deciles: the
 * shape check of the drift alarms, which sees a change of spread or shape, not only of the mean.
 *
 * `PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ)` over the bins, with `eᵢ` the training share of bin i and `aᵢ`
 * the window's. The usual reading: below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a
 * major one. An empty bin would make the logarithm infinite: shares are floored at
 * {@link PSI_FLOOR} (1e-4, a common choice), so one empty bin adds at most about `e · ln(e / 1e-4)`.
 */

/** The floor of a bin's share (an empty bin counts as this share). */
export const PSI_FLOOR = 1e-4;
/** PSI above this is a moderate shift. */
export const PSI_MODERATE = 0.1;
/** PSI above this is a major shift (the alarm). */
export const PSI_MAJOR = 0.25;

/** Bins of a training window: edges strictly increasing, and each bin's training share. */
export interface PsiBins {
  /** Upper edges of all bins but the last: bin j is `(edges[j−1], edges[j]]`, the last `(edges[m−1], ∞)`. */
  edges: Float64Array;
  /** Training share of each bin (`edges.length + 1` of them, summing to 1). */
  expected: Float64Array;
}

/**
 * The bins of a training window from its quantile function: the deciles (10 %, …, 90 %) as edges.
 * Tied deciles (a value that fills more than a tenth of the window) merge: one edge, and the bin
 * ending at it takes the share of every decile tied there.
 *
 * @example
 * ```ts
 * import { psiBins } from 'streamnorm';
 * const b = psiBins((p) => (p <= 0.3 ? 0 : p)); // 30 % of the window is exactly 0
 * Array.from(b.edges); // => [0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
 * b.expected[0]; // => 0.3
 * ```
 */
export function psiBins(quantile: (p: number) => number, bins = 10): PsiBins {
  const edges: number[] = [];
  const tenths: number[] = []; // decile positions per bin
  for (let i = 1; i < bins; i++) {
    const q = quantile(i / bins);
    if (edges.length > 0 && q <= (edges[edges.length - 1] as number)) tenths[tenths.length - 1] = (tenths[tenths.length - 1] as number) + 1;
    else {
      edges.push(q);
      tenths.push(1);
    }
  }
  tenths.push(1);
  return { edges: Float64Array.from(edges), expected: Float64Array.from(tenths, (t) => t / bins) };
}

/**
 * The bin of `x`: the first `j` with `x ≤ edges[j]`, else `edges.length` (binary search).
 *
 * @example
 * ```ts
 * import { psiBin } from 'streamnorm';
 * const edges = new Float64Array([1, 2, 3]);
 * [psiBin(edges, 0.5), psiBin(edges, 2), psiBin(edges, 2.5), psiBin(edges, 9)]; // => [0, 1, 2, 3]
 * ```
 */
export function psiBin(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= (edges[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * PSI of a window given as counts per bin against the training shares (both floored at
 * {@link PSI_FLOOR}).
 *
 * @example
 * ```ts
 * import { psi } from 'streamnorm';
 * psi(new Float64Array([0.5, 0.5]), [50, 50]); // => 0
 * Math.round(psi(new Float64Array([0.5, 0.5]), [80, 20]) * 1e6) / 1e6; // => 0.415888
 * ```
 */
export function psi(expected: Float64Array, counts: ArrayLike<number>, floor = PSI_FLOOR): number {
  let total = 0;
  for (let j = 0; j < counts.length; j++) total += counts[j] as number;
  if (total === 0) return 0;
  let sum = 0;
  for (let j = 0; j < expected.length; j++) {
    const e = Math.max(expected[j] as number, floor);
    const a = Math.max((counts[j] as number) / total, floor);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}
