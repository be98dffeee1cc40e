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

/** `count` readings of series drawn uniformly at random from `ids` (seeded), with event time = index. */
export function randomReadings(ids: readonly string[], count: number, seed = 987654321): Reading[] {
  const values = valueStream(count);
  const out: Reading[] = new Array<Reading>(count);
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = { series: ids[Math.floor((s / 4294967296) * ids.length)] as string, value: values[i] as number, time: i };
  }
  return out;
}

/** Moves every reading's event time on by `by` (between runs of a long-lived fit: time goes forward). */
export function advanceTimes(readings: readonly Reading[], by: number): void {
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i] as Reading;
    r.time = (r.time as number) + by;
  }
}

/** The readings cut into arrays of `size` (the last one shorter). */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `count` values as column batches of `size` values, one series per batch, the series cycling
 * round-robin through `ids` or drawn at random (the columnar input: the series is resolved once per
 * batch).
 */
export function columnBatches(ids: readonly string[], count: number, size: number, random = false): ColumnBatch[] {
  const values = valueStream(count);
  const out: ColumnBatch[] = [];
  let s = 24680;
  for (let b = 0, i = 0; i < count; b++, i += size) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const k = random ? Math.floor((s / 4294967296) * ids.length) : b % ids.length;
    out.push({ series: ids[k] as string, values: values.subarray(i, Math.min(count, i + size)) });
  }
  return out;
}
