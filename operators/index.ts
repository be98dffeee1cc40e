/**
 * streamnorm operators: RxJS 7 operators for per-series fit → freeze → transform, BatchNorm-style
 * and exponential running statistics, and the state store they share.
 *
 * @packageDocumentation
 */
export { normalize } from './normalize.js';
export { normalizeChunks } from './normalize-chunks.js';
export type { NormalizeChunksOptions } from './normalize-chunks.js';
export { normalizeColumns } from './normalize-columns.js';
export { batchNorm } from './batch-norm.js';
export type { BatchNormOperatorOptions, BatchNormMode } from './batch-norm.js';
export { ewmNormalize } from './ewm-normalize.js';
export type { EwmNormalizeOptions } from './ewm-normalize.js';
export { inverseNormalize } from './inverse-normalize.js';
export type { InverseNormalizeOptions, InverseSource, Denormalized } from './inverse-normalize.js';
export type { NormalizeOptions, RefitPolicy, FreezePolicy, FreezePoint, WhileFitting, HoldOverflow, InvalidPolicy, UnknownSeriesPolicy, InitialState } from './types.js';
export { InvalidReadingError } from './errors.js';

export { SeriesStore } from './store/series-store.js';
export type { SeriesStoreOptions } from './store/series-store.js';
export type { SeriesFrozen } from './store/store-versions.js';
export type { EvictionOptions, EvictBy } from './store/eviction.js';
export type { DriftAlarm, DriftKind, DriftOptions } from './store/lifecycle.js';
export type { DiagnosticsReport, SeriesDiagnostics } from './store/diagnostics.js';

export { columnsToNormalized } from './output/columns.js';
export type { ColumnBatch, NormalizedColumns } from './output/columns.js';
export { chunkToNormalized } from './output/chunk-rows.js';
export type { NormalizedChunk } from './output/chunk-rows.js';
export type { OutputColumns } from './output/output-rows.js';
export { PHASE_CODES, FLAG_CODES } from './output/codes.js';

export { perSampleNormalize, PerSampleDiagnostics } from './per-sample-normalize.js';
export type { MultiFieldReading, PerSampleNormalized, PerSampleNormalizeOptions, MissingFieldPolicy } from './per-sample-normalize.js';
export { Y2K_MS } from './engine/time-guard.js';
export type { PlausibleTime } from './engine/time-guard.js';
