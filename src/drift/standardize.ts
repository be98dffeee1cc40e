import type { ScalerSpec } from '../scalers/create.js';
import type { FrozenParams } from '../scalers/frozen.js';
import { normalPpf } from '../stats/normal-ppf.js';

/**
 * How the drift alarms standardize a frozen series' values: `z = (pre(x) − center) · invScale`, in
 * standard deviations of the training window.
 *
 * - standard: the frozen mean and standard deviation (its own outputs);
 * - robust: the median and the quantile range turned into a standard deviation as for a normal
 *   distribution, `(q_hi − q_lo) / (Φ⁻¹(hi) − Φ⁻¹(lo))` (the IQR / 1.349 with the default range);
 * - every other kind (and a standard scaler without mean or scale): the training mean and standard
 *   deviation kept beside its statistics (`trainMean`, `trainStd`).
 * A zero spread, or no training moments, gives `invScale` NaN: that series raises no CUSUM alarm.
 *
 * @example
 * ```ts
 * import { RobustScaler, driftStandard } from 'streamnorm';
 * const frozen = new RobustScaler().learnMany([1, 2, 3, 4, 5]).freeze(); // median 3, IQR 2
 * const z = driftStandard(frozen, { kind: 'robust' });
 * [z.center, Math.round(z.invScale * 1e4) / 1e4]; // => [3, 0.6745]
 * ```
 */
export function driftStandard(p: FrozenParams, spec: ScalerSpec): { center: number; invScale: number } {
  const none = { center: NaN, invScale: NaN };
  if (p.zeroSpread) return none;
  if (spec.kind === 'standard' && spec.withMean !== false && spec.withStd !== false) return { center: p.center, invScale: p.invScale };
  if (spec.kind === 'robust' && spec.withCentering !== false && spec.withScaling !== false) {
    const [lo, hi] = spec.quantileRange ?? [25, 75];
    const normalWidth = normalPpf(hi / 100) - normalPpf(lo / 100);
    const gain = spec.unitVariance ? normalWidth : 1;
    // scale = (q_hi − q_lo) / gain, and σ ≈ (q_hi − q_lo) / normalWidth.
    return { center: p.center, invScale: normalWidth / (p.scale * gain) };
  }
  const mean = p.trainMean;
  const std = p.trainStd;
  if (mean === undefined || std === undefined || !Number.isFinite(mean) || !(std > 0)) return none;
  return { center: mean, invScale: 1 / std };
}
