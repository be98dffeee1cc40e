import { Extrema, type ExtremaState } from '../stats/extrema.js';
import { BaseScaler, type AffineFit, type CommonScalerOptions } from './base.js';

/** Options of {@link MaxAbsScaler}. */
export type MaxAbsOptions = CommonScalerOptions;

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
export class MaxAbsScaler extends BaseScaler<MaxAbsOptions> {
  readonly kind = 'maxabs' as const;
  /** Extrema of the current window (max-abs is derived from min and max). */
  stats = new Extrema();

  constructor(options: MaxAbsOptions = {}) {
    super(options, {});
  }

  get count(): number {
    return this.stats.count;
  }

  protected accept(x: number): void {
    this.stats.update(x);
  }

  protected fit(): AffineFit {
    return { center: this.stats.count === 0 ? NaN : 0, spread: this.stats.maxAbs, location: 0 };
  }

  protected mergeStats(other: this): void {
    this.stats.merge(other.stats);
  }

  protected resetStats(): void {
    this.stats = new Extrema();
  }

  /** Statistics for a snapshot. */
  statsState(): ExtremaState {
    return this.stats.toState();
  }

  /** Restores statistics from {@link MaxAbsScaler.statsState}. */
  restoreStats(state: ExtremaState): void {
    this.stats = Extrema.fromState(state);
  }
}
