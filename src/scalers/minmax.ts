import { Extrema, type ExtremaState } from '../stats/extrema.js';
import { BaseScaler, type AffineFit } from './base.js';
import { NO_OPTIONS, type CommonScalerOptions } from './scaler-options.js';

/** Options of {@link MinMaxScaler}. */
export interface MinMaxOptions extends CommonScalerOptions {
  /** Output range [lo, hi] the training minimum and maximum map to (default [0, 1]). */
  featureRange?: readonly [number, number];
  /** Clip outputs: `true` to the feature range, or to [lo, hi] (default false). */
  clip?: boolean | readonly [number, number];
}

const MINMAX_DEFAULTS = { featureRange: [0, 1] as const };

/**
 * Min-max scaling: maps the training minimum and maximum to `featureRange` (scikit-learn's
 * `MinMaxScaler`).
 *
 * Under the hood: an {@link Extrema}. The transform is `(x − min) · (hi − lo) / range + lo`, which
 * is exact at the training minimum and keeps its digits at large offsets (scikit-learn's
 * `x · scale_ + min_` loses up to ~1e-5 absolute at 1e9 ± 1e-3).
 *
 * Semantics: invalid values are refused and counted. Zero range (all values equal) follows the
 * `zeroSpread` policy: `unit` maps the constant to `lo` and scales differences by `hi − lo`, as
 * scikit-learn does. Values outside the training range map outside `featureRange` unless `clip`.
 *
 * @example
 * ```ts
 * import { MinMaxScaler } from 'streamnorm';
 * const s = new MinMaxScaler({ featureRange: [-1, 1] }).learnMany([10, 20, 30]);
 * s.transform(10); // => -1
 * s.transform(25); // => 0.5
 * s.inverse(1); // => 30
 * ```
 */
export class MinMaxScaler extends BaseScaler<MinMaxOptions, Extrema, ExtremaState> {
  /** `'minmax'` (on the prototype: no field per scaler). */
  get kind(): 'minmax' {
    return 'minmax';
  }

  constructor(options: MinMaxOptions = NO_OPTIONS) {
    super(options, MINMAX_DEFAULTS, true);
    const [lo, hi] = this.options.featureRange;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new RangeError(`MinMaxScaler: featureRange must be two finite numbers with lo < hi, got [${String(lo)}, ${String(hi)}]`);
    }
  }

  /** Empty statistics of the kind. */
  protected newStats(): Extrema {
    return new Extrema();
  }

  protected fit(): AffineFit {
    const [lo, hi] = this.options.featureRange;
    const empty = this.stats.count === 0;
    const min = empty ? NaN : this.stats.min;
    const range = empty ? NaN : this.stats.max - this.stats.min;
    return {
      center: min,
      spread: range,
      location: Math.max(Math.abs(this.stats.min), Math.abs(this.stats.max)),
      gain: hi - lo,
      offset: lo,
      clip: [lo, hi] as const,
    };
  }


  protected statsFromState(state: ExtremaState): Extrema {
    return Extrema.fromState(state);
  }
}
