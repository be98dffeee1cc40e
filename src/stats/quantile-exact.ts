/**
 * The q-quantile (0 <= q <= 1) of ascending sorted values by linear interpolation, exactly as
 * numpy's default (`method='linear'`), including its rounding: the virtual index is `(n−1)·q` and
 * the interpolation is `a + (b−a)·t` for `t < 0.5`, `b − (b−a)·(1−t)` otherwise.
 *
 * Semantics: NaN for an empty array; the caller guarantees finite, sorted values.
 *
 * @example
 * ```ts
 * import { sortedQuantile } from 'streamnorm';
 * sortedQuantile([1, 2, 3, 4], 0.5); // => 2.5
 * sortedQuantile([1, 2, 3, 4], 0.25); // => 1.75
 * ```
 */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`sortedQuantile: q must be in [0, 1], got ${q}`);
  const virtual = (n - 1) * q;
  const lo = Math.floor(virtual);
  const a = sorted[lo] as number;
  if (lo >= n - 1) return sorted[n - 1] as number;
  const b = sorted[lo + 1] as number;
  const t = virtual - lo;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
