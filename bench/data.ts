/**
 * Deterministic input data: series ids, round-robin readings, chunks and column batches. Built
 * before timing starts, so runs measure the pipeline and not the data generator.
 */
import type { ColumnBatch } from '../operators/index.js';
import type { Reading } from '../src/reading.js';

/**
 * Series ids as a sensor fleet names them: `site{i % 97}/dev{i}/temperature`, as flat strings (as
 * ids decoded from a topic or a JSON message are). A template literal makes a rope (a `ConsString`)
 * that the first code to read its characters flattens, freeing the rope's parts: a memory figure
 * would then count that as the store's saving, and lookups would time the flattening. (Joined from
 * its characters, each id is one sequential string of its own.)
 */
export function seriesIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `site${i % 97}/dev${i}/temperature`.split('').join(''));
}

/** A seeded value stream (LCG): temperatures around 25 with a spread of about 3. */
export function valueStream(count: number, seed = 12345): Float64Array {
  const out = new Float64Array(count);
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    out[i] = 20 + (s % 1000) / 100;
  }
  return out;
}

/** `count` readings whose series cycle round-robin through `ids`, with event time = index. */
export function roundRobinReadings(ids: readonly string[], count: number): Reading[] {
  const values = valueStream(count);
  const out: Reading[] = new Array<Reading>(count);
  for (let i = 0; i < count; i++) out[i] = { series: ids[i % ids.length] as string, value: values[i] as number, time: i };
  return out;
}

/** The readings cut into arrays of `size` (the last one shorter). */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `count` values as column batches of `size` values, one series per batch, the series cycling
 * round-robin through `ids` (the columnar input: the series is resolved once per batch).
 */
export function columnBatches(ids: readonly string[], count: number, size: number): ColumnBatch[] {
  const values = valueStream(count);
  const out: ColumnBatch[] = [];
  for (let b = 0, i = 0; i < count; b++, i += size) out.push({ series: ids[b % ids.length] as string, values: values.subarray(i, Math.min(count, i + size)) });
  return out;
}
