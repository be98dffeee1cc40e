import type { Normalized, Reading } from '../../src/reading.js';
import { outputRow, OutputRows, type OutputColumns } from './output-rows.js';

/**
 * The outputs of one input chunk as columns (`normalizeChunks` with `output: 'columns'`): row `i`
 * of every array is one output, of series `series[i]`; no object per reading.
 */
export interface NormalizedChunk extends OutputColumns {
  /** Number of rows. */
  length: number;
  /** Series id per row. */
  series: string[];
  /** Tags per row, present only when some reading of the chunk had tags. */
  tags?: (Reading['tags'] | undefined)[];
}

/** Growable columns of a chunk's outputs, of any series (what `output: 'columns'` emits). */
export class ChunkRows extends OutputRows {
  /** Series id per row. */
  series: string[] = [];
  /** Tags per row, allocated at the first row that has tags. */
  tags: (Reading['tags'] | undefined)[] | undefined;

  /** Adds a row from an output object; returns its index. */
  override addNormalized(n: Normalized): number {
    const i = super.addNormalized(n);
    this.series[i] = n.series;
    if (n.tags !== undefined || this.tags !== undefined) this.setTags(i, n.tags);
    return i;
  }

  /** Adds the output row of reading `r` (a finite value) of series `id` (the inline paths' output). */
  addRow(id: string, r: Reading & { value: number }, value: number, phase: number, flag: number, version: number): void {
    const i = this.add();
    this.values[i] = value;
    this.raw[i] = r.value;
    const t = r.time;
    this.times[i] = t === undefined ? NaN : t;
    this.phase[i] = phase;
    this.flag[i] = flag;
    this.version[i] = version;
    this.series[i] = id;
    if (r.tags !== undefined || this.tags !== undefined) this.setTags(i, r.tags);
  }

  /** Sets the tags of row `i` (rows before it get undefined). */
  setTags(i: number, tags: Reading['tags'] | undefined): void {
    if (this.tags === undefined) {
      if (tags === undefined) return;
      this.tags = new Array<Reading['tags'] | undefined>(i).fill(undefined);
    }
    this.tags[i] = tags;
  }

  /** The rows written so far as a {@link NormalizedChunk} (views of the columns, not copies). */
  finish(): NormalizedChunk {
    const n = this.length;
    const chunk: NormalizedChunk = { length: n, series: this.series, values: this.values.subarray(0, n), raw: this.raw.subarray(0, n), times: this.times.subarray(0, n), phase: this.phase.subarray(0, n), flag: this.flag.subarray(0, n), version: this.version.subarray(0, n) };
    if (this.tags !== undefined) {
      while (this.tags.length < n) this.tags.push(undefined);
      chunk.tags = this.tags;
    }
    return chunk;
  }
}

/**
 * A {@link NormalizedChunk} back to {@link Normalized} objects, as `normalizeChunks` emits them
 * without `output: 'columns'` (except that a non-numeric raw value reads NaN and an invalid
 * value carries no `reason`).
 *
 * @example
 * ```ts
 * import { from, lastValueFrom } from 'rxjs';
 * import { chunkToNormalized, normalizeChunks } from 'streamnorm';
 * const chunk = [{ series: 'a', value: 1 }, { series: 'a', value: 3 }, { series: 'a', value: 5, tags: { room: 'k' } }];
 * const cols = await lastValueFrom(from([chunk]).pipe(normalizeChunks({ freeze: { afterSamples: 2 }, whileFitting: 'drop', output: 'columns' })));
 * chunkToNormalized(cols); // => [{ series: 'a', raw: 5, value: 3, phase: 'frozen', version: 1, tags: { room: 'k' } }]
 * ```
 */
export function chunkToNormalized(c: NormalizedChunk): Normalized[] {
  const out: Normalized[] = [];
  for (let i = 0; i < c.length; i++) {
    const n = outputRow(c, c.series[i] as string, i);
    const tags = c.tags?.[i];
    if (tags !== undefined) n.tags = tags;
    out.push(n);
  }
  return out;
}
