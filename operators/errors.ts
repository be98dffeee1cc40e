import type { InvalidReason } from '../src/values.js';

/**
 * The error notification of the `invalid: 'error'` policy: which series, which value, and why it
 * was refused. The value never reached the statistics.
 *
 * @example
 * ```ts
 * import { InvalidReadingError } from 'streamnorm';
 * const e = new InvalidReadingError('t', NaN, 'nan');
 * e.message; // => 'invalid value for series "t": NaN (nan)'
 * ```
 */
export class InvalidReadingError extends Error {
  override readonly name = 'InvalidReadingError';

  constructor(
    /** The series the value belongs to. */
    readonly series: string,
    /** The value as it arrived. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: InvalidReason,
  ) {
    super(`invalid value for series ${JSON.stringify(series)}: ${describe(value)} (${reason})`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value);
  return String(value);
}
