/**
 * Why a value was refused before it could reach any statistic.
 *
 * - `nan`: the number NaN.
 * - `infinite`: +Infinity or -Infinity.
 * - `null`: `null` or `undefined` (a missing reading).
 * - `not-a-number`: anything that is not of type number (strings, booleans, objects).
 *   Numeric strings are refused too: parsing belongs to the codec that read the payload.
 * - `out-of-domain`: a finite number a pre-transform cannot take (log of a value <= 0).
 */
export type InvalidReason = 'nan' | 'infinite' | 'null' | 'not-a-number' | 'out-of-domain';

/** Every {@link InvalidReason}, in a fixed order (used for reports and snapshots). */
export const INVALID_REASONS: readonly InvalidReason[] = ['nan', 'infinite', 'null', 'not-a-number', 'out-of-domain'];

/**
 * Classifies a value: `undefined` for a finite number, otherwise why it is invalid.
 *
 * @example
 * ```ts
 * import { invalidReason } from 'streamnorm';
 * invalidReason(3.5); // => undefined
 * invalidReason(NaN); // => 'nan'
 * invalidReason(-Infinity); // => 'infinite'
 * invalidReason(null); // => 'null'
 * invalidReason('7'); // => 'not-a-number'
 * ```
 */
export function invalidReason(value: unknown): InvalidReason | undefined {
  if (typeof value === 'number') {
    if (value - value === 0) return undefined; // finite: x - x is 0 only for finite x
    return value !== value ? 'nan' : 'infinite';
  }
  if (value === null || value === undefined) return 'null';
  return 'not-a-number';
}

/**
 * @internal Whether an invalid value is a missing one (NaN, `null`, `undefined`): the values that
 * statistics count as gaps (and exponential moments age over, as pandas' `ignore_na=False`), where
 * the other reasons are bad data.
 */
export function isMissing(reason: InvalidReason | undefined): reason is 'nan' | 'null' {
  return reason === 'nan' || reason === 'null';
}

/** Counts of refused values per {@link InvalidReason}; plain data, safe to serialize. */
export type InvalidCountsRecord = Record<InvalidReason, number>;

/**
 * A fresh all-zero {@link InvalidCountsRecord}.
 *
 * @example
 * ```ts
 * import { emptyInvalidCounts } from 'streamnorm';
 * emptyInvalidCounts().nan; // => 0
 * ```
 */
export function emptyInvalidCounts(): InvalidCountsRecord {
  return { nan: 0, infinite: 0, null: 0, 'not-a-number': 0, 'out-of-domain': 0 };
}

/**
 * Sum of all counts in an {@link InvalidCountsRecord}.
 *
 * @example
 * ```ts
 * import { StandardScaler, totalInvalid } from 'streamnorm';
 * const s = new StandardScaler().learnMany([1, NaN, null, 'x']);
 * totalInvalid(s.invalid); // => 3
 * ```
 */
export function totalInvalid(counts: InvalidCountsRecord): number {
  let total = 0;
  for (const reason of INVALID_REASONS) total += counts[reason];
  return total;
}

/**
 * Adds `b` into `a` reason by reason and returns `a`.
 *
 * @example
 * ```ts
 * import { addInvalidCounts, emptyInvalidCounts } from 'streamnorm';
 * const a = { ...emptyInvalidCounts(), nan: 2 };
 * addInvalidCounts(a, { ...emptyInvalidCounts(), nan: 1, null: 4 }).nan; // => 3
 * ```
 */
export function addInvalidCounts(a: InvalidCountsRecord, b: InvalidCountsRecord): InvalidCountsRecord {
  for (const reason of INVALID_REASONS) a[reason] += b[reason];
  return a;
}
