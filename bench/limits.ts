/**
 * The limit: what the machine does with no library at all, a plain loop over a Float64Array
 * computing (x − mean) · invStd (run inside each frozen group of the keyed section, beside the
 * columnar form whose target is a ratio to it).
 */

/** (x − mean) · invStd into `out`, for every x; returns a checksum so the work cannot be elided. */
export function transformLoop(xs: Float64Array, out: Float64Array, mean: number, invStd: number): number {
  for (let i = 0; i < xs.length; i++) out[i] = ((xs[i] as number) - mean) * invStd;
  return out[xs.length - 1] as number;
}
