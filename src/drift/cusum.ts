/**
 * Page's two-sided CUSUM (Page 1954) on standardized values, and the average run lengths
 * Siegmund's approximation gives for it. The one home of the CUSUM update: the store's drift columns
 * run it on their rows.
 *
 * `S⁺ = max(0, S⁺ + z − k)`, `S⁻ = max(0, S⁻ − z − k)`; an alarm when either passes `h`.
 */

/** Reference value k (half the shift to detect, in standard deviations) and decision interval h. */
export interface CusumOptions {
  /** Allowance, in standard deviations (default 0.5: tuned for a 1σ shift). */
  k?: number;
  /** Decision interval, in standard deviations (default 10). */
  h?: number;
  /**
   * z-scores are limited to ±clip before they are summed (default 4), so one outlier adds at
   * most `clip − k` (a spike of 10σ cannot raise an alarm on its own). In control a Gaussian z
   * passes ±4 with probability 6e-5, so the run lengths stay Siegmund's.
   */
  clip?: number;
}

/** The defaults: k = 0.5, h = 10, clip 4 (see {@link cusumArl} for what they give). */
export const CUSUM_DEFAULTS: Readonly<Required<CusumOptions>> = Object.freeze({ k: 0.5, h: 10, clip: 4 });

/**
 * One CUSUM step on the pair `s[at]` (S⁺), `s[at + 1]` (S⁻) for the standardized value `z` (limited
 * to ±`clip`); returns the larger of the two sums after the step (the score: an alarm when it
 * passes `h`). A NaN `z` leaves the sums unchanged.
 *
 * @example
 * ```ts
 * import { cusumStep } from 'streamnorm';
 * const s = new Float64Array(2);
 * [2, 2, 2].map((z) => cusumStep(s, 0, z, 0.5)); // => [1.5, 3, 4.5]
 * cusumStep(s, 0, -3, 0.5); // => 2.5
 * cusumStep(s, 0, 100, 0.5, 4); // => 4.5
 * ```
 */
export function cusumStep(s: Float64Array, at: number, z: number, k: number, clip = Infinity): number {
  if (z !== z) return Math.max(s[at] as number, s[at + 1] as number);
  if (z > clip) z = clip;
  else if (z < -clip) z = -clip;
  const up = Math.max(0, (s[at] as number) + z - k);
  const down = Math.max(0, (s[at + 1] as number) - z - k);
  s[at] = up;
  s[at + 1] = down;
  return up > down ? up : down;
}

/**
 * Siegmund's approximation of the average run length of a one-sided CUSUM with allowance `k` and
 * decision interval `h` when the mean has shifted by `shift` standard deviations (0: in control):
 * `ARL ≈ (e^(−2Δb) + 2Δb − 1) / (2Δ²)` with `Δ = shift − k` and `b = h + 1.166` (Siegmund 1985;
 * `b²` when Δ = 0).
 *
 * @example
 * ```ts
 * import { siegmundArl } from 'streamnorm';
 * Math.round(siegmundArl(0.5, 5, 0)); // => 938
 * Math.round(siegmundArl(0.5, 5, 1) * 10) / 10; // => 10.3
 * ```
 */
export function siegmundArl(k: number, h: number, shift: number): number {
  const d = shift - k;
  const b = h + 1.166;
  if (Math.abs(d) < 1e-12) return b * b;
  return (Math.exp(-2 * d * b) + 2 * d * b - 1) / (2 * d * d);
}

/**
 * The average run length of the two-sided CUSUM for a shift of `shift` standard deviations (0: in
 * control, the mean time between false alarms), from the one-sided ones:
 * `1/ARL = 1/ARL⁺ + 1/ARL⁻`. With the defaults (k 0.5, h 10): about 70,670 readings in control
 * (19.6 hours at 1 Hz) and 20.3 readings to detect a 1σ shift.
 *
 * @example
 * ```ts
 * import { cusumArl } from 'streamnorm';
 * Math.round(cusumArl(0.5, 10, 0)); // => 70674
 * Math.round(cusumArl(0.5, 10, 1) * 10) / 10; // => 20.3
 * ```
 */
export function cusumArl(k: number, h: number, shift: number): number {
  return 1 / (1 / siegmundArl(k, h, shift) + 1 / siegmundArl(k, h, -shift));
}
