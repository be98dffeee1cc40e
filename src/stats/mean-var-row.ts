/**
 * The arithmetic of {@link MeanVar} on a row of doubles in an array, so that a keyed store can keep
 * millions of fits in one array instead of one object each. `MeanVar` itself runs on a one-row
 * array, so both give the same numbers bit for bit.
 *
 * The rows are plain arrays of doubles ({@link MeanVarRows}), not `Float64Array`s: a JS array of
 * doubles stores them as compactly (8 bytes each), while a `Float64Array` of one row costs about
 * 250 bytes of objects around its 48 (a `MeanVar` per scaler pays that). Both users pass the same
 * element kind, so the functions below stay monomorphic.
 *
 * Row layout ({@link MEAN_VAR_ROW} doubles from `at`): count, shift (the first value), compensated
 * sum of the values (high, low), Welford mean of the shifted values, sum of squared deviations.
 */

/** Rows of doubles: a packed JS array of numbers (see {@link newMeanVarRows}). */
export type MeanVarRows = number[];

/** An empty array of rows whose elements are doubles from the start (no element-kind change later). */
export function newMeanVarRows(): MeanVarRows {
  const a = [0.5];
  a.pop();
  return a;
}

/** Doubles per row. */
export const MEAN_VAR_ROW = 6;
/**
 * Field offsets within a row. The formulas below write them as numbers (named in a comment): a
 * module constant costs V8 a load and a hole check each time, and callers' budget for inlining is
 * counted in bytecode (a call left in boxes the doubles it passes).
 */
export const COUNT = 0;
export const SHIFT = 1;
export const SUM_HI = 2;
export const SUM_LO = 3;
export const MEAN_SHIFTED = 4;
export const M2 = 5;

/** Adds one finite value to the row at `at` (the caller has checked it is finite). */
export function meanVarRowUpdate(a: MeanVarRows, at: number, x: number): void {
  let n = a[at] as number;
  if (n === 0) a[at + 1 /* SHIFT */] = x;
  const d = x - (a[at + 1 /* SHIFT */] as number);
  meanVarRowAddToSum(a, at, x);
  a[at] = ++n;
  const m = a[at + 4 /* MEAN_SHIFTED */] as number;
  const delta = d - m;
  const m2 = m + delta / n;
  a[at + 4 /* MEAN_SHIFTED */] = m2;
  a[at + 5 /* M2 */] = (a[at + 5 /* M2 */] as number) + delta * (d - m2);
}

/** The mean of the row's values (NaN when empty). */
export function meanVarRowMean(a: MeanVarRows, at: number): number {
  const n = a[at] as number;
  return n === 0 ? NaN : ((a[at + 2 /* SUM_HI */] as number) + (a[at + 3 /* SUM_LO */] as number)) / n;
}

/** The variance with `ddof` delta degrees of freedom (NaN when `count <= ddof`). */
export function meanVarRowVariance(a: MeanVarRows, at: number, ddof: number): number {
  const n = a[at] as number;
  return n <= ddof ? NaN : (a[at + 5 /* M2 */] as number) / (n - ddof);
}

/** Neumaier's compensated addition of `x` into the row's sum. */
export function meanVarRowAddToSum(a: MeanVarRows, at: number, x: number): void {
  const s = a[at + 2 /* SUM_HI */] as number;
  const t = s + x;
  a[at + 3 /* SUM_LO */] = (a[at + 3 /* SUM_LO */] as number) + (Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s);
  a[at + 2 /* SUM_HI */] = t;
}
