import { Observable, Subscriber, type OperatorFunction } from 'rxjs';

/** The callbacks of an {@link operate} body; each runs with errors turned into error notifications. */
export interface OperateHandlers<T> {
  next(value: T): void;
  complete?(): void;
  /** Runs once when the subscription ends for any reason (complete, error, unsubscribe). */
  finalize?(): void;
}

/**
 * Subscribes to the source with a subscriber that is chained to the destination before the
 * first value, as RxJS's own operators do (`operate` + `OperatorSubscriber`, internal in RxJS 7).
 *
 * Why not `new Observable(d => source.subscribe({...}))`: with a synchronous source that returns
 * its subscription too late for a downstream `take(n)` to stop it (rxjs#5369). Here the source
 * sees our subscriber, which closes when the destination closes, so `range(0, 1e6)` stops at once.
 *
 * Semantics: an exception thrown by `next` or `complete` becomes an error notification and stops
 * the source; source errors pass through unchanged; `finalize` runs exactly once.
 */
export function operate<T, R>(init: (destination: Subscriber<R>) => OperateHandlers<T>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((destination) => {
      const handlers = init(destination);
      const inner = new ChainedSubscriber<T, R>(destination, handlers);
      source.subscribe(inner);
    });
}

class ChainedSubscriber<T, R> extends Subscriber<T> {
  private finalized = false;

  constructor(
    private readonly out: Subscriber<R>,
    private readonly handlers: OperateHandlers<T>,
  ) {
    // Chains this subscriber to `out`: unsubscribing `out` closes this one, which a synchronous
    // source checks between values.
    super(out);
  }

  protected override _next(value: T): void {
    try {
      this.handlers.next(value);
    } catch (err) {
      this.out.error(err);
    }
  }

  protected override _error(err: unknown): void {
    try {
      this.out.error(err);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    try {
      this.handlers.complete?.();
      this.out.complete();
    } catch (err) {
      this.out.error(err);
    } finally {
      this.unsubscribe();
    }
  }

  override unsubscribe(): void {
    if (this.closed) return;
    super.unsubscribe();
    if (!this.finalized) {
      this.finalized = true;
      this.handlers.finalize?.();
    }
  }
}
