import { MeanVar, type MeanVarState } from '../stats/mean-var.js';
import { BaseScaler, type AffineFit } from './base.js';
import { NO_OPTIONS, resolveScalerOptions, type CommonScalerOptions } from './scaler-options.js';
import { applyFrozen, clipTo, isZeroSpread, preTransform } from './frozen.js';

/** Options of {@link StandardScaler}. */
export interface StandardOptions extends CommonScalerOptions {
  /** Subtract the mean (default true). */
  withMean?: boolean;
  /** Divide by the population standard deviation (default true). */
  withStd?: boolean;
}

const STANDARD_DEFAULTS = { withMean: true, withStd: true };
/** The resolution of the default options, shared by every standard scaler that has them. */
const DEFAULT_OPTIONS = resolveScalerOptions<StandardOptions>(NO_OPTIONS, STANDARD_DEFAULTS, false);

/**
 * Standardization: `(x − mean) / std`, with the population standard deviation (scikit-learn's
 * `StandardScaler`).
 *
 * Under the hood: a {@link MeanVar} (shifted Welford, compensated mean, Chan merge), so the mean is
 * within a few ulps and the variance within ~1e-14 of exact even at offsets of 1e9.
 *
 * Semantics: invalid values are refused and counted (see {@link BaseScaler}). Zero spread (a stuck
 * sensor) is detected exactly (no false positive at large offsets, unlike scikit-learn's variance
 * rule) and handled by the `zeroSpread` policy, default scale 1; `params().zeroSpread` says it
 * happened. With `withMean: false` the center is 0; with `withStd: false` the scale is 1.
 * One value gives variance 0 (zero spread).
 *
 * @example
 * ```ts
 * import { StandardScaler } from 'streamnorm';
 * const s = new StandardScaler().learnMany([2, 4, 4, 4, 5, 5, 7, 9, NaN]);
 * s.params().center; // => 5
 * s.params().scale; // => 2
 * s.invalid.nan; // => 1
 * s.transform(9); // => 2
 * s.inverse(-1); // => 3
 * ```
 */
export class StandardScaler extends BaseScaler<StandardOptions, MeanVar, MeanVarState> {
  /** `'standard'` (on the prototype: no field per scaler). */
  get kind(): 'standard' {
    return 'standard';
  }

  constructor(options: StandardOptions = NO_OPTIONS) {
    super(options, STANDARD_DEFAULTS);
  }

  /** Empty statistics of the kind. */
  protected newStats(): MeanVar {
    return new MeanVar();
  }

  /**
   * As {@link BaseScaler.transform}, except that while fitting the provisional output is computed
   * inline as `(x − mean) / std`: one division, as scikit-learn's `transform` divides by `scale_`,
   * instead of building a parameters object and multiplying by `1 / std`. It can differ in the last
   * bit from `applyFrozen(params(), x)`; frozen outputs are exactly `applyFrozen(frozen, x)`. The
   * `clip` option applies as in `applyFrozen`.
   */
  override transform(x: number): number {
    if (this.frozen) return applyFrozen(this.frozen, x);
    if (this.options !== DEFAULT_OPTIONS) return this.transformWithOptions(x);
    // The defaults (no pre-transform, mean and std, zero spread → 1, no clip), written out: a
    // user's loop of learn + transform then stays within V8's inlining budget (counted in bytecode;
    // each call left in boxes the values passed), and runs fewer instructions per value.
    const mean = this.stats.mean;
    return standardizeProvisional(x - mean, mean, this.stats.variance(), false);
  }

  /** {@link StandardScaler.transform} while fitting, with options other than the defaults. */
  private transformWithOptions(x: number): number {
    const o = this.options;
    const mean = this.stats.mean;
    const d = (o.pre === 'none' ? x : preTransform(o.pre, x)) - (o.withMean ? mean : 0);
    const y = o.withStd ? standardizeProvisional(d, mean, this.stats.variance(), o.zeroSpread === 'nan') : d + 0;
    const clip = o.clip as boolean | readonly [number, number] | undefined;
    return typeof clip === 'object' ? clipTo(clip, y) : y; // standard has no range of its own: only [lo, hi]
  }

  protected fit(): AffineFit {
    const mean = this.stats.mean;
    const center = this.options.withMean ? mean : 0;
    if (!this.options.withStd) return { center, spread: 1, location: 0 };
    return { center, spread: Math.sqrt(this.stats.variance()), location: mean };
  }


  protected statsFromState(state: MeanVarState): MeanVar {
    return MeanVar.fromState(state);
  }
}

/**
 * A deviation `d = x − center` standardized by a fit so far: `d / std`, or under a zero spread (by
 * the rule of {@link BaseScaler}) `d` itself, or NaN under the `nan` policy; `+ 0` turns −0 into 0.
 * The rule of {@link StandardScaler.transform}; the operators' compact fit step (`CompactRows.step`)
 * writes it out on its row, and a test holds the two to the same bits. (Internal: not exported from
 * the package.)
 */
export function standardizeProvisional(d: number, location: number, variance: number, nanOnZero: boolean): number {
  const spread = Math.sqrt(variance);
  if (isZeroSpread(spread, location)) return nanOnZero ? NaN : d + 0;
  return d / spread + 0;
}
