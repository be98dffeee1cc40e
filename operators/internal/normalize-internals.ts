import type { OperatorFunction, Subscriber } from 'rxjs';
import type { Normalized, Reading } from '../../src/reading.js';
import { NormalizeEngine } from '../engine/normalize-engine.js';
import { resolveNormalizeOptions, type ResolvedNormalizeOptions } from '../engine/options.js';
import { SeriesStore } from '../store/series-store.js';
import type { NormalizeOptions } from '../types.js';
import { operate } from './operate.js';

/**
 * What a normalizing front-end does for one subscription: where outputs go and, for inputs other
 * than single readings, how an input is fed and when what it produced is emitted.
 */
export type NormalizeFront<T> = (T extends Reading ? ItemFront : never) | BatchFront<T>;

/**
 * The per-item front (`normalize`; inputs are readings): the subscriber hands each reading to the
 * engine's `next` itself. One call fewer per reading than through a `next` of the front, a call
 * site that saw three functions in the benchmark's process (the chunked and columnar fronts run
 * there too): the per-item section's frozen figures were up to a tenth lower through it (two runs
 * each).
 */
export interface ItemFront {
  /** Receives the engine's outputs. */
  emit: (n: Normalized) => void;
}

/** A front whose inputs carry many readings (`normalizeChunks`, `normalizeColumns`). */
export interface BatchFront<T> {
  /** Receives the engine's outputs. */
  emit: (n: Normalized) => void;
  /** Feeds one input to the engine. */
  next: (engine: NormalizeEngine, input: T) => void;
  /** Emits what was collected (after each input, a notification and completion; and before an error). */
  flush: () => void;
}

/**
 * The shared machinery of `normalize`, `normalizeChunks` and `normalizeColumns` (as RxJS's
 * `scanInternals` serves `scan` and `reduce`): checks the options once, and per subscription makes
 * the store (unless one is given) and the engine, attaches it to the store (a second learner is
 * refused there), subscribes the freeze notifiers, and feeds inputs to the engine: a reading
 * directly, a batch through its front-end, which says how it reaches the engine and when its
 * outputs are emitted. The front-end also says where outputs go.
 */
export function normalizeInternals<T, R>(options: NormalizeOptions, where: string, makeFront: (destination: Subscriber<R>) => NormalizeFront<T>, extraKeys: readonly string[] = []): OperatorFunction<T, R> {
  const resolved = resolveNormalizeOptions(options, where, extraKeys);
  if (options.store && options.initial !== undefined) options.store.restore(options.initial);
  return operate<T, R>((destination) => {
    const front = makeFront(destination);
    const store = options.store ?? new SeriesStore({ ...resolved.eviction, ...(options.initial === undefined ? {} : { initial: options.initial }) });
    const engine = new NormalizeEngine(resolved, store, front.emit);
    const batch = 'next' in front ? front : undefined;
    if (batch !== undefined) engine.sliced = () => runGuarded(destination, batch.flush);
    engine.attach();
    subscribeNotifiers(destination, resolved, engine, batch?.flush);
    if (batch === undefined) {
      return {
        next: (input) => engine.next(input as Reading),
        complete: () => engine.complete(),
        finalize: () => engine.finalize(),
      };
    }
    const { next, flush } = batch;
    return {
      next: (input) => {
        try {
          next(engine, input);
        } catch (e) {
          flush(); // what the per-item form emitted before the error
          throw e;
        }
        flush();
      },
      complete: () => {
        engine.complete();
        flush();
      },
      finalize: () => engine.finalize(),
    };
  });
}

/**
 * Subscribes the freeze notifiers for one subscription: each emission freezes (through the engine),
 * then `afterNotify` runs (the chunked forms emit what the freeze released); an exception becomes an
 * error notification, a notifier's error errors the output.
 */
function subscribeNotifiers(destination: Subscriber<unknown>, resolved: ResolvedNormalizeOptions, engine: NormalizeEngine, afterNotify: (() => void) | undefined): void {
  const approval = resolved.rule.approval;
  if (approval !== undefined) {
    destination.add(
      approval.subscribe({
        next: (v) =>
          runGuarded(destination, () => {
            engine.approve(v);
            afterNotify?.();
          }),
        error: (e) => destination.error(e),
      }),
    );
  }
  for (const notifier of resolved.rule.notifiers) {
    destination.add(
      notifier.subscribe({
        next: (v) =>
          runGuarded(destination, () => {
            engine.notify(v);
            afterNotify?.();
          }),
        error: (e) => destination.error(e),
      }),
    );
  }
}

/** Runs `fn`, turning an exception into an error notification of `destination`. */
export function runGuarded(destination: { error(e: unknown): void }, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    destination.error(e);
  }
}
