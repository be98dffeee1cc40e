import type { OutputFlag, OutputPhase } from '../../src/reading.js';

/**
 * Output phases by code: the `phase` column of columnar outputs (`normalizeColumns`,
 * `normalizeChunks` with `output: 'columns'`) holds indexes into this table.
 *
 * @example
 * ```ts
 * import { PHASE_CODES } from 'streamnorm';
 * PHASE_CODES[1]; // => 'frozen'
 * ```
 */
export const PHASE_CODES: readonly OutputPhase[] = ['fitting', 'frozen', 'passthrough'];

/**
 * Output flags by code − 1: the `flag` column of columnar outputs holds 0 for no flag, else
 * 1 + an index into this table.
 *
 * @example
 * ```ts
 * import { FLAG_CODES } from 'streamnorm';
 * FLAG_CODES[1 - 1]; // => 'provisional'
 * ```
 */
export const FLAG_CODES: readonly OutputFlag[] = ['provisional', 'raw', 'invalid', 'zero-spread', 'fallback', 'held', 'clipped'];

/** Phase code of `frozen` in {@link PHASE_CODES}. */
export const PHASE_FROZEN = 1;
/** Phase code of `fitting` in {@link PHASE_CODES}. */
export const PHASE_FITTING = 0;
/** Flag code of `provisional` (1 + its index in {@link FLAG_CODES}). */
export const FLAG_PROVISIONAL = 1;
