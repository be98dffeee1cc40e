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
  /** Number of values seen. */
  count = 0;
  /** The reference value subtracted before accumulating (the first value seen). */
  shift = 0;
  /** Compensated sum of the values: high part. */
  private sumHi = 0;
  /** Compensated sum of the values: running compensation. */
  private sumLo = 0;
  /** Welford running mean of shifted values. */
  private meanShifted = 0;
  /** Sum of squared deviations from the mean. */
  private m2 = 0;

  /** Adds one finite value. */
  update(x: number): this {
    if (x - x !== 0) throw new RangeError(`MeanVar.update requires a finite number, got ${String(x)}`);
    if (this.count === 0) this.shift = x;
    const d = x - this.shift;
    this.addToSum(x);
    const n = ++this.count;
    const delta = d - this.meanShifted;
    this.meanShifted += delta / n;
    this.m2 += delta * (d - this.meanShifted);
    return this;
  }

  /** Adds every value of `xs` (all must be finite). */
  updateMany(xs: ArrayLike<number>): this {
    for (let i = 0; i < xs.length; i++) this.update(xs[i] as number);
    return this;
  }

  /** The mean, NaN when empty. */
  get mean(): number {
    if (this.count === 0) return NaN;
    return (this.sumHi + this.sumLo) / this.count;
  }

  /** Sum of squared deviations from the mean (M2). */
  get sumSquaredDeviations(): number {
    return this.m2;
  }

  /** Variance with `ddof` delta degrees of freedom (0: population, 1: sample); NaN when `count <= ddof`. */
  variance(ddof = 0): number {
    if (this.count <= ddof) return NaN;
    return this.m2 / (this.count - ddof);
  }

  /** Merges `other` into this, as if this had seen its values too. `other` is left unchanged. */
  merge(other: MeanVar): this {
    if (other.count === 0) return this;
    if (this.count === 0) {
      this.copyFrom(other);
      return this;
    }
    const nA = this.count;
    const nB = other.count;
    const n = nA + nB;
    const shiftDiff = other.shift - this.shift;
    const meanBHere = shiftDiff + other.meanShifted;
    const delta = meanBHere - this.meanShifted;
    this.m2 += other.m2 + ((delta * delta) * nA * nB) / n;
    this.meanShifted += (delta * nB) / n;
    this.addToSum(other.sumHi);
    this.addToSum(other.sumLo);
    this.count = n;
    return this;
  }

  /** A deep copy. */
  clone(): MeanVar {
    return new MeanVar().copyFrom(this);
  }

  /** The complete internal state, for snapshots; {@link MeanVar.fromState} restores it exactly. */
  toState(): MeanVarState {
    return { count: this.count, shift: this.shift, sumHi: this.sumHi, sumLo: this.sumLo, meanShifted: this.meanShifted, m2: this.m2 };
  }

  /**
   * Restores a state written by {@link MeanVar.toState}.
   * Throws a `RangeError` for a negative or non-integer count, a negative M2, or non-finite fields.
   */
  static fromState(state: MeanVarState): MeanVar {
    const { count, shift, sumHi, sumLo, meanShifted, m2 } = state;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`MeanVar state: count must be a non-negative integer, got ${String(count)}`);
    for (const [name, v] of Object.entries({ shift, sumHi, sumLo, meanShifted, m2 })) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`MeanVar state: ${name} must be a finite number, got ${String(v)}`);
    }
    if (m2 < 0) throw new RangeError(`MeanVar state: m2 (sum of squared deviations) must be >= 0, got ${m2}`);
    const mv = new MeanVar();
    Object.assign(mv, { count, shift, sumHi, sumLo, meanShifted, m2 });
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
    mv.count = count;
    mv.shift = mean;
    mv.sumHi = mean * count;
    mv.sumLo = productError(mean, count, mv.sumHi);
    mv.m2 = variance * count;
    return mv;
  }

  private copyFrom(o: MeanVar): this {
    this.count = o.count;
    this.shift = o.shift;
    this.sumHi = o.sumHi;
    this.sumLo = o.sumLo;
    this.meanShifted = o.meanShifted;
    this.m2 = o.m2;
    return this;
  }

  /** Neumaier's compensated addition into (sumHi, sumLo). */
  private addToSum(x: number): void {
    const s = this.sumHi;
    const t = s + x;
    this.sumLo += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
    this.sumHi = t;
  }
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
