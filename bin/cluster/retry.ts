import { backoffDelay, backoffPolicy } from '../../connectors/backoff.js';

/** The retry delays of {@link untilAnswered}: the shared backoff, from a quarter second up to one (an election takes a few seconds). */
const RETRY = backoffPolicy({ initialMs: 250, maxMs: 1_000 });

/** Errors of a JetStream that does not answer yet or for a while (a cluster electing leaders). */
export const TRANSIENT = /timeout|no responders|not ready|not enabled|503|no leader/i;

/**
 * Runs `step` until it succeeds, for up to `withinMs` (default a minute), retrying errors that
 * {@link TRANSIENT} names with the shared backoff ({@link RETRY}); other errors, and the last one, are thrown.
 */
export async function untilAnswered<T>(step: () => Promise<T>, onRetry?: (message: string) => void, withinMs = 60_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      const message = (e as Error).message;
      if (!TRANSIENT.test(message) || Date.now() > deadline) throw e;
      if (attempt === 0) onRetry?.(message);
      await new Promise((r) => setTimeout(r, backoffDelay(attempt, RETRY)));
    }
  }
}
