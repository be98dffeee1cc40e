import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Reference outputs of scikit-learn, PyTorch and pandas, and of exact arithmetic: the files
 * test/fixtures/generate.py writes into test/fixtures/reference (committed; see
 * test/fixtures/README.md). JSON has no NaN: the files write NaN as null, and `nan()` turns it back.
 */
const dir = fileURLToPath(new URL('../fixtures/reference/', import.meta.url));

/** The reference files, one per kind of statistic. */
export type FixtureKind = 'standard' | 'minmax' | 'maxabs' | 'robust' | 'batchnorm' | 'ewm' | 'quantile' | 'layernorm' | 'ewm-adjusted' | 'ewm-times';

export interface FixtureCase {
  name: string;
  scaler: string;
  params: Record<string, unknown>;
  fit_chunks?: (number | null)[][];
  train_batches?: (number | null)[][];
  values?: (number | null)[];
  /** ewm-times: event times in ms, one per value. */
  times_ms?: number[];
  /** layernorm: the fields of one reading per row. */
  rows?: number[][];
  test?: (number | null)[];
  exact?: { n: number; mean: number; var: number; std: number };
  expected: Record<string, unknown>;
  note?: string;
}

export function loadFixture(name: FixtureKind): FixtureCase[] {
  const doc = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as { cases: FixtureCase[] };
  if (!Array.isArray(doc.cases) || doc.cases.length === 0) throw new Error(`fixture ${name} has no cases`);
  return doc.cases;
}

/** null (JSON's stand-in for NaN) back to NaN. */
export function nan(v: number | null | undefined): number {
  return v === null || v === undefined ? NaN : v;
}

export function nans(vs: readonly (number | null)[]): number[] {
  return vs.map(nan);
}

/** Distance in units in the last place between two doubles (0 when equal; Infinity across NaN). */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const buf = new DataView(new ArrayBuffer(8));
  const ordered = (x: number): bigint => {
    buf.setFloat64(0, x);
    const bits = buf.getBigInt64(0);
    return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
  };
  const d = ordered(a) - ordered(b);
  return Number(d < 0n ? -d : d);
}

/**
 * |a − b| <= rel · max(|a|, |b|, floor): relative agreement, where `floor` is the magnitude below
 * which rounding of the inputs, not the method, decides the digits (e.g. x − mean when x ≈ mean).
 * Both NaN counts as equal.
 */
export function close(a: number, b: number, rel = 1e-12, floor = 0): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), floor);
}

/** A double as an exact dyadic rational n · 2^-k. */
export interface Dyadic {
  n: bigint;
  k: bigint;
}

export function dyadic(x: number): Dyadic {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const mant = exp === 0 ? frac : frac | (1n << 52n);
  const e = BigInt(exp === 0 ? 1 : exp) - 1075n;
  return e >= 0n ? { n: sign * (mant << e), k: 0n } : { n: sign * mant, k: -e };
}

export const dAdd = (a: Dyadic, b: Dyadic): Dyadic =>
  a.k >= b.k ? { n: a.n + (b.n << (a.k - b.k)), k: a.k } : { n: (a.n << (b.k - a.k)) + b.n, k: b.k };
export const dSub = (a: Dyadic, b: Dyadic): Dyadic => dAdd(a, { n: -b.n, k: b.k });
export const dMul = (a: Dyadic, b: Dyadic): Dyadic => ({ n: a.n * b.n, k: a.k + b.k });
export const dToNumber = (a: Dyadic): number => ratioToDouble(a.n, 1n << a.k);

/** Exact mean and population variance of doubles, by rational arithmetic (BigInt), rounded once. */
export function exactMoments(xs: readonly number[]): { mean: number; variance: number } {
  // Every double is an integer multiple of 2^-1074: bring all to that common denominator.
  const SHIFT = 1074n;
  const ints = xs.map((x) => {
    const d = dyadic(x);
    return d.n << (SHIFT - d.k);
  });
  const n = BigInt(xs.length);
  const sum = ints.reduce((a, b) => a + b, 0n);
  // mean = sum / (n · 2^1074); variance = Σ(n·x − sum)² / (n³ · 2^2148)
  let ss = 0n;
  for (const v of ints) {
    const d = n * v - sum;
    ss += d * d;
  }
  return { mean: ratioToDouble(sum, n << SHIFT), variance: ratioToDouble(ss, (n * n * n) << (2n * SHIFT)) };
}

/** A rational p/q (q > 0) rounded to the nearest double (to within an ulp; enough for tests at 1e-12). */
export function ratioToDouble(p: bigint, q: bigint): number {
  if (p === 0n) return 0;
  const neg = p < 0n;
  let a = neg ? -p : p;
  // Scale so the quotient has 64 significant bits, then convert.
  const shift = BigInt(a.toString(2).length - q.toString(2).length - 64);
  let quotient: bigint;
  if (shift >= 0n) quotient = a / (q << shift);
  else quotient = (a << -shift) / q;
  a = quotient;
  const r = Number(a) * 2 ** Number(shift);
  return neg ? -r : r;
}

/** The ewm recursion in exact rational arithmetic (alpha as its double value), rounded once per output. */
export function exactEwm(values: readonly number[], alpha: number): { mean: number[]; variance: number[] } {
  const a = dyadic(alpha);
  const oneMinusA = dSub(dyadic(1), a);
  let mean: Dyadic | undefined;
  let variance: Dyadic = dyadic(0);
  const out = { mean: [] as number[], variance: [] as number[] };
  for (const x of values) {
    const dx = dyadic(x);
    if (!mean) mean = dx;
    else {
      const d = dSub(dx, mean);
      mean = dAdd(mean, dMul(a, d));
      variance = dMul(oneMinusA, dAdd(variance, dMul(a, dMul(d, d))));
    }
    out.mean.push(dToNumber(mean));
    out.variance.push(dToNumber(variance));
  }
  return out;
}

/** A seeded uniform generator in [0, 1) (mulberry32): the same seed gives the same sequence. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
