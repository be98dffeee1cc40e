import type { OperatorFunction } from 'rxjs';
import type { Normalized } from '../src/reading.js';
import { outputRow, OutputRows, PHASE_FROZEN, type OutputColumns } from './output-rows.js';
import { operate } from './internal/operate.js';
import type { NormalizeEngine } from './normalize-engine.js';
import { createEngine, subscribeNotifiers } from './normalize.js';
import { resolveNormalizeOptions } from './normalize-options.js';
import type { NormalizeOptions } from './types.js';

/** Values of one series as typed-array columns: the input of {@link normalizeColumns}. */
export interface ColumnBatch {
  series: string;
  values: Float64Array | readonly number[];
  /** Event times in ms, one per value (optional). */
  times?: Float64Array | readonly number[];
}

/** Outputs of one series as columns; row i is one {@link Normalized}. */
export interface NormalizedColumns extends OutputColumns {
  series: string;
  /**
   * Raw values (invalid ones as NaN). For a batch of a plain frozen series with only valid values,
   * this is the input's `values` itself when that is a `Float64Array` (not a copy).
   */
  raw: Float64Array;
}

/**
 * Columns back to {@link Normalized} objects (as {@link normalize} would emit them, except that
 * tags are absent and invalid raw values read NaN and carry no `reason`).
 *
 * @example
 * ```ts
 * import { columnsToNormalized } from 'streamnorm';
 * const cols = { series: 'a', values: new Float64Array([0.5]), raw: new Float64Array([3]), times: new Float64Array([NaN]), phase: new Uint8Array([1]), flag: new Uint8Array([0]), version: new Uint32Array([1]) };
 * columnsToNormalized(cols).map((n) => [n.value, n.phase, n.version]); // => [[0.5, 'frozen', 1]]
 * ```
 */
export function columnsToNormalized(c: NormalizedColumns): Normalized[] {
  return Array.from(c.values, (_, i) => outputRow(c, c.series, i));
}

/** Growable columns for one series. */
class ColumnWriter extends OutputRows {
  constructor(
    readonly series: string,
    capacity: number,
  ) {
    super(capacity);
  }

  finish(): NormalizedColumns {
    const n = this.length;
    return { series: this.series, values: this.values.subarray(0, n), raw: this.raw.subarray(0, n), times: this.times.subarray(0, n), phase: this.phase.subarray(0, n), flag: this.flag.subarray(0, n), version: this.version.subarray(0, n) };
  }
}

/**
 * `out[i] = (values[i] − c) · s + 0` (+ 0 as the core: −0 becomes 0); false at the first value
 * that is not finite (the engine then applies the invalid policy). Only typed arrays and numbers,
 * so its optimized code holds no object that a garbage collection could invalidate.
 */
function transformInto(values: Float64Array, out: Float64Array, c: number, s: number): boolean {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    if (x - x !== 0) return false;
    out[i] = (x - c) * s + 0;
  }
  return true;
}

/** {@link transformInto} for a plain array, where `null − null` is 0: non-numbers are refused too. */
function transformArrayInto(values: readonly number[], out: Float64Array, c: number, s: number): boolean {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    if (typeof x !== 'number' || x - x !== 0) return false;
    out[i] = (x - c) * s + 0;
  }
  return true;
}

/**
 * The fast path of {@link normalizeColumns}: a batch of a plain frozen series with only finite
 * values, as columns in one buffer (`raw` is the input's `values` when that is a `Float64Array`,
 * `times` the input's when that is one of the right length); undefined when the batch needs the
 * row-by-row path (not plain, not frozen, or an invalid value anywhere).
 */
function wholeBatchFrozen(engine: NormalizeEngine, batch: ColumnBatch): NormalizedColumns | undefined {
  const { series, values, times } = batch;
  const slot = engine.plainFrozenSlot(series);
  if (slot === undefined) return undefined;
  const n = values.length;
  const hot = engine.store.columns.hot;
  const c = hot[slot * 4] as number;
  const s = hot[slot * 4 + 1] as number;
  const ownTimes = !(times instanceof Float64Array && times.length === n);
  const buffer = new ArrayBuffer(n * (ownTimes ? 22 : 14));
  const out = new Float64Array(buffer, 0, n);
  if (!(values instanceof Float64Array ? transformInto(values, out, c, s) : transformArrayInto(values, out, c, s))) return undefined;
  let at = n * 8;
  let outTimes: Float64Array;
  if (ownTimes) {
    outTimes = new Float64Array(buffer, at, n);
    at += n * 8;
    if (times === undefined) outTimes.fill(NaN);
    else for (let i = 0; i < n; i++) outTimes[i] = (times[i] as number | undefined) ?? NaN;
  } else {
    outTimes = times;
  }
  const version = new Uint32Array(buffer, at, n).fill(engine.store.columns.version(slot));
  const phase = new Uint8Array(buffer, at + n * 4, n).fill(1);
  const flag = new Uint8Array(buffer, at + n * 5, n);
  engine.store.diag.totals.readings += n;
  return { series, values: out, raw: values instanceof Float64Array ? values : Float64Array.from(values), times: outTimes, phase, flag, version };
}

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
 *    values, idle eviction on) goes through the same engine as `normalize`, row by row.
 * 2. Rows of other series (held windows released by a notifier) come as their own columns.
 * 3. The `key` option is not used: the batch names its series. Tags are not carried.
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
 * @param options As {@link normalize}'s (`key` is ignored).
 * @returns An operator from {@link ColumnBatch} to {@link NormalizedColumns}.
 */
export function normalizeColumns(options: NormalizeOptions = {}): OperatorFunction<ColumnBatch, NormalizedColumns> {
  const resolved = resolveNormalizeOptions({ ...options, key: undefined });
  if (options.store && options.initial !== undefined) options.store.restore(options.initial);
  return operate<ColumnBatch, NormalizedColumns>((destination) => {
    const writers: ColumnWriter[] = [];
    let current: ColumnWriter | undefined;
    let capacity = 8;
    const sink = (n: Normalized): void => {
      if (current === undefined || current.series !== n.series) {
        current = new ColumnWriter(n.series, capacity);
        writers.push(current);
      }
      current.addNormalized(n);
    };
    const engine = createEngine({ ...options, key: undefined }, resolved, sink);
    const flush = (): void => {
      const ws = writers.splice(0);
      current = undefined;
      for (const w of ws) destination.next(w.finish());
    };
    subscribeNotifiers(destination, resolved, engine, flush);
    const slowRow = (series: string, value: number, time: number | undefined): void => {
      engine.next(time === undefined || time !== time ? { series, value } : { series, value, time });
    };
    return {
      next: (batch) => {
        const { series, values, times } = batch;
        const n = values.length;
        capacity = n;
        let i = 0;
        try {
          if (writers.length === 0 && !engine.evict) {
            const whole = wholeBatchFrozen(engine, batch);
            if (whole !== undefined) {
              destination.next(whole);
              return;
            }
          }
          while (i < n) {
            const slot = engine.evict ? undefined : engine.plainFrozenSlot(series);
            if (slot === undefined) {
              slowRow(series, values[i] as number, times?.[i]);
              i++;
              continue;
            }
            // Fast path: a plain frozen series stays frozen for the rest of the batch.
            const cols = engine.store.columns;
            const c = cols.hot[slot * 4] as number;
            const s = cols.hot[slot * 4 + 1] as number;
            const version = cols.version(slot);
            if (current === undefined || current.series !== series) {
              current = new ColumnWriter(series, n - i);
              writers.push(current);
            }
            const w = current;
            let seen = 0;
            for (; i < n; i++) {
              const x = values[i] as number;
              if (typeof x !== 'number' || x - x !== 0) break; // invalid (null - null is 0): the engine applies the policy
              const j = w.add();
              w.values[j] = (x - c) * s + 0; // + 0 as the core: -0 becomes 0
              w.raw[j] = x;
              w.times[j] = times === undefined ? NaN : ((times[i] as number | undefined) ?? NaN);
              w.phase[j] = PHASE_FROZEN;
              w.flag[j] = 0;
              w.version[j] = version;
              seen++;
            }
            engine.store.diag.totals.readings += seen;
            if (i < n) {
              slowRow(series, values[i] as number, times?.[i]);
              i++;
            }
          }
        } catch (e) {
          flush();
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
