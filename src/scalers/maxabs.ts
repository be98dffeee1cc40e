import { Extrema, type ExtremaState } from '../stats/extrema.js';
import { BaseScaler, type AffineFit } from './base.js';
import { NO_OPTIONS, type CommonScalerOptions } from './scaler-options.js';

/** Options of {@link MaxAbsScaler}. */
export type MaxAbsOptions = CommonScalerOptions;

const MAXABS_DEFAULTS = {};

/**
 * Max-abs scaling: `x / max|x|`, so training values land in [−1, 1] and zero stays zero
 * (scikit-learn's `MaxAbsScaler`; keeps sparsity).
 *
 * Semantics: invalid values are refused and counted. All-zero training data is a zero spread
 * (policy `zeroSpread`, default scale 1).
 *
 * @example
 * ```ts
 * import { MaxAbsScaler } from 'streamnorm';
 * const s = new MaxAbsScaler().learnMany([-4, 2, 1]);
 * s.transform(2); // => 0.5
 * s.transform(-8); // => -2
 * ```
 */
export class MaxAbsScaler extends BaseScaler<MaxAbsOptions, Extrema, ExtremaState> {
  /** `'maxabs'` (on the prototype: no field per scaler). */
  get kind(): 'maxabs' {
    return 'maxabs';
  }

  constructor(options: MaxAbsOptions = NO_OPTIONS) {
    super(options, MAXABS_DEFAULTS);
  }

  /** Empty statistics of the kind. */
  protected newStats(): Extrema {
    return new Extrema();
  }

  protected fit(): AffineFit {
    return { center: this.stats.count === 0 ? NaN : 0, spread: this.stats.maxAbs, location: 0 };
  }


  protected statsFromState(state: ExtremaState): Extrema {
    return Extrema.fromState(state);
  }
}
