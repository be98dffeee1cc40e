/**
 * streamnorm operators: RxJS 7 operators for per-series fit → freeze → transform, BatchNorm-style
 * and exponential running statistics, and the state store they share.
 *
 * @packageDocumentation
 */
export { normalize } from './normalize.js';
export { SeriesStore } from './series-store.js';
export type { SeriesStoreOptions, SeriesFrozen } from './series-store.js';
export { SeriesColumns } from './series-columns.js';
export { InvalidReadingError } from './errors.js';
export type { DiagnosticsReport, SeriesDiagnostics } from './diagnostics.js';
export type { NormalizeOptions, FreezePolicy, FreezePoint, WhileFitting, HoldOverflow, InvalidPolicy, UnknownSeriesPolicy, InitialState } from './types.js';
export { Diagnostics } from './diagnostics.js';
export { batchNorm } from './batch-norm.js';
export type { BatchNormOperatorOptions, BatchNormMode } from './batch-norm.js';
export { ewmNormalize } from './ewm-normalize.js';
export type { EwmNormalizeOptions } from './ewm-normalize.js';
export { normalizeChunks } from './normalize-chunks.js';
export type { NormalizeChunksOptions } from './normalize-chunks.js';
export { normalizeColumns, columnsToNormalized } from './normalize-columns.js';
export { OutputRows, outputRow, PHASE_CODES, FLAG_CODES } from './output-rows.js';
export type { OutputColumns } from './output-rows.js';
export { chunkToNormalized } from './chunk-rows.js';
export type { NormalizedChunk } from './chunk-rows.js';
export type { ColumnBatch, NormalizedColumns } from './normalize-columns.js';
export { inverseNormalize } from './inverse-normalize.js';
export type { InverseNormalizeOptions, InverseSource, Denormalized } from './inverse-normalize.js';
