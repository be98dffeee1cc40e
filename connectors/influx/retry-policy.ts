/**
 * When to retry a write after a 429, 5xx or network error, and how long to wait: exponential
 * backoff `minDelay · factor^(attempt−1)`, capped at `maxDelay`, with random jitter added, and a
 * server's `Retry-After` honoured (capped at `maxDelay`).
 */
export interface RetryOptions {
  /** Retries of one batch before its lines count as `retries-exhausted` (default 10). */
  maxRetries?: number;
  /** Also give up once this many ms have passed since the first attempt (default 180 000). */
  maxRetryTime?: number;
  /** First delay in ms (default 250). */
  minDelay?: number;
  /** Largest delay in ms (default 15 000). */
  maxDelay?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Random extra delay, up to this fraction of the delay (default 0.2). */
  jitter?: number;
}

/** {@link RetryOptions} with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

/** Fills the defaults of {@link RetryOptions} and checks them. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const p: RetryPolicy = {
    maxRetries: options.maxRetries ?? 10,
    maxRetryTime: options.maxRetryTime ?? 180_000,
    minDelay: options.minDelay ?? 250,
    maxDelay: options.maxDelay ?? 15_000,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? 0.2,
  };
  for (const [k, v] of Object.entries(p)) {
    if (!(v >= 0)) throw new RangeError(`retry option ${k} must be a number >= 0, got ${v}`);
  }
  if (p.factor < 1) throw new RangeError(`retry option factor must be >= 1, got ${p.factor}`);
  return p;
}

/** The delay in ms before retry number `attempt` (1 for the first retry). */
export function retryDelay(p: RetryPolicy, attempt: number, retryAfter?: number): number {
  const base = retryAfter ?? p.minDelay * p.factor ** (attempt - 1);
  const capped = Math.min(base, p.maxDelay);
  return capped + Math.random() * p.jitter * capped;
}
