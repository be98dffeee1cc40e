/**
 * The hand-written baselines: what a user would write with a `Map` and inline arithmetic, doing the
 * same arithmetic as the library (so a ratio compares machinery, not formulas), plus plain Welford
 * for reference. Written here from scratch on purpose, not by calling the library: a baseline that
 * called our code would measure our code. test/bench/hand.test.ts checks that their outputs are the
 * library's, bit for bit.
 */
import type { Normalized, Reading } from '../src/reading.js';

/** Frozen statistics as a hand-written pipeline keeps them. */
export interface HandFrozen {
  center: number;
  inv: number;
  version: number;
}

/** The frozen transform: `(x − center) · inv`, one output object per reading. */
export function handFrozenStep(stats: ReadonlyMap<string, HandFrozen>, r: Reading): Normalized {
  const s = stats.get(r.series);
  const x = r.value as number;
  return { series: r.series, raw: x, value: s === undefined ? NaN : (x - s.center) * s.inv, time: r.time, tags: r.tags, phase: 'frozen', version: s === undefined ? 0 : s.version };
}

/**
 * A fit as the library does it: shifted Welford (the first value as the shift), the mean as a
 * Neumaier-compensated sum over the count, the zero-spread rule (a spread under 10 ulps of the mean
 * counts as zero: the output is then `x − mean`), and the window's first and latest event times.
 */
export interface HandFit {
  n: number;
  shift: number;
  sumHi: number;
  sumLo: number;
  meanShifted: number;
  m2: number;
  first: number;
  last: number;
}

/** A new fit. */
export function newHandFit(): HandFit {
  return { n: 0, shift: 0, sumHi: 0, sumLo: 0, meanShifted: 0, m2: 0, first: NaN, last: NaN };
}

/** Learns `r` (a finite value) into its series' fit, created on first sight; returns the provisional output. */
export function handFitStep(fits: Map<string, HandFit>, r: Reading): Normalized {
  let f = fits.get(r.series);
  if (f === undefined) {
    f = newHandFit();
    fits.set(r.series, f);
  }
  const x = r.value as number;
  const t = r.time;
  if (typeof t === 'number') {
    if (f.first !== f.first) f.first = f.last = t;
    else if (t >= f.last) f.last = t;
  }
  if (f.n === 0) f.shift = x;
  const d = x - f.shift;
  const s = f.sumHi;
  const sum = s + x;
  f.sumLo += Math.abs(s) >= Math.abs(x) ? s - sum + x : x - sum + s;
  f.sumHi = sum;
  const n = ++f.n;
  const m = f.meanShifted;
  const delta = d - m;
  const m1 = m + delta / n;
  f.meanShifted = m1;
  f.m2 += delta * (d - m1);
  const mean = (f.sumHi + f.sumLo) / n;
  const spread = Math.sqrt(f.m2 / n);
  const zero = !(spread > 10 * Number.EPSILON * Math.abs(mean)) || spread === 0;
  const value = zero ? x - mean + 0 : (x - mean) / spread + 0;
  return { series: r.series, raw: x, value, time: r.time, tags: r.tags, phase: 'fitting', version: 0, flag: 'provisional' };
}

/** Plain Welford (n, mean, m2), the textbook update, with a provisional output (for reference). */
export interface PlainFit {
  n: number;
  mean: number;
  m2: number;
}

/** Learns `r` into its series' plain Welford state; returns the provisional output. */
export function plainFitStep(fits: Map<string, PlainFit>, r: Reading): Normalized {
  let s = fits.get(r.series);
  if (s === undefined) {
    s = { n: 0, mean: 0, m2: 0 };
    fits.set(r.series, s);
  }
  const x = r.value as number;
  s.n++;
  const d = x - s.mean;
  s.mean += d / s.n;
  s.m2 += d * (x - s.mean);
  const sd = Math.sqrt(s.m2 / s.n);
  return { series: r.series, raw: x, value: (x - s.mean) / (sd > 0 ? sd : 1), time: r.time, tags: r.tags, phase: 'fitting', version: 0, flag: 'provisional' };
}
