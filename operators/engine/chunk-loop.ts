import type { Normalized, Reading } from '../../src/reading.js';
import { ChunkRows, type NormalizedChunk } from '../output/chunk-rows.js';
import { PHASE_FROZEN } from '../output/codes.js';
import type { NormalizeEngine } from './normalize-engine.js';
import { watchPlain } from './lifecycle-step.js';
import type { SeriesTable } from '../store/series-table.js';
import type { DriftColumns } from '../store/drift-columns.js';

/**
 * Where a chunked operator collects outputs until it emits them: `rows` for columnar output,
 * else `out`. Both are swapped at each flush; the loop reads them per reading, so a flush from
 * inside (a notifier fired by a freeze) loses nothing.
 */
export interface OutputBuffer {
  out: Normalized[];
  rows: ChunkRows | undefined;
  /** Slots looked up ahead, reused from chunk to chunk (undefined while a chunk is in the loop). */
  lookahead: Int32Array | undefined;
}

/**
 * Handles a chunk of readings in order, exactly as `engine.next` would one by one, with the
 * common cases inline: a plain frozen series, and a compact standard fit with provisional
 * outputs. The engine's `emit` must write to `sink` too, so that inline and emitted outputs keep
 * reading order.
 *
 * Every series of the chunk is looked up first, then (from {@link WARM_FROM} series) what the
 * inline paths will read of it, its record and its drift row or compact fit row, each in a loop of
 * its own: at 100k series and more each of those steps misses the cache, and a loop of independent
 * steps overlaps the misses where the per-reading work would serialize them. A slot so found is
 * used unless the store released a slot since (a series deleted or restored from a callback); a
 * series not found takes the general path.
 */
export function normalizeChunkInto(engine: NormalizeEngine, chunk: readonly Reading[], sink: OutputBuffer): void {
  const n = chunk.length;
  if (engine.evict || engine.keyed || engine.scoreOut) {
    for (let i = 0; i < n; i++) engine.next(chunk[i] as Reading);
    return;
  }
  const store = engine.store;
  const table = store.table;
  const index = store.index;
  // Taken while in use, so that a chunk pushed from inside (a feedback loop) gets its own.
  let slots = sink.lookahead;
  sink.lookahead = undefined;
  if (slots === undefined || slots.length < n) slots = new Int32Array(Math.max(n, 1024));
  index.lookupMany(chunk, n, slots);
  if (index.size >= WARM_FROM) warmed = warm(table, engine.watching ? store.lifecycle.columns : undefined, slots, n);
  const releases = table.releases;
  // The general path is called from here, not from the inline loop, so that the optimizer spends
  // its inlining on the common cases.
  for (let i = inlineRun(engine, chunk, slots, 0, releases, sink); i < n; i = inlineRun(engine, chunk, slots, i + 1, releases, sink)) engine.next(chunk[i] as Reading);
  sink.lookahead = slots;
}

/**
 * Series from which a chunk reads its slots' state ahead ({@link warm}). Below it a store's records,
 * drift rows and index (about 150 bytes a series) stay in a core's cache, and the pass is pure cost
 * (7–10 ns a reading at 1k series, traced).
 */
const WARM_FROM = 4096;

/** What {@link warm} read last (kept, so that its reads are not optimized away). */
let warmed = 0;

/** {@link SeriesTable.peek} of every found slot of a chunk, in a loop of its own. */
function warm(table: SeriesTable, drift: DriftColumns | undefined, slots: Int32Array, n: number): number {
  let sum = warmed;
  for (let i = 0; i < n; i++) {
    const slot = slots[i] as number;
    if (slot >= 0) sum += table.peek(slot, drift);
  }
  return sum;
}

/**
 * Handles readings from `start` on while they take an inline path; returns the index of the first
 * one that does not (unchanged: the caller runs the general path on it), or the chunk's length.
 */
function inlineRun(engine: NormalizeEngine, chunk: readonly Reading[], slots: Int32Array, start: number, releases: number, sink: OutputBuffer): number {
  const store = engine.store;
  const table = store.table;
  const totals = store.diag.totals;
  const n = chunk.length;
  if (table.releases !== releases || engine.holding) return start;
  for (let i = start; i < n; i++) {
    const r = chunk[i] as Reading;
    const slot = slots[i] as number;
    if (slot < 0 || table.releases !== releases) return i;
    const x = r.value;
    const plain = table.isPlain(slot);
    if (plain && typeof x === 'number' && x - x === 0 && !engine.o.time.implausible(r)) {
      table.transformPlain(slot, r as Reading & { value: number }, table.stepOut);
      const value = table.stepOut[0] as number;
      const version = table.stepOut[1] as number;
      if (engine.watching) watchPlain(engine, r.series, slot, r);
      const rows = sink.rows;
      if (rows === undefined) appendOutput(sink, { series: r.series, raw: x, value, time: r.time, tags: r.tags, phase: 'frozen', version });
      else rows.addRow(r.series, r as Reading & { value: number }, value, PHASE_FROZEN, 0, version);
    } else if (plain || !engine.fitCompactProvisional(r.series, slot, r, sink.rows)) {
      return i;
    }
    totals.readings++;
    if (engine.holding) return i + 1;
  }
  return n;
}

/**
 * Appends an output object to the buffer's array. An indexed store at the length, which V8 compiles
 * inline here, where `push` at this site was a call to its builtin for every reading (a profile put
 * 3.5% of a chunked run's samples in it): a chunk of frozen readings at 1k series took 67.7 ns a
 * reading with `push`, 63.6 with this (medians of 5 processes).
 */
export function appendOutput(sink: OutputBuffer, out: Normalized): void {
  const list = sink.out;
  list[list.length] = out;
}

/**
 * What a chunk (or a notification) produced, taken out of the buffer: an array of objects, or a
 * {@link NormalizedChunk} of columns (the next buffer sized for the largest chunk so far); undefined
 * when nothing was produced.
 */
export function takeOutputs(sink: OutputBuffer): Normalized[] | NormalizedChunk | undefined {
  const rows = sink.rows;
  if (rows !== undefined) {
    if (rows.length === 0) return undefined;
    sink.rows = new ChunkRows(Math.max(1024, rows.length));
    return rows.finish();
  }
  if (sink.out.length === 0) return undefined;
  const out = sink.out;
  sink.out = [];
  return out;
}
