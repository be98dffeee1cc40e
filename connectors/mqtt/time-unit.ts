/**
 * The unit of a numeric timestamp in a payload: seconds, milliseconds, microseconds, nanoseconds,
 * or `auto` (guessed from the magnitude, see {@link toMillis}).
 */
export type TimeUnit = 's' | 'ms' | 'us' | 'ns' | 'auto';

const PER_MS: Record<Exclude<TimeUnit, 'auto'>, number> = { s: 1e-3, ms: 1, us: 1e3, ns: 1e6 };

/**
 * The unit `auto` picks for a timestamp: |t| < 1e11 is seconds (1e11 s is the year 5138),
 * < 1e14 milliseconds, < 1e17 microseconds, else nanoseconds. Every epoch timestamp from
 * 1973-03-03 to 5138 is read right in every unit; millisecond stamps before 1973-03-03 are
 * read as seconds, so give the unit explicitly for old data.
 *
 * @example
 * ```ts
 * import { detectTimeUnit } from 'streamnorm/mqtt';
 * detectTimeUnit(1_700_000_000); // => 's'
 * detectTimeUnit(1_700_000_000_000); // => 'ms'
 * detectTimeUnit(1_700_000_000_000_000); // => 'us'
 * detectTimeUnit(1.7e18); // => 'ns'
 * ```
 */
export function detectTimeUnit(t: number): Exclude<TimeUnit, 'auto'> {
  const a = Math.abs(t);
  return a < 1e11 ? 's' : a < 1e14 ? 'ms' : a < 1e17 ? 'us' : 'ns';
}

/**
 * Converts a numeric timestamp to milliseconds since the epoch (fractional when the unit is finer).
 * Returns undefined for a non-finite input, so a bad timestamp is never mistaken for a good one.
 * Nanosecond stamps beyond 2^53 have already lost their last digits in a JSON number; the
 * millisecond result is still exact to well under a microsecond.
 *
 * @example
 * ```ts
 * import { toMillis } from 'streamnorm/mqtt';
 * toMillis(1_700_000_000.5, 's'); // => 1_700_000_000_500
 * toMillis(1_700_000_000_000_000, 'auto'); // => 1_700_000_000_000
 * toMillis(NaN, 'ms'); // => undefined
 * ```
 */
export function toMillis(t: number, unit: TimeUnit): number | undefined {
  if (!Number.isFinite(t)) return undefined;
  const u = unit === 'auto' ? detectTimeUnit(t) : unit;
  return u === 'ms' ? t : u === 's' ? t * 1000 : t / PER_MS[u];
}
