/** Exponential reconnect backoff with jitter. */
export interface BackoffOptions {
  /** Delay before the first reconnect attempt, ms (default 500). */
  initialMs?: number;
  /** Upper bound of the delay, ms (default 30 000). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /**
   * Share of the delay that is random, 0..1 (default 0.5): the delay is drawn uniformly from
   * `[d · (1 − jitter), d]`, so many clients cut off together do not reconnect in lockstep.
   */
  jitter?: number;
  /** Random source in [0, 1) (default `Math.random`); fix it for reproducible delays. */
  random?: () => number;
}

/**
 * The delay before reconnect attempt `attempt` (0 for the first):
 * `min(maxMs, initialMs · factor^attempt) · (1 − jitter · random())`.
 *
 * @throws Error for a negative or non-finite setting, or a jitter outside 0..1.
 *
 * @example
 * ```ts
 * import { backoffDelay } from 'streamnorm/mqtt';
 * const noJitter = { initialMs: 100, maxMs: 1000, jitter: 0 };
 * [0, 1, 2, 3, 4, 9].map((a) => backoffDelay(a, noJitter)); // => [100, 200, 400, 800, 1000, 1000]
 * backoffDelay(0, { initialMs: 100, jitter: 0.5, random: () => 0.5 }); // => 75
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { initialMs = 500, maxMs = 30_000, factor = 2, jitter = 0.5, random = Math.random } = options;
  for (const [name, v] of [
    ['initialMs', initialMs],
    ['maxMs', maxMs],
    ['factor', factor],
  ] as const) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`backoff ${name} must be a finite number >= 0, got ${v}`);
  }
  if (!(jitter >= 0 && jitter <= 1)) throw new Error(`backoff jitter must be in 0..1, got ${jitter}`);
  const base = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt));
  return base * (1 - jitter * random());
}
