/**
 * Options of {@link ExpMoments}: exactly one of `alpha` or `halfLife`, and `adjust`.
 *
 * `adjust` (pandas' `adjust`): `true` weights the i-th most recent value by (1 − alpha)^i (or by
 * 2^(−age / halfLife)) and divides by the sum of the weights; `false` is the recursion
 * `mean += alpha·(x − mean)`. Default `false` with `alpha` (the recursion this class always had)
 * and `true` with `halfLife` (pandas' only form with `times`; equal timestamps weigh the same).
 */
export type ExpMomentsOptions =
  | { alpha: number; halfLife?: undefined; adjust?: boolean }
  | { halfLife: number; alpha?: undefined; adjust?: boolean };

/** Serializable state of an {@link ExpMoments} (JSON-safe: NaN is written as null). */
export interface ExpMomentsState {
  alpha: number | null;
  halfLife: number | null;
  adjust: boolean;
  count: number;
  /** The mean as the unevaluated sum meanHi + meanLo. */
  meanHi: number | null;
  meanLo: number;
  variance: number | null;
  weight: number;
  lastTime: number | null;
  outOfOrder: number;
  notLearned: number;
  skipped: number;
}

const OPTION_KEYS = new Set(['alpha', 'halfLife', 'adjust']);

/**
 * Exponentially weighted mean and variance, per sample or in event time, as pandas' `ewm`
 * (`ignore_na=False`) with `var(bias=True)`.
 *
 * Weights. With `alpha`, the value k steps back weighs (1 − alpha)^k; a missing value
 * ({@link ExpMoments.skip}) is a step too, as pandas' `ignore_na=False`. With `halfLife` (in the
 * unit of the timestamps given to `update`), a value of age Δt behind the latest timestamp weighs
 * 2^(−Δt / halfLife), as `ewm(halflife, times=…)`. `adjust: true` divides by the sum of the
 * weights; `adjust: false` is the recursion `mean += a·(x − mean)` with `a = alpha`, or
 * `a = 1 − 2^(−Δt / halfLife)` since the previous value.
 *
 * The variance is the weighted population variance `Σ wᵢ(xᵢ − mean)² / Σ wᵢ` with the same
 * weights as the mean: pandas' `var(bias=True)` with `alpha`; with `halfLife` our own definition
 * (pandas' `var()` ignores `times`), with weights wᵢ = 2^(−(t_latest − tᵢ)/halfLife) under
 * `adjust: true`, which makes mean and variance independent of the order values arrive in.
 *
 * Under the hood: one incremental step for every mode, `d = x − mean; mean += a·d;
 * var = (1 − a)(var + a·d²)` with `a` the new value's share of the total weight (West 1979; the
 * E[x²] − E[x]² form is unstable). `1 − a` is computed as the old weight's share, not by
 * subtraction. The mean is kept as an unevaluated sum of two doubles (hi + lo), so at offsets
 * like 1e9 ± 1e-3 the deviations keep their digits (pandas loses ~1e-8 relative in the variance).
 *
 * Semantics:
 * 1. The first value sets the mean, variance 0. Before it, `mean` and `variance` are NaN.
 * 2. Non-finite values throw a `RangeError` (scalers filter them first); a missing value is
 *    {@link ExpMoments.skip}, which ages the weights without learning.
 * 3. Half-life mode: a timestamp equal to the latest weighs as much as the latest value. An
 *    older one is counted in `outOfOrder` and, with `adjust: true`, learned with the weight of its
 *    age; with `adjust: false` (weight 0) it is not learned, and counted in `notLearned`, as is a
 *    value so old that its weight underflows to 0.
 *
 * @example
 * ```ts
 * import { ExpMoments } from 'streamnorm';
 * const m = new ExpMoments({ alpha: 0.5 });
 * m.update(10);
 * m.update(20);
 * m.mean; // => 15
 * m.variance; // => 25
 * // pandas' default, adjust: true: weights 1/2 and 1
 * const p = new ExpMoments({ alpha: 0.5, adjust: true });
 * p.update(10).update(25).mean; // => 20
 * // half-life mode (adjust: true): equal timestamps weigh the same
 * const t = new ExpMoments({ halfLife: 1000 });
 * t.update(10, 5000).update(20, 5000).mean; // => 15
 * ```
 */
export class ExpMoments {
  /** Number of values learned. */
  count = 0;
  /** The mean is kept as the unevaluated sum meanHi + meanLo. */
  private meanHi = NaN;
  private meanLo = 0;
  /** Current exponentially weighted population variance (NaN before the first value). */
  variance = NaN;
  /**
   * Sum of the weights of the values learned, in units of a new value's weight (1 with
   * `adjust: true`): aged by steps or time, 1 after each value with `adjust: false`.
   */
  weight = 0;
  /** Latest timestamp seen (half-life mode). */
  lastTime = NaN;
  /** Values whose timestamp was older than the latest (half-life mode). */
  outOfOrder = 0;
  /** Values not learned because their weight was 0 (older timestamps under `adjust: false`, underflow). */
  notLearned = 0;
  /** Missing values passed to {@link ExpMoments.skip}. */
  skipped = 0;
  /** The fixed weight, or undefined in half-life mode. */
  readonly alpha: number | undefined;
  /** The half-life, or undefined in alpha mode. */
  readonly halfLife: number | undefined;
  /** Whether weights are normalized by their sum (pandas' `adjust`). */
  readonly adjust: boolean;

  /** Current exponentially weighted mean (NaN before the first value). */
  get mean(): number {
    return this.meanHi + this.meanLo;
  }

  constructor(options: ExpMomentsOptions) {
    for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw new RangeError(`ExpMoments: unknown option ${JSON.stringify(key)}`);
    if (options.adjust !== undefined && typeof options.adjust !== 'boolean') throw new RangeError(`ExpMoments: adjust must be a boolean, got ${String(options.adjust)}`);
    if (options.alpha !== undefined) {
      if (!(options.alpha > 0 && options.alpha <= 1)) throw new RangeError(`ExpMoments: alpha must be in (0, 1], got ${options.alpha}`);
      if (options.halfLife !== undefined) throw new RangeError('ExpMoments: give exactly one of alpha or halfLife');
      this.alpha = options.alpha;
      this.adjust = options.adjust ?? false;
    } else if (options.halfLife !== undefined) {
      if (!(options.halfLife > 0 && Number.isFinite(options.halfLife))) throw new RangeError(`ExpMoments: halfLife must be a finite number > 0, got ${options.halfLife}`);
      this.halfLife = options.halfLife;
      this.adjust = options.adjust ?? true;
    } else {
      throw new RangeError('ExpMoments: give exactly one of alpha or halfLife');
    }
  }

  /** Learns one finite value; `time` is required in half-life mode and ignored otherwise. */
  update(x: number, time?: number): this {
    if (x - x !== 0) throw new RangeError(`ExpMoments.update requires a finite number, got ${String(x)}`);
    const h = this.halfLife;
    if (h !== undefined && (time === undefined || time - time !== 0)) throw new RangeError(`ExpMoments.update in half-life mode requires a finite time, got ${String(time)}`);
    if (this.count === 0) {
      this.count = 1;
      this.meanHi = x;
      this.meanLo = 0;
      this.variance = 0;
      this.weight = 1;
      if (h !== undefined) this.lastTime = time as number;
      return this;
    }
    // a: the new value's share of the total weight; b = 1 − a, as the old weight's share.
    let a: number;
    let b: number;
    if (h === undefined) {
      const alpha = this.alpha as number;
      if (!this.adjust && this.weight === 1) {
        a = alpha;
        b = 1 - alpha;
      } else {
        const old = this.weight * (1 - alpha);
        const fresh = this.adjust ? 1 : alpha;
        a = fresh / (old + fresh);
        b = old / (old + fresh);
        this.weight = this.adjust ? old + fresh : 1;
      }
    } else {
      const dt = (time as number) - this.lastTime;
      if (dt < 0) this.outOfOrder++;
      else this.lastTime = time as number;
      if (this.adjust) {
        // A newer value ages the others; an older one weighs by its own age.
        const old = dt > 0 ? this.weight * 0.5 ** (dt / h) : this.weight;
        const fresh = dt < 0 ? 0.5 ** (-dt / h) : 1;
        const total = old + fresh;
        a = fresh / total;
        b = old / total;
        if (a === 0) return this.refuse();
        this.weight = total;
      } else {
        if (!(dt > 0)) return this.refuse();
        if (this.weight === 1) {
          a = -Math.expm1((-dt / h) * Math.LN2);
          b = 1 - a;
        } else {
          b = this.weight * 0.5 ** (dt / h);
          a = 1 - b;
        }
        this.weight = 1;
      }
    }
    this.count++;
    const d = x - this.meanHi - this.meanLo;
    // meanHi + meanLo += a·d, with the rounding error of the addition carried in meanLo.
    const step = a * d + this.meanLo;
    const hi = this.meanHi + step;
    this.meanLo = step - (hi - this.meanHi);
    this.meanHi = hi;
    this.variance = b * (this.variance + a * d * d);
    return this;
  }

  /**
   * A missing value (NaN, a gap): ages the weights as pandas' `ignore_na=False` does, without
   * learning. With `alpha` it is one step; in half-life mode it moves the latest time to `time`
   * when newer (a skip without a newer time changes nothing but `skipped`). Before the first
   * value it changes nothing either.
   *
   * @example
   * ```ts
   * import { ExpMoments } from 'streamnorm';
   * const m = new ExpMoments({ alpha: 0.5, adjust: true });
   * m.update(10).skip().update(20).mean; // => 18
   * m.skipped; // => 1
   * ```
   */
  skip(time?: number): this {
    this.skipped++;
    if (this.count === 0) return this;
    const h = this.halfLife;
    if (h === undefined) {
      this.weight *= 1 - (this.alpha as number);
    } else if (time !== undefined && time - this.lastTime > 0) {
      this.weight *= 0.5 ** ((time - this.lastTime) / h);
      this.lastTime = time;
    }
    return this;
  }

  /** Serializable state; {@link ExpMoments.fromState} restores it exactly. */
  toState(): ExpMomentsState {
    const n = (v: number): number | null => (Number.isNaN(v) ? null : v);
    return {
      alpha: this.alpha ?? null,
      halfLife: this.halfLife ?? null,
      adjust: this.adjust,
      count: this.count,
      meanHi: n(this.meanHi),
      meanLo: this.meanLo,
      variance: n(this.variance),
      weight: this.weight,
      lastTime: n(this.lastTime),
      outOfOrder: this.outOfOrder,
      notLearned: this.notLearned,
      skipped: this.skipped,
    };
  }

  /**
   * Restores a state written by {@link ExpMoments.toState}; throws a `RangeError` naming the
   * field for a bad one.
   *
   * @example
   * ```ts
   * import { ExpMoments } from 'streamnorm';
   * const m = new ExpMoments({ halfLife: 1000 }).update(1, 0).update(3, 1000);
   * const back = ExpMoments.fromState(JSON.parse(JSON.stringify(m.toState())));
   * back.update(5, 2000).mean === m.update(5, 2000).mean; // => true
   * ```
   */
  static fromState(state: ExpMomentsState): ExpMoments {
    const bad = (field: string, what: string): never => {
      throw new RangeError(`ExpMoments state: ${field} ${what}`);
    };
    if (typeof state !== 'object' || state === null) bad('', 'must be an object');
    const m = state.alpha !== null && state.alpha !== undefined ? new ExpMoments({ alpha: state.alpha, adjust: state.adjust }) : new ExpMoments({ halfLife: state.halfLife as number, adjust: state.adjust });
    for (const key of ['count', 'outOfOrder', 'notLearned', 'skipped'] as const) {
      if (!Number.isInteger(state[key]) || state[key] < 0) bad(key, 'must be a non-negative integer');
    }
    const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
    const empty = state.count === 0;
    if (!(empty ? state.meanHi === null : finite(state.meanHi))) bad('meanHi', empty ? 'must be null before the first value' : 'must be a finite number');
    if (!finite(state.meanLo)) bad('meanLo', 'must be a finite number');
    if (!(empty ? state.variance === null : finite(state.variance) && state.variance >= 0)) bad('variance', empty ? 'must be null before the first value' : 'must be a finite number >= 0');
    if (!(finite(state.weight) && state.weight >= 0)) bad('weight', 'must be a finite number >= 0');
    if (!(state.lastTime === null || finite(state.lastTime))) bad('lastTime', 'must be a finite number or null');
    if (m.halfLife !== undefined && !empty && state.lastTime === null) bad('lastTime', 'is required in half-life mode after the first value');
    m.count = state.count;
    m.meanHi = state.meanHi ?? NaN;
    m.meanLo = state.meanLo;
    m.variance = state.variance ?? NaN;
    m.weight = state.weight;
    m.lastTime = state.lastTime ?? NaN;
    m.outOfOrder = state.outOfOrder;
    m.notLearned = state.notLearned;
    m.skipped = state.skipped;
    return m;
  }

  private refuse(): this {
    this.notLearned++;
    return this;
  }

}
