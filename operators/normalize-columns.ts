import type { OperatorFunction } from 'rxjs';
import { ColumnsBuffer, normalizeBatchInto } from './engine/columns-loop.js';
import { normalizeInternals } from './internal/normalize-internals.js';
import type { ColumnBatch, NormalizedColumns } from './output/columns.js';
import type { NormalizeOptions } from './types.js';

/**
 * {@link normalize} for columns: each input is one series' values as a `Float64Array` (and
 * optional times); the series is resolved once per batch and a frozen series is transformed in a
 * tight loop over the typed arrays.
 *
 * Outputs are {@link NormalizedColumns}, one per series that produced output, row for row what
 * `normalize` would emit for the same readings in the same order.
 *
 * ```
 * batches:  --{a: [1,2,3]}------{a: [4, NaN]}--|
 *   normalizeColumns({ freeze: { afterSamples: 3 }, whileFitting: 'hold' })
 * outputs:  --{a: 3 held rows}--{a: 2 rows}----|
 * ```
 *
 * Semantics:
 * 1. All of {@link normalize}'s semantics; rows appear in value order. A plain frozen series (no
 *    pre-transform, clip or zero spread) takes the fast path; anything else (fitting, invalid
 *    values, idle eviction on) goes through the same engine as `normalize`, row by row. With the
 *    store's drift alarms on, the batch's values are then watched in order; an alarm that starts a
 *    refit ends the fast run at its value, and the rest goes row by row (with the refit's window).
 * 2. Rows of other series (held windows released by a notifier) come as their own columns.
 * 3. The batch names its series: there is no `key` option. Tags are not carried.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { normalizeColumns } from 'streamnorm';
 * const batches = [{ series: 'a', values: new Float64Array([1, 3, 5, 7]) }];
 * const [cols] = await lastValueFrom(from(batches).pipe(normalizeColumns({ freeze: { afterSamples: 2 }, whileFitting: 'drop' }), toArray()));
 * Array.from(cols?.values ?? []); // => [3, 5]
 * ```
 *
 * @see {@link normalizeChunks} for arrays of readings of any series.
 * @see {@link columnsToNormalized} to get objects back.
 *
 * @param options As {@link normalize}'s, but for `key`.
 * @returns An operator from {@link ColumnBatch} to {@link NormalizedColumns}.
 */
export function normalizeColumns(options: Omit<NormalizeOptions, 'key'> = {}): OperatorFunction<ColumnBatch, NormalizedColumns> {
  if ((options as NormalizeOptions).key !== undefined) throw new RangeError('normalizeColumns: unknown option \'key\' (a batch names its series)');
  return normalizeInternals<ColumnBatch, NormalizedColumns>(options, 'normalizeColumns', (destination) => {
    const buffer = new ColumnsBuffer();
    return {
      emit: buffer.add,
      next: (engine, batch) => normalizeBatchInto(engine, batch, buffer),
      flush: () => {
        for (const columns of buffer.take()) destination.next(columns);
      },
    };
  });
}
