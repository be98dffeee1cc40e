import type { Observable } from 'rxjs';

/**
 * Consumes an Observable as an async iterable (values buffered while the consumer is busy; an
 * error is thrown from the loop; breaking out unsubscribes).
 */
export async function* observableToAsyncIterable<T>(source: Observable<T>): AsyncGenerator<T> {
  let queue: T[] = [];
  let done = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const sub = source.subscribe({
    next: (v) => {
      queue.push(v);
      wake?.();
    },
    error: (error: unknown) => {
      failure = { error };
      wake?.();
    },
    complete: () => {
      done = true;
      wake?.();
    },
  });
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        for (const v of batch) yield v;
        continue;
      }
      if (failure) throw failure.error;
      if (done) return;
      await new Promise<void>((r) => (wake = r));
      wake = undefined;
    }
  } finally {
    sub.unsubscribe();
  }
}
