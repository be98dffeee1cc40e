/** Options of {@link ExpMoments}: exactly one of `alpha` or `halfLife`. */
export type ExpMomentsOptions =
  | { alpha: number; halfLife?: undefined }
  | { halfLife: number; alpha?: undefined };

/**
 * Exponentially weighted mean and variance, per sample or in event time.
 *
 * With `alpha` every value gets weight `alpha` (pandas `ewm(alpha, adjust=False)`, `var(bias=True)`).
 * With `halfLife` (in the same unit as the timestamps passed to `update`) the weight of a value
 * depends on the time since the previous one, `alpha = 1 - 2^(-dt / halfLife)`, which serves
 * irregular sampling: a gap of one half-life halves the weight of everything before it.
 *
 * Under the hood: the incremental form `mean += a·d; var = (1 − a)(var + a·d²)` with
 * `d = x − mean` (stable; the E[x²] − E[x]² form is not). The mean is kept as an unevaluated
 * sum of two doubles (hi + lo), so at offsets like 1e9 ± 1e-3 the deviations keep their digits
 * (pandas loses ~1e-8 relative in the variance there) and small means stay exact too.
 *
 * Semantics: the first value sets the mean, variance 0. Non-finite values and timestamps throw a
 * `RangeError` (scalers filter them first). A timestamp older than the previous one counts as
 * `dt = 0` (the value is weighted as if simultaneous) and is counted in `outOfOrder`.
 * Before any value, `mean` and `variance` are NaN.
 *
 * @example
 * ```ts
 * import { ExpMoments } from 'streamnorm';
 * const m = new ExpMoments({ alpha: 0.5 });
 * m.update(10);
 * m.update(20);
 * m.mean; // => 15
 * m.variance; // => 25
 * ```
 */
export class ExpMoments {
  /** Number of values seen. */
  count = 0;
  /** The mean is kept as the unevaluated sum meanHi + meanLo. */
  private meanHi = NaN;
  private meanLo = 0;
  /** Current exponentially weighted population variance (NaN before the first value). */
  variance = NaN;
  /** Timestamp of the latest value (half-life mode). */
  lastTime = NaN;
  /** Values whose timestamp was older than the previous one (half-life mode). */
  outOfOrder = 0;
  /** The fixed weight, or undefined in half-life mode. */
  readonly alpha: number | undefined;
  /** The half-life, or undefined in alpha mode. */
  readonly halfLife: number | undefined;

  /** Current exponentially weighted mean (NaN before the first value). */
  get mean(): number {
    return this.meanHi + this.meanLo;
  }

  constructor(options: ExpMomentsOptions) {
    if (options.alpha !== undefined) {
      if (!(options.alpha > 0 && options.alpha <= 1)) throw new RangeError(`ExpMoments: alpha must be in (0, 1], got ${options.alpha}`);
      this.alpha = options.alpha;
    } else if (options.halfLife !== undefined) {
      if (!(options.halfLife > 0 && Number.isFinite(options.halfLife))) throw new RangeError(`ExpMoments: halfLife must be a finite number > 0, got ${options.halfLife}`);
      this.halfLife = options.halfLife;
    } else {
      throw new RangeError('ExpMoments: give exactly one of alpha or halfLife');
    }
  }

  /** Adds one finite value; `time` is required in half-life mode and ignored otherwise. */
  update(x: number, time?: number): this {
    if (x - x !== 0) throw new RangeError(`ExpMoments.update requires a finite number, got ${String(x)}`);
    let a = this.alpha;
    if (a === undefined) {
      if (time === undefined || time - time !== 0) throw new RangeError(`ExpMoments.update in half-life mode requires a finite time, got ${String(time)}`);
      if (this.count > 0) {
        let dt = time - this.lastTime;
        if (dt < 0) {
          this.outOfOrder++;
          dt = 0;
        } else {
          this.lastTime = time;
        }
        a = -Math.expm1((-dt / (this.halfLife as number)) * Math.LN2);
      } else {
        this.lastTime = time;
      }
    }
    if (this.count++ === 0) {
      this.meanHi = x;
      this.variance = 0;
      return this;
    }
    const w = a as number;
    const d = x - this.meanHi - this.meanLo;
    // meanHi + meanLo += w·d, with the rounding error of the addition carried in meanLo.
    const step = w * d + this.meanLo;
    const hi = this.meanHi + step;
    this.meanLo = step - (hi - this.meanHi);
    this.meanHi = hi;
    this.variance = (1 - w) * (this.variance + w * d * d);
    return this;
  }

  /** The complete state, for snapshots; {@link ExpMoments.fromState} restores it exactly. */
  toState(): ExpMomentsState {
    const weight = this.alpha !== undefined ? { alpha: this.alpha } : { halfLife: this.halfLife as number };
    return { ...weight, count: this.count, meanHi: this.meanHi, meanLo: this.meanLo, variance: this.variance, lastTime: this.lastTime, outOfOrder: this.outOfOrder };
  }

  /** Restores {@link ExpMoments.toState}'s output; throws a `RangeError` naming a bad field. */
  static fromState(state: ExpMomentsState): ExpMoments {
    const m = new ExpMoments(state.alpha !== undefined ? { alpha: state.alpha } : { halfLife: state.halfLife as number });
    if (!Number.isInteger(state.count) || state.count < 0) throw new RangeError(`ExpMoments state: count must be a non-negative integer, got ${String(state.count)}`);
    if (!Number.isInteger(state.outOfOrder) || state.outOfOrder < 0) throw new RangeError(`ExpMoments state: outOfOrder must be a non-negative integer, got ${String(state.outOfOrder)}`);
    const fields = { meanHi: state.meanHi, meanLo: state.meanLo, variance: state.variance, lastTime: state.lastTime };
    for (const [name, v] of Object.entries(fields)) {
      // Before the first value the mean and variance are NaN (JSON: null); after it they are finite.
      const ok = typeof v === 'number' && (Number.isFinite(v) || (v !== v && (state.count === 0 || name === 'lastTime')));
      if (!ok && !(v === null && (state.count === 0 || name === 'lastTime'))) throw new RangeError(`ExpMoments state: ${name} must be a finite number, got ${String(v)}`);
    }
    if (state.count > 0 && !(state.variance >= 0)) throw new RangeError(`ExpMoments state: variance must be >= 0, got ${state.variance}`);
    m.count = state.count;
    m.meanHi = state.meanHi ?? NaN;
    m.meanLo = state.meanLo ?? 0;
    m.variance = state.variance ?? NaN;
    m.lastTime = state.lastTime ?? NaN;
    m.outOfOrder = state.outOfOrder;
    return m;
  }
}

/** Serializable state of an {@link ExpMoments}. */
export interface ExpMomentsState {
  alpha?: number;
  halfLife?: number;
  count: number;
  meanHi: number;
  meanLo: number;
  variance: number;
  lastTime: number;
  outOfOrder: number;
}
