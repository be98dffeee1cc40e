import type { OperatorFunction } from 'rxjs';
import type { Normalized, Reading } from '../src/reading.js';
import { operate } from './internal/operate.js';
import { createEngine, subscribeNotifiers } from './normalize.js';
import type { OutputBuffer } from './normalize-engine.js';
import { resolveNormalizeOptions } from './normalize-options.js';
import type { NormalizeOptions } from './types.js';

/**
 * {@link normalize} for arrays of readings: the same per-series lifecycle and policies, one
 * output array per input array, for sources that deliver readings in chunks (a decoded MQTT
 * batch, an InfluxDB page) and for throughput.
 *
 * Concatenating the output arrays gives exactly what `normalize` gives for the concatenated
 * input, value for value (both run the same engine).
 *
 * ```
 * chunks:   --[a,b]----[c,NaN,d]--|
 *   normalizeChunks({ freeze: { afterSamples: 2 }, whileFitting: 'drop' })
 * outputs:  -----------[c',n,d']--|      (no array for a chunk with no outputs)
 * ```
 *
 * Semantics:
 * 1. All of {@link normalize}'s semantics, per reading, in array order.
 * 2. A chunk that produces no output emits nothing; outputs caused by a notifier (held windows
 *    released at a freeze) come as their own array.
 * 3. Errors (a throwing `key`, `invalid: 'error'`) end the stream at that reading; the outputs of
 *    the same chunk before it are emitted first, as the per-item form would have.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { normalizeChunks } from 'streamnorm';
 * const chunks = [[{ series: 'a', value: 1 }, { series: 'a', value: 3 }], [{ series: 'a', value: 4 }]];
 * const out = await lastValueFrom(from(chunks).pipe(normalizeChunks({ freeze: { afterSamples: 2 }, whileFitting: 'drop' }), toArray()));
 * out.map((chunk) => chunk.map((n) => n.value)); // => [[2]]
 * ```
 *
 * @see {@link normalize} for one reading at a time.
 * @see {@link normalizeColumns} for typed-array columns of one series.
 *
 * @param options As {@link normalize}'s.
 * @returns An operator from arrays of {@link Reading} to arrays of {@link Normalized}.
 */
export function normalizeChunks(options: NormalizeOptions = {}): OperatorFunction<readonly Reading[], Normalized[]> {
  const resolved = resolveNormalizeOptions(options);
  if (options.store && options.initial !== undefined) options.store.restore(options.initial);
  return operate<readonly Reading[], Normalized[]>((destination) => {
    const sink: OutputBuffer = { out: [] };
    const engine = createEngine(options, resolved, (n) => sink.out.push(n));
    const flush = (): void => {
      if (sink.out.length === 0) return;
      const out = sink.out;
      sink.out = [];
      destination.next(out);
    };
    subscribeNotifiers(destination, resolved, engine, flush);
    return {
      next: (chunk) => {
        try {
          engine.nextChunk(chunk, sink);
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
