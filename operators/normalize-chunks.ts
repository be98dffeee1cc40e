import type { OperatorFunction } from 'rxjs';
import type { Normalized, Reading } from '../src/reading.js';
import { appendOutput, normalizeChunkInto, takeOutputs, type OutputBuffer } from './engine/chunk-loop.js';
import { normalizeInternals } from './internal/normalize-internals.js';
import { ChunkRows, type NormalizedChunk } from './output/chunk-rows.js';
import type { NormalizeOptions } from './types.js';

/** Options of {@link normalizeChunks}: {@link normalize}'s, and the output form. */
export interface NormalizeChunksOptions extends NormalizeOptions {
  /**
   * `objects` (default): one array of {@link Normalized} per chunk. `columns`: one
   * {@link NormalizedChunk} per chunk, typed-array columns with no object per reading (the fast
   * form, and what a model wants as input).
   */
  output?: 'objects' | 'columns';
}

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
 * 4. With `output: 'columns'` each emission is a {@link NormalizedChunk}: the same rows as
 *    typed-array columns (values, raw, times, phase and flag codes, versions) plus series ids and
 *    tags, with no object per reading; {@link chunkToNormalized} gives the objects back. A raw
 *    value that is not a number reads NaN there (it is still flagged and counted), and an invalid
 *    row carries no `reason`. Under the hood both forms run the same engine; common cases (a
 *    plain frozen series, a default standard scaler fitting with provisional outputs) are inline.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { normalizeChunks } from 'streamnorm';
 * const chunks = [[{ series: 'a', value: 1 }, { series: 'a', value: 3 }], [{ series: 'a', value: 4 }]];
 * const out = await lastValueFrom(from(chunks).pipe(normalizeChunks({ freeze: { afterSamples: 2 }, whileFitting: 'drop' }), toArray()));
 * out.map((chunk) => chunk.map((n) => n.value)); // => [[2]]
 *
 * const [cols] = await lastValueFrom(from(chunks).pipe(normalizeChunks({ freeze: { afterSamples: 2 }, whileFitting: 'drop', output: 'columns' }), toArray()));
 * Array.from(cols?.values ?? []); // => [2]
 * cols?.series; // => ['a']
 * ```
 *
 * @see {@link normalize} for one reading at a time.
 * @see {@link normalizeColumns} for typed-array columns of one series.
 *
 * @param options As {@link normalize}'s, plus `output`.
 * @returns An operator from arrays of {@link Reading} to arrays of {@link Normalized}, or to
 *   {@link NormalizedChunk}s with `output: 'columns'`.
 */
export function normalizeChunks(options?: NormalizeChunksOptions & { output?: 'objects' }): OperatorFunction<readonly Reading[], Normalized[]>;
export function normalizeChunks(options: NormalizeChunksOptions & { output: 'columns' }): OperatorFunction<readonly Reading[], NormalizedChunk>;
export function normalizeChunks(options: NormalizeChunksOptions = {}): OperatorFunction<readonly Reading[], Normalized[] | NormalizedChunk> {
  const { output = 'objects', ...rest } = options;
  if (output !== 'objects' && output !== 'columns') throw new RangeError(`normalizeChunks: output must be 'objects' or 'columns', got ${String(output)}`);
  return normalizeInternals<readonly Reading[], Normalized[] | NormalizedChunk>(rest, 'normalizeChunks', (destination) => {
    const sink: OutputBuffer = { out: [], rows: output === 'columns' ? new ChunkRows(1024) : undefined, lookahead: undefined };
    return {
      emit: sink.rows === undefined ? (n) => appendOutput(sink, n) : (n) => (sink.rows as ChunkRows).addNormalized(n),
      next: (engine, chunk) => normalizeChunkInto(engine, chunk, sink),
      flush: () => {
        const emitted = takeOutputs(sink);
        if (emitted !== undefined) destination.next(emitted);
      },
    };
  });
}
