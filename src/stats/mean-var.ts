import { COUNT, M2, MEAN_SHIFTED, MEAN_VAR_ROW, meanVarRowAddToSum, meanVarRowMean, meanVarRowUpdate, meanVarRowVariance, SHIFT, SUM_HI, SUM_LO, type MeanVarRows } from './mean-var-row.js';

/**
 * Mean and variance of a stream, mergeable and accurate at large offsets.
 *
 * Under the hood: values are shifted by a reference value (the first one seen) before a Welford
 * update (Welford 1962), so data such as 1e9 ± 1e-3 keeps ~1e-14 relative accuracy where plain
 * Welford loses ~1e-6. The mean is a Neumaier-compensated sum of the values divided by the count,
 * which keeps it within a few ulps of the exactly rounded mean whatever the first value was.
 * Two partial states merge with Chan, Golub & LeVeque's pairwise formula (1979), so fits made in
 * different places combine as if one had seen all values.
 *
 * Semantics: `update` takes finite numbers only and throws a `RangeError` otherwise (scalers filter
 * and count invalid values before they get here). With no values the mean and variance are NaN;
 * with `n <= ddof` the variance is NaN. Population variance (`ddof = 0`) by default.
 *
 * @example
 * ```ts
 * import { MeanVar } from 'streamnorm';
 * const a = new MeanVar().updateMany([1, 2, 3]);
 * const b = new MeanVar().updateMany([4, 5]);
 * a.merge(b);
 * a.count; // => 5
 * a.mean; // => 3
 * a.variance(); // => 2
 * a.variance(1); // => 2.5
 * ```
 */
export class MeanVar {
  /** The state as one row of {@link MEAN_VAR_ROW} doubles (the layout a keyed store keeps per series). */
  private readonly row = emptyRow();

  /** Number of values seen. */
  get count(): number {
    return this.row[COUNT] as number;
  }

  /** Adds one finite value. */
  update(x: number): this {
    if (x - x !== 0) throw notFinite(x); // the message built elsewhere: a small update inlines into callers' loops
    meanVarRowUpdate(this.row, 0, x);
    return this;
  }

  /** Adds every value of `xs` (all must be finite). */
  updateMany(xs: ArrayLike<number>): this {
    for (let i = 0; i < xs.length; i++) this.update(xs[i] as number);
    return this;
  }

  /** The mean, NaN when empty. */
  get mean(): number {
    return meanVarRowMean(this.row, 0);
  }

  /** Variance with `ddof` delta degrees of freedom (0: population, 1: sample); NaN when `count <= ddof`. */
  variance(ddof = 0): number {
    return meanVarRowVariance(this.row, 0, ddof);
  }

  /** Merges `other` into this, as if this had seen its values too. `other` is left unchanged. */
  merge(other: MeanVar): this {
    const a = this.row;
    const b = other.row;
    const nB = b[COUNT] as number;
    if (nB === 0) return this;
    const nA = a[COUNT] as number;
    if (nA === 0) {
      for (let i = 0; i < MEAN_VAR_ROW; i++) a[i] = b[i] as number;
      return this;
    }
    const n = nA + nB;
    const meanBHere = (b[SHIFT] as number) - (a[SHIFT] as number) + (b[MEAN_SHIFTED] as number);
    const delta = meanBHere - (a[MEAN_SHIFTED] as number);
    a[M2] = (a[M2] as number) + (b[M2] as number) + (delta * delta * nA * nB) / n;
    a[MEAN_SHIFTED] = (a[MEAN_SHIFTED] as number) + (delta * nB) / n;
    meanVarRowAddToSum(a, 0, b[SUM_HI] as number);
    meanVarRowAddToSum(a, 0, b[SUM_LO] as number);
    a[COUNT] = n;
    return this;
  }

  /** The complete internal state, for snapshots; {@link MeanVar.fromState} restores it exactly. */
  toState(): MeanVarState {
    return MeanVar.rowState(this.row, 0);
  }

  /** The state of a row of an array laid out as {@link MEAN_VAR_ROW} (a keyed store's compact fit). */
  static rowState(a: MeanVarRows, at: number): MeanVarState {
    return { count: a[at + COUNT] as number, shift: a[at + SHIFT] as number, sumHi: a[at + SUM_HI] as number, sumLo: a[at + SUM_LO] as number, meanShifted: a[at + MEAN_SHIFTED] as number, m2: a[at + M2] as number };
  }

  /**
   * Restores a state written by {@link MeanVar.toState}.
   * Throws a `RangeError` for a negative or non-integer count, a negative M2, or non-finite fields.
   */
  static fromState(state: MeanVarState): MeanVar {
    const { count, shift, sumHi, sumLo, meanShifted, m2 } = state;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`MeanVar state: count must be a non-negative integer, got ${String(count)}`);
    // Field by field, not a loop over Object.entries: this runs at every freeze of a keyed store's
    // compact fit, and the loop's arrays were about 490 bytes of garbage each time.
    finiteField('shift', shift);
    finiteField('sumHi', sumHi);
    finiteField('sumLo', sumLo);
    finiteField('meanShifted', meanShifted);
    finiteField('m2', m2);
    if (m2 < 0) throw new RangeError(`MeanVar state: m2 (sum of squared deviations) must be >= 0, got ${m2}`);
    const mv = new MeanVar();
    const row = mv.row;
    row[COUNT] = count;
    row[SHIFT] = shift;
    row[SUM_HI] = sumHi;
    row[SUM_LO] = sumLo;
    row[MEAN_SHIFTED] = meanShifted;
    row[M2] = m2;
    return mv;
  }

  /**
   * Builds a state from summary statistics (as scikit-learn exports them): count, mean and
   * population variance. Merging and further updates work; accuracy is that of the inputs.
   */
  static fromMoments(count: number, mean: number, variance: number): MeanVar {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`MeanVar.fromMoments: count must be a non-negative integer, got ${count}`);
    if (count > 0 && !Number.isFinite(mean)) throw new RangeError(`MeanVar.fromMoments: mean must be finite, got ${mean}`);
    if (count > 0 && !(variance >= 0 && Number.isFinite(variance))) {
      throw new RangeError(`MeanVar.fromMoments: variance must be a finite number >= 0, got ${variance}`);
    }
    const mv = new MeanVar();
    if (count === 0) return mv;
    const sumHi = mean * count;
    setRow(mv.row, [count, mean, sumHi, productError(mean, count, sumHi), 0, variance * count]);
    return mv;
  }
}

/** One row of zeros, its elements doubles from the start and no room beyond the row. */
/** The error of {@link MeanVar.update} for a value that is not finite. */
function notFinite(x: number): RangeError {
  return new RangeError(`MeanVar.update requires a finite number, got ${String(x)}`);
}

function emptyRow(): MeanVarRows {
  const row = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
  for (let i = 0; i < MEAN_VAR_ROW; i++) row[i] = 0;
  return row;
}

/** Throws the `RangeError` of {@link MeanVar.fromState} unless `v` is a finite number. */
function finiteField(name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`MeanVar state: ${name} must be a finite number, got ${String(v)}`);
}

function setRow(row: MeanVarRows, values: readonly number[]): void {
  for (let i = 0; i < MEAN_VAR_ROW; i++) row[i] = values[i] as number;
}

/** The rounding error of `p = a · b` (Dekker's TwoProduct), so a · b = p + error exactly. */
function productError(a: number, b: number, p: number): number {
  const split = (x: number): [number, number] => {
    const c = 134217729 * x; // 2^27 + 1
    const hi = c - (c - x);
    return [hi, x - hi];
  };
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** Serializable internal state of a {@link MeanVar}. */
export interface MeanVarState {
  count: number;
  shift: number;
  sumHi: number;
  sumLo: number;
  meanShifted: number;
  m2: number;
}
