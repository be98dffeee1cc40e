import { normalPpf } from '../stats/normal-ppf.js';
import { Quantiles, type QuantilesState } from '../stats/quantiles.js';
import { BaseScaler, type AffineFit } from './base.js';
import { NO_OPTIONS, type CommonScalerOptions } from './scaler-options.js';

/** Options of {@link RobustScaler}. */
export interface RobustOptions extends CommonScalerOptions {
  /** Percentiles [lo, hi] whose difference is the scale (default [25, 75]: the IQR). */
  quantileRange?: readonly [number, number];
  /** Subtract the median (default true). */
  withCentering?: boolean;
  /** Divide by the quantile range (default true). */
  withScaling?: boolean;
  /** Divide further so a normal distribution gets unit variance (default false). */
  unitVariance?: boolean;
  /** Values kept for exact quantiles before switching to a KLL sketch (default 4096). */
  exactLimit?: number;
  /** KLL accuracy parameter (default 300). */
  sketchK?: number;
}

const ROBUST_DEFAULTS = { quantileRange: [25, 75] as const, withCentering: true, withScaling: true, unitVariance: false, exactLimit: 4096, sketchK: 300 };

/**
 * Robust scaling: `(x − median) / (q_hi − q_lo)`, insensitive to outliers (scikit-learn's
 * `RobustScaler`).
 *
 * Under the hood: {@link Quantiles}: exact numpy linear quantiles for up to `exactLimit` values,
 * then a KLL sketch with rank error below ~0.9%.
 *
 * Semantics: invalid values are refused and counted. A zero quantile range (more than half the
 * values equal, or a stuck sensor) follows `zeroSpread` (default scale 1, as scikit-learn).
 * With `unitVariance`, the scale is divided by `Φ⁻¹(hi) − Φ⁻¹(lo)` (1.349 for the IQR).
 *
 * @example
 * ```ts
 * import { RobustScaler } from 'streamnorm';
 * const s = new RobustScaler().learnMany([1, 2, 3, 4, 100]);
 * s.params().center; // => 3
 * s.params().scale; // => 2
 * s.transform(5); // => 1
 * ```
 */
export class RobustScaler extends BaseScaler<RobustOptions, Quantiles, QuantilesState> {
  /** `'robust'` (on the prototype: no field per scaler). */
  get kind(): 'robust' {
    return 'robust';
  }

  constructor(options: RobustOptions = NO_OPTIONS) {
    super(options, ROBUST_DEFAULTS);
    const [lo, hi] = this.options.quantileRange;
    if (!(lo >= 0 && hi <= 100 && lo < hi)) throw new RangeError(`RobustScaler: quantileRange must satisfy 0 <= lo < hi <= 100, got [${String(lo)}, ${String(hi)}]`);
  }

  /** Empty statistics of the kind. */
  protected newStats(o: { exactLimit: number; sketchK: number }): Quantiles {
    return new Quantiles({ exactLimit: o.exactLimit, sketchK: o.sketchK });
  }

  protected fit(): AffineFit {
    const { withCentering, withScaling, unitVariance, quantileRange } = this.options;
    const median = this.stats.quantile(0.5);
    const center = withCentering ? median : this.stats.count === 0 ? NaN : 0;
    if (!withScaling) return { center, spread: 1, location: 0 };
    const [lo, hi] = quantileRange;
    const spread = this.stats.quantile(hi / 100) - this.stats.quantile(lo / 100);
    const gain = unitVariance ? normalPpf(hi / 100) - normalPpf(lo / 100) : 1;
    return { center, spread, location: median, gain };
  }

  protected statsFromState(state: QuantilesState): Quantiles {
    return Quantiles.fromState(state);
  }
}
