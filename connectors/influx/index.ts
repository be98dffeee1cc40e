/**
 * streamnorm/influx: the InfluxDB connector. A sink that writes normalized readings as points with
 * exact accounting (`influxSink`, `toInflux`, `replaySpill`), and sources that read readings from
 * history or tail live data (InfluxQL for InfluxDB 1.x and 3.x, Flux for 2.x and Cloud).
 *
 * @packageDocumentation
 */
export { influxSink } from './sink.js';
export type { InfluxSink, InfluxSinkOptions, CloseOptions, WriteOutcome } from './sink.js';
export { toInflux } from './to-influx.js';
export { replaySpill } from './spill.js';
export type { ReplayOptions } from './spill.js';
export type { BatchOptions, LineFate, LineDone } from './line-writer.js';
export type { RetryOptions } from './retry-policy.js';
export { backoffDelay, backoffPolicy } from '../backoff.js';
export type { BackoffOptions, BackoffPolicy } from '../backoff.js';
export type { InfluxWriteTarget } from './write-target.js';
export type { WriteReport, WriteFailure, FailureReason, DropReason } from './write-report.js';
export { normalizedToLine } from './normalized-line.js';
export type { PointOptions, InvalidValuePolicy, LineOutcome } from './normalized-line.js';
export { formatLine, protocolTime, escapeMeasurement, escapeKey, lineToNanoseconds, WRITE_PRECISIONS } from './line-protocol.js';
export type { WritePrecision, LinePoint, ProtocolTime } from './line-protocol.js';
export { influxqlHistory, influxqlTail } from './influxql-source.js';
export type { InfluxQLHistoryOptions, InfluxQLTailOptions } from './influxql-source.js';
export { influxqlSelect } from './influxql.js';
export type { InfluxQLConnection } from './influxql.js';
export { pollTail } from './poll-tail.js';
export type { TailOptions, FetchSince } from './poll-tail.js';
export { defaultSeriesId, toEpochMicros, InfluxQueryError } from './source-options.js';
export type { TimeInput, SeriesKey, SeriesSelector, TimedReading } from './source-options.js';
export { fluxHistory, fluxTail } from './flux-source.js';
export type { FluxHistoryOptions, FluxTailOptions } from './flux-source.js';
export { fluxSelect } from './flux.js';
export type { FluxConnection } from './flux.js';
