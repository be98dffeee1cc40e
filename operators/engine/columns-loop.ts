import type { Normalized } from '../../src/reading.js';
import { OutputRows } from '../output/output-rows.js';
import type { ColumnBatch, NormalizedColumns } from '../output/columns.js';
import { PHASE_FROZEN } from '../output/codes.js';
import type { NormalizeEngine } from './normalize-engine.js';
import { watchFrozenRun } from './lifecycle-step.js';

/** Growable output columns of one series. */
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
 * Where `normalizeColumns` collects the outputs of one subscription: columns per series in output
 * order (a new writer whenever the series changes), and whole batches that took the fast path.
 */
export class ColumnsBuffer {
  private writers: (ColumnWriter | NormalizedColumns)[] = [];
  private current: ColumnWriter | undefined;
  /** Rows a new writer starts with (the batch's length). */
  capacity = 8;

  /** Adds one output (the engine's emit). */
  readonly add = (n: Normalized): void => {
    this.writerFor(n.series, this.capacity).addNormalized(n);
  };

  /** The writer of `series` at the end of the outputs, new if the last output was of another series. */
  writerFor(series: string, capacity: number): ColumnWriter {
    if (this.current === undefined || this.current.series !== series) {
      this.current = new ColumnWriter(series, capacity);
      this.writers.push(this.current);
    }
    return this.current;
  }

  /** Whether nothing is buffered. */
  get empty(): boolean {
    return this.writers.length === 0;
  }

  /** Adds a batch's finished columns. */
  push(columns: NormalizedColumns): void {
    this.current = undefined;
    this.writers.push(columns);
  }

  /** The buffered columns, taken out. */
  take(): NormalizedColumns[] {
    const ws = this.writers;
    this.writers = [];
    this.current = undefined;
    return ws.map((w) => (w instanceof ColumnWriter ? w.finish() : w));
  }
}

/**
 * Handles one batch of one series exactly as `engine.next` would value by value, with a plain
 * frozen series transformed in a tight loop over the typed arrays: the whole batch in one buffer
 * when every value is finite, else run by run with the engine taking each invalid value.
 */
export function normalizeBatchInto(engine: NormalizeEngine, batch: ColumnBatch, buffer: ColumnsBuffer): void {
  const { series, values, times } = batch;
  const n = values.length;
  buffer.capacity = n;
  let i = buffer.empty && !engine.evict ? wholeBatchFrozen(engine, batch, buffer) : 0;
  const table = engine.store.table;
  while (i < n) {
    const slot = engine.evict ? undefined : engine.plainFrozenSlot(series);
    if (slot === undefined) {
      slowRow(engine, series, values[i], times?.[i]);
      i++;
      continue;
    }
    // A plain frozen series stays frozen for the rest of the batch.
    const version = table.plainVersion(slot);
    const w = buffer.writerFor(series, n - i);
    w.reserve(n - i);
    const start = w.length;
    let end = engine.o.time.firstImplausible(times, i, table.transformPlainInto(slot, values, i, w.values, start));
    if (engine.watching) end = watchFrozenRun(engine, series, slot, values, times, i, end);
    for (let j = i; j < end; j++) {
      const k = start + j - i;
      w.raw[k] = values[j] as number;
      w.times[k] = times === undefined ? NaN : ((times[j] as number | undefined) ?? NaN);
      w.phase[k] = PHASE_FROZEN;
      w.flag[k] = 0;
      w.version[k] = version;
    }
    w.length = start + end - i;
    engine.store.diag.totals.readings += end - i;
    i = end;
    if (i < n) {
      slowRow(engine, series, values[i], times?.[i]); // invalid (null − null is 0: a number check too) or at an implausible time: the engine's policy
      i++;
    }
  }
}

function slowRow(engine: NormalizeEngine, series: string, value: unknown, time: number | undefined): void {
  engine.next(time === undefined || time !== time ? { series, value } : { series, value, time });
}

/**
 * A batch of a plain frozen series with only finite values, as columns in one buffer (`raw` is the
 * input's `values` when that is a `Float64Array`, `times` the input's when that is one of the right
 * length), pushed to `buffer`. Returns how many values it took: all, or with the drift alarms on
 * those up to the one whose alarm started a refit (the rest take the row-by-row path); 0 when the
 * batch needs the row-by-row path.
 */
function wholeBatchFrozen(engine: NormalizeEngine, batch: ColumnBatch, buffer: ColumnsBuffer): number {
  const { series, values, times } = batch;
  const slot = engine.plainFrozenSlot(series);
  if (slot === undefined) return 0;
  const n = values.length;
  const table = engine.store.table;
  const ownTimes = !(times instanceof Float64Array && times.length === n);
  const bytes = new ArrayBuffer(n * (ownTimes ? 22 : 14));
  const out = new Float64Array(bytes, 0, n);
  if (table.transformPlainInto(slot, values, 0, out, 0) !== n || engine.o.time.firstImplausible(times, 0, n) !== n) return 0;
  const version = table.plainVersion(slot);
  const end = engine.watching ? watchFrozenRun(engine, series, slot, values, times, 0, n) : n;
  let at = n * 8;
  let outTimes: Float64Array;
  if (ownTimes) {
    outTimes = new Float64Array(bytes, at, n);
    at += n * 8;
    if (times === undefined) outTimes.fill(NaN);
    else for (let i = 0; i < n; i++) outTimes[i] = (times[i] as number | undefined) ?? NaN;
  } else {
    outTimes = times;
  }
  const versions = new Uint32Array(bytes, at, n).fill(version);
  const phase = new Uint8Array(bytes, at + n * 4, n).fill(PHASE_FROZEN);
  const flag = new Uint8Array(bytes, at + n * 5, n);
  const raw = values instanceof Float64Array ? values : Float64Array.from(values);
  engine.store.diag.totals.readings += end;
  if (end === n) buffer.push({ series, values: out, raw, times: outTimes, phase, flag, version: versions });
  else buffer.push({ series, values: out.subarray(0, end), raw: raw.subarray(0, end), times: outTimes.subarray(0, end), phase: phase.subarray(0, end), flag: flag.subarray(0, end), version: versions.subarray(0, end) });
  return end;
}
