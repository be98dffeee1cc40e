import { optionKeys, refuseUnknownKeys } from '../../src/options.js';
import { backoffDelay, backoffSettings, type BackoffOptions, type BackoffPolicy } from '../backoff.js';

/**
 * When to retry a write after a 429, 5xx or network error, and how long to wait: the backoff of
 * every streamnorm retry ({@link backoffDelay}), a server's `Retry-After` honoured (never retried
 * sooner, capped at `maxMs`), and a budget of retries and time.
 */
export interface RetryOptions extends BackoffOptions {
  /** Retries of one batch before its lines count as `retries-exhausted` (default 10). */
  maxRetries?: number;
  /** Also give up once this many ms have passed since the first attempt (default 180 000). */
  maxRetryTime?: number;
}

/** {@link RetryOptions} with every default filled in. */
export type RetryPolicy = BackoffPolicy & { maxRetries: number; maxRetryTime: number };

/** The names 0.1.0 used for what the backoff now calls `initialMs` and `maxMs`. */
const RENAMED: Record<string, string> = { minDelay: 'initialMs', maxDelay: 'maxMs' };
const KNOWN = optionKeys<RetryOptions>({ maxRetries: true, maxRetryTime: true, initialMs: true, maxMs: true, factor: true, jitter: true, random: true });

/** Fills the defaults of {@link RetryOptions} and checks them; refuses unknown option names. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  for (const key of Object.keys(options)) {
    if (RENAMED[key]) throw new RangeError(`retry: option '${key}' is now called '${RENAMED[key]}' (the backoff options are shared with MQTT reconnects)`);
  }
  refuseUnknownKeys(options, KNOWN, 'retry');
  const p: RetryPolicy = { ...backoffSettings(options), maxRetries: options.maxRetries ?? 10, maxRetryTime: options.maxRetryTime ?? 180_000 };
  for (const k of ['maxRetries', 'maxRetryTime'] as const) {
    if (!(p[k] >= 0)) throw new RangeError(`retry option ${k} must be a number >= 0, got ${p[k]}`);
  }
  return p;
}

/** The delay in ms before retry number `attempt` (1 for the first retry). */
export function retryDelay(p: RetryPolicy, attempt: number, retryAfter?: number): number {
  const { initialMs, maxMs, factor, jitter, random } = p;
  const backoff = backoffDelay(attempt - 1, { initialMs, maxMs, factor, jitter, random });
  return retryAfter === undefined ? backoff : Math.max(Math.min(retryAfter, p.maxMs), backoff);
}
