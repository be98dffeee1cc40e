import type { OperatorFunction } from 'rxjs';
import type { Normalized, Reading } from '../src/reading.js';
import { operate } from './internal/operate.js';
import { ChunkRows } from './chunk-rows.js';
import { NormalizeEngine } from './normalize-engine.js';
import { resolveNormalizeOptions, type ResolvedNormalizeOptions } from './normalize-options.js';
import { SeriesStore } from './series-store.js';
import type { NormalizeOptions } from './types.js';

/**
 * Fits statistics per series on a training window, freezes them, and normalizes every reading
 * with the frozen statistics: the same numbers at serving as at training, no leakage.
 *
 * Each series (by `key`, default `reading.series`) gets its own scaler from `scaler`. It learns
 * until its freeze point; from then on its readings are transformed with statistics that never
 * change. What comes out while it learns is up to you (`whileFitting`).
 *
 * ```
 * readings:  --1--2--3--NaN--4------|
 *   normalize({ freeze: { afterSamples: 3 }, whileFitting: 'hold' })
 * outputs:   --------(abc)--n--d----|        a,b,c held (frozen stats); n flagged invalid
 * ```
 *
 * Semantics:
 * 1. Invalid values (NaN, ±Infinity, null, non-numbers, out of a pre-transform's domain) never
 *    reach the statistics; by `invalid` they are dropped, flagged (`flag: 'invalid'`, `reason`,
 *    value NaN; the default) or raised as an {@link InvalidReadingError}; all are counted per series
 *    and reason in the store's diagnostics.
 * 2. Freeze points (`freeze`): after N valid samples (the N-th is in the window), after a span of
 *    event time from the series' first reading, at an event time, when a notifier emits (all
 *    series, or those it names), or never. Out-of-order times are accepted and counted.
 * 3. While fitting (`whileFitting`): `drop`, `raw`, `provisional` (default; statistics so far,
 *    version 0) or `hold` (released at the freeze with the frozen statistics, `flag: 'held'`; at
 *    most `holdLimit` values, then the `holdOverflow` fallback, counted). Held values still held
 *    when the source completes are released by the fallback and counted, not lost.
 * 4. Frozen outputs carry the statistics' version; a zero spread is flagged `zero-spread`.
 * 5. Series not in the store follow `unknownSeries`: fit (default), a fallback's statistics
 *    (`flag: 'fallback'`), raw, or drop. `initial` makes series start frozen.
 * 6. State is per subscription unless `store` is given; `idleEvictMs` evicts quiet series.
 * 7. An exception in `key` or `scaler` becomes an error notification; errors and completion of
 *    the source (and errors of a notifier) pass through; unsubscribing stops a synchronous source.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { normalize } from 'streamnorm';
 * const readings = [2, 4, 6, 8, 'x'].map((value, i) => ({ series: 'temp', value, time: i * 1000 }));
 * const out = await lastValueFrom(
 *   from(readings).pipe(normalize({ freeze: { afterSamples: 3 }, whileFitting: 'hold' }), toArray()),
 * );
 * out.map((n) => [n.value, n.flag ?? n.phase]); // => [[-1.224744871391589, 'held'], [0, 'held'], [1.224744871391589, 'held'], [2.449489742783178, 'frozen'], [NaN, 'invalid']]
 * ```
 *
 * @see {@link SeriesStore} to share, read, save and restore the state.
 * @see {@link normalizeChunks} and {@link normalizeColumns} for arrays of readings.
 * @see {@link inverseNormalize} to map model outputs back.
 *
 * @param options Scaler, freeze points and policies; see {@link NormalizeOptions}.
 * @returns An operator from {@link Reading} to {@link Normalized}.
 */
export function normalize(options: NormalizeOptions = {}): OperatorFunction<Reading, Normalized> {
  const resolved = resolveNormalizeOptions(options);
  if (options.store && options.initial !== undefined) options.store.restore(options.initial);
  return operate<Reading, Normalized>((destination) => {
    const engine = createEngine(options, resolved, (n) => destination.next(n));
    subscribeNotifiers(destination, resolved, engine);
    return { next: (r) => engine.next(r), complete: () => engine.complete(), finalize: () => engine.finalize() };
  });
}

/** A new engine on the given store, or on a fresh store holding `initial`. */
export function createEngine(options: NormalizeOptions, resolved: ResolvedNormalizeOptions, emit: (n: Normalized) => void): NormalizeEngine {
  const store = options.store ?? new SeriesStore(options.initial === undefined ? {} : { initial: options.initial });
  return new NormalizeEngine(resolved, store, emit);
}

/**
 * Subscribes the freeze notifiers for one subscription: each emission freezes (through the
 * engine), then `afterNotify` runs (the chunked forms flush what the freeze released); an
 * exception becomes an error notification, a notifier's error errors the output.
 */
export function subscribeNotifiers(
  destination: { add(teardown: { unsubscribe(): void }): void; error(e: unknown): void },
  resolved: ResolvedNormalizeOptions,
  engine: NormalizeEngine,
  afterNotify?: () => void,
): void {
  for (const notifier of resolved.notifiers) {
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

/**
 * One small store and engine kept for the life of the process, run once through fitting and a
 * freeze. V8 forgets the hidden classes of scalers, statistics and stores once every instance is
 * garbage, and with them the optimized code that used them: a pipeline built after its
 * predecessors were collected would start cold again. Holding one live instance of each keeps
 * those classes (a few hundred bytes).
 */
const _keptShapes: readonly unknown[] = keepShapes();

function keepShapes(): readonly unknown[] {
  const store = new SeriesStore();
  const outputs: Normalized[] = [];
  const engine = new NormalizeEngine(resolveNormalizeOptions({ freeze: { afterSamples: 3 } }), store, (n) => outputs.push(n));
  [1.5, 2.25, 3.125, 4.5].forEach((value, i) => engine.next({ series: 'a', value, time: i + 0.5 }));
  engine.next({ series: 'b', value: 0.75, time: 1.5 });
  // A compact fit that stays fitting, and a chunk's columns written by both the inline and the general path.
  const rows = new ChunkRows(8);
  engine.fitCompactProvisional('b', store.index.get('b') as number, { series: 'b', value: 1.25, time: 2.5 }, rows);
  rows.addNormalized({ series: 'b', raw: 1, value: 0.5, phase: 'fitting', version: 0, flag: 'provisional' });
  return [store, engine, outputs, rows, rows.finish()];
}
