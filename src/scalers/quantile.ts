import { Quantiles, type QuantilesState } from '../stats/quantiles.js';
import { isMissing, type InvalidReason } from '../values.js';
import { BaseScaler, type AffineFit } from './base.js';
import { NO_OPTIONS, type CommonScalerOptions } from './scaler-options.js';
import { linspaceReferences, NORMAL_HIGH, NORMAL_LOW, quantilesAt, type QuantileMap } from './quantile-map.js';

/** Options of {@link QuantileScaler}. */
export interface QuantileOptions extends CommonScalerOptions {
  /** Number of quantiles of the map (default 1000, as scikit-learn); fewer when fewer rows were seen. */
  nQuantiles?: number;
  /** Output distribution: `uniform` on [0, 1] (default, as scikit-learn) or standard `normal`. */
  outputDistribution?: 'uniform' | 'normal';
  /** Values kept for exact quantiles before switching to a KLL sketch (default 10 000, like scikit-learn's `subsample`). */
  exactLimit?: number;
  /** KLL accuracy parameter of the sketch mode (default 300). */
  sketchK?: number;
}

/** The statistics' saved state of a {@link QuantileScaler}: its {@link Quantiles} and the window's missing rows. */
export type QuantileStatsState = QuantilesState & { missing?: number };

const QUANTILE_DEFAULTS = { nQuantiles: 1000, outputDistribution: 'uniform' as const, exactLimit: 10_000, sketchK: 300 };

/**
 * Quantile transform: maps each value through the empirical CDF of the training window to a
 * uniform or a normal output, so heavy tails and skew become Gaussian-like (scikit-learn's
 * `QuantileTransformer`, for one series).
 *
 * Under the hood: {@link Quantiles} keeps the training values exactly up to `exactLimit`; the map
 * is then scikit-learn's to rounding: `quantiles_` are numpy's linear quantiles at `references_ =
 * linspace(0, 1, n)` (n = min(nQuantiles, rows)), the transform averages the interpolations over
 * ascending and descending quantiles (ties land mid-range), normal output is clipped at ±5.1993
 * (Φ⁻¹ of 1e-7, and of 1 − 1e-7), and `inverse` is `inverse_transform`. Beyond `exactLimit` the quantiles come from
 * a KLL sketch: each quantile's rank is then within the sketch's rank error ε (~0.9% at k = 300,
 * 99% confidence), so a uniform output is within ε + 1/(n − 1) of the training CDF. In normal
 * output units that error is unbounded in the tails: Φ⁻¹ is steeper the closer u is to 0 or 1.
 *
 * Semantics: invalid values are refused and counted; NaN and null refused by `learn` count as
 * rows for n, as scikit-learn counts rows with NaN. The frozen form is not affine: see
 * {@link FrozenParams} (`quantileMap`). A constant training window is a zero spread: outputs are
 * scikit-learn's (0, or −5.1993 for normal output) under `unit`, NaN under `nan`. `clip: true` is
 * the output range ([0, 1], or ±5.1993). While fitting, a provisional output rebuilds the map from
 * the values so far (O(n + nQuantiles) per new value): prefer holding or dropping outputs then.
 *
 * @example
 * ```ts
 * import { QuantileScaler } from 'streamnorm';
 * const s = new QuantileScaler({ nQuantiles: 5 }).learnMany([1, 2, 3, 4, 100]);
 * s.transform(3); // => 0.5
 * s.transform(52); // => 0.875
 * s.inverse(0.875); // => 52
 * const n = new QuantileScaler({ outputDistribution: 'normal' }).learnMany([1, 2, 3, 4, 100]);
 * n.transform(3); // => 0
 * n.transform(1000); // => 5.19933758270342
 * ```
 */
export class QuantileScaler extends BaseScaler<QuantileOptions, Quantiles, QuantileStatsState> {
  /** `'quantile'` (on the prototype: no field per scaler). */
  get kind(): 'quantile' {
    return 'quantile';
  }
  /** NaN and null values refused by `learn` in the current window (rows for scikit-learn's n_quantiles_). */
  missing = 0;
  private cached: { stats: Quantiles; count: number; missing: number; fit: AffineFit } | undefined;

  constructor(options: QuantileOptions = NO_OPTIONS) {
    super(options, QUANTILE_DEFAULTS, true);
    const { nQuantiles, outputDistribution } = this.options;
    if (!(Number.isInteger(nQuantiles) && nQuantiles >= 1)) throw new RangeError(`QuantileScaler: nQuantiles must be an integer >= 1, got ${String(nQuantiles)}`);
    if (outputDistribution !== 'uniform' && outputDistribution !== 'normal') {
      throw new RangeError(`QuantileScaler: outputDistribution must be 'uniform' or 'normal', got ${String(outputDistribution)}`);
    }
  }

  /** Empty statistics of the kind. */
  protected newStats(o: { exactLimit: number; sketchK: number }): Quantiles {
    return new Quantiles({ exactLimit: o.exactLimit, sketchK: o.sketchK });
  }

  override learn(value: unknown): InvalidReason | undefined {
    const reason = super.learn(value);
    if (isMissing(reason)) this.missing++;
    return reason;
  }

  override refit(): this {
    super.refit();
    this.missing = 0;
    return this;
  }

  override merge(other: this): this {
    super.merge(other);
    this.missing += other.missing;
    return this;
  }

  override statsState(): QuantileStatsState {
    return { ...super.statsState(), missing: this.missing };
  }

  override restoreStats(state: QuantileStatsState): void {
    const missing = state.missing ?? 0;
    if (!(Number.isInteger(missing) && missing >= 0)) throw new RangeError(`missing must be a non-negative integer, got ${String(missing)}`);
    super.restoreStats(state);
    this.missing = missing;
  }

  protected fit(): AffineFit {
    const stats = this.stats;
    const count = stats.count;
    const c = this.cached;
    if (c !== undefined && c.stats === stats && c.count === count && c.missing === this.missing) return c.fit;
    const output = this.options.outputDistribution;
    const range = output === 'normal' ? ([NORMAL_LOW, NORMAL_HIGH] as const) : ([0, 1] as const);
    let fit: AffineFit;
    if (count === 0) {
      fit = { center: NaN, spread: NaN, clip: range };
    } else {
      const n = Math.max(1, Math.min(this.options.nQuantiles, count + this.missing));
      const references = linspaceReferences(n);
      const quantiles = quantilesAt(references, (q) => stats.quantile(q));
      const map: QuantileMap = Object.freeze({ quantiles: Object.freeze(quantiles), references: Object.freeze(references), output });
      const first = quantiles[0] as number;
      const last = quantiles[n - 1] as number;
      fit = { center: NaN, spread: last - first, location: Math.max(Math.abs(first), Math.abs(last)), clip: range, map };
    }
    this.cached = { stats, count, missing: this.missing, fit };
    return fit;
  }

  protected statsFromState(state: QuantileStatsState): Quantiles {
    return Quantiles.fromState(state);
  }
}
