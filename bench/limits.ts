/**
 * Section 1, the limit: what the machine does with no library at all. A plain loop over a
 * Float64Array computing (x − mean) · invStd, and a plain Welford update loop.
 */
import type { BenchConfig } from './config.js';
import type { RawFigure } from './figure.js';
import { consume, interleave, ratePerSecond, type Case } from './interleave.js';
import { valueStream } from './data.js';

/** Name of the plain transform loop figure, the baseline of the columnar form. */
export const LIMIT_TRANSFORM = 'limit.transform-loop';
/** Name of the plain Welford loop figure. */
export const LIMIT_WELFORD = 'limit.welford-loop';

/** (x − mean) · invStd into `out`, for every x; returns a checksum so the work cannot be elided. */
export function transformLoop(xs: Float64Array, out: Float64Array, mean: number, invStd: number): number {
  for (let i = 0; i < xs.length; i++) out[i] = ((xs[i] as number) - mean) * invStd;
  return out[xs.length - 1] as number;
}

/** Welford's update over every x; returns the variance so the work cannot be elided. */
export function welfordLoop(xs: Float64Array): number {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  return m2 / n;
}

/** The plain-loop cases over `values` values (a 64k block reused, as a stream would arrive). */
export function limitCases(values: number): Case[] {
  const block = valueStream(Math.min(values, 1 << 16));
  const out = new Float64Array(block.length);
  const passes = Math.max(1, Math.round(values / block.length));
  const transform: Case = {
    name: LIMIT_TRANSFORM,
    run: () => ratePerSecond(passes * block.length, () => {
      let sink = 0;
      for (let p = 0; p < passes; p++) sink += transformLoop(block, out, 25, 1 / 2.9);
      consume(sink);
    }),
  };
  const welford: Case = {
    name: LIMIT_WELFORD,
    run: () => ratePerSecond(passes * block.length, () => {
      let sink = 0;
      for (let p = 0; p < passes; p++) sink += welfordLoop(block);
      consume(sink);
    }),
  };
  return [transform, welford];
}

/** Section 1: both limits, interleaved. */
export async function benchLimits(cfg: BenchConfig): Promise<RawFigure[]> {
  const runs = await interleave(limitCases(cfg.loopValues), cfg.cpu);
  return [
    { name: LIMIT_TRANSFORM, section: 'limit', label: 'plain loop over Float64Array: (x − mean) · invStd', unit: 'values/s', runs: runs.get(LIMIT_TRANSFORM) ?? [], baseline: LIMIT_TRANSFORM },
    { name: LIMIT_WELFORD, section: 'limit', label: 'plain Welford update loop', unit: 'values/s', runs: runs.get(LIMIT_WELFORD) ?? [], baseline: LIMIT_TRANSFORM },
  ];
}
