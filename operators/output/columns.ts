import type { Normalized } from '../../src/reading.js';
import { outputRow, type OutputColumns } from './output-rows.js';

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

