import { optionKeys, refuseUnknownKeys } from '../src/options.js';
/**
 * Exponential backoff with jitter: one policy for every retry streamnorm makes (MQTT reconnects,
 * InfluxDB write retries), with one set of option names and one jitter.
 */
export interface BackoffOptions {
  /** Delay before the first retry, ms (default 500). */
  initialMs?: number;
  /** Upper bound of the delay, ms (default 30 000). */
  maxMs?: number;
  /** Growth per failed attempt, >= 1 (default 2). */
  factor?: number;
  /**
   * Share of the delay that is random, 0..1 (default 0.5): the delay is drawn uniformly from
   * `[d · (1 − jitter), d]`, so many clients cut off together do not retry in lockstep, and a
   * delay never exceeds `maxMs`.
   */
  jitter?: number;
  /** Random source in [0, 1) (default `Math.random`); fix it for reproducible delays. */
  random?: () => number;
}

/** {@link BackoffOptions} with every default filled in. */
export type BackoffPolicy = Required<BackoffOptions>;

/**
 * Fills the defaults of {@link BackoffOptions} and checks them.
 *
 * @throws RangeError naming an unknown option, a negative or non-finite setting, a factor below 1 or a jitter outside 0..1.
 *
 * @example
 * ```ts
 * import { backoffPolicy } from 'streamnorm/mqtt';
 * const p = backoffPolicy({ initialMs: 100 });
 * [p.initialMs, p.maxMs, p.factor, p.jitter]; // => [100, 30000, 2, 0.5]
 * ```
 */
export function backoffPolicy(options: BackoffOptions = {}): BackoffPolicy {
  refuseUnknownKeys(options, BACKOFF_KEYS, 'backoff');
  return backoffSettings(options);
}

/** The keys of {@link BackoffOptions}. */
export const BACKOFF_KEYS = optionKeys<BackoffOptions>({ initialMs: true, maxMs: true, factor: true, jitter: true, random: true });

/** {@link backoffPolicy} without the key check: for option types that extend {@link BackoffOptions}. */
export function backoffSettings(options: BackoffOptions): BackoffPolicy {
  const { initialMs = 500, maxMs = 30_000, factor = 2, jitter = 0.5, random = Math.random } = options;
  for (const [name, v] of [
    ['initialMs', initialMs],
    ['maxMs', maxMs],
    ['factor', factor],
  ] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`backoff ${name} must be a finite number >= 0, got ${v}`);
  }
  if (factor < 1) throw new RangeError(`backoff factor must be >= 1, got ${factor}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`backoff jitter must be in 0..1, got ${jitter}`);
  return { initialMs, maxMs, factor, jitter, random };
}

/**
 * The delay before retry number `attempt` (0 for the first):
 * `min(maxMs, initialMs · factor^attempt) · (1 − jitter · random())`.
 *
 * @throws RangeError for bad options (see {@link backoffPolicy}).
 *
 * @example
 * ```ts
 * import { backoffDelay } from 'streamnorm/mqtt';
 * const noJitter = { initialMs: 100, maxMs: 1000, jitter: 0 };
 * [0, 1, 2, 3, 4, 9].map((a) => backoffDelay(a, noJitter)); // => [100, 200, 400, 800, 1000, 1000]
 * backoffDelay(0, { initialMs: 100, jitter: 0.5, random: () => 0.5 }); // => 75
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions | BackoffPolicy = {}): number {
  const p = backoffPolicy(options);
  const base = Math.min(p.maxMs, p.initialMs * p.factor ** Math.max(0, attempt));
  return base * (1 - p.jitter * p.random());
}
