import { fluxString, HttpError, type FluxTableColumn, type FluxTableMetaData, type InfluxDB } from '@influxdata/influxdb-client';
import { clientOf } from './write-target.js';
import { fieldsOf, formatRfc3339Micros, InfluxQueryError, parseRfc3339Micros, storedReading, type SeriesSelector, type TimedReading } from './source-options.js';
import { optionKeys } from '../../src/options.js';

/** How to reach a Flux query endpoint (InfluxDB 2.x, Cloud): URL and token, or a client, plus org and bucket. */
export interface FluxConnection {
  /** Server base URL. Ignored when `client` is given. */
  url?: string;
  /** API token. Ignored when `client` is given. */
  token?: string;
  /** A client the caller owns (its transport sends the queries). */
  client?: InfluxDB;
  /** Organization (name or id). */
  org: string;
  /** Bucket to read. */
  bucket: string;
  /** Request timeout in ms for a client built from `url` (default 10 000). */
  timeout?: number;
}

/** The keys of {@link FluxConnection}. */
export const FLUX_KEYS = optionKeys<FluxConnection>({ url: true, token: true, client: true, org: true, bucket: true, timeout: true });

const str = (s: string): string => fluxString(s).toString();

/**
 * The Flux query that reads a selector's fields with `fromUs <= _time < toUs` (to now when `toUs`
 * is undefined). Names and values are escaped as Flux string literals (the client's `fluxString`).
 *
 * @example
 * ```ts
 * import { fluxSelect } from 'streamnorm/influx';
 * const q = fluxSelect({ measurement: 'env', field: 'temp', where: { site: 'a' } }, 'plant', 1700000000000000);
 * q.split('\n')[1]; // => '  |> range(start: time(v: "2023-11-14T22:13:20.000000Z"))'
 * ```
 */
export function fluxSelect(selector: SeriesSelector, bucket: string, fromUs: number, toUs?: number): string {
  const stop = toUs === undefined ? '' : `, stop: time(v: "${formatRfc3339Micros(toUs)}")`;
  const lines = [`from(bucket: ${str(bucket)})`, `  |> range(start: time(v: "${formatRfc3339Micros(fromUs)}")${stop})`];
  lines.push(`  |> filter(fn: (r) => r._measurement == ${str(selector.measurement)})`);
  lines.push(`  |> filter(fn: (r) => ${fieldsOf(selector).map((f) => `r._field == ${str(f)}`).join(' or ')})`);
  for (const [tag, want] of Object.entries(selector.where ?? {})) {
    const values = typeof want === 'string' ? [want] : want;
    if (values.length === 0) throw new Error(`tag filter on ${tag} has no values`);
    lines.push(`  |> filter(fn: (r) => ${values.map((v) => `r[${str(tag)}] == ${str(v)}`).join(' or ')})`);
  }
  return lines.join('\n');
}

/** The column of that label, or undefined (the client's `column(label, false)` returns a placeholder). */
function findColumn(meta: FluxTableMetaData, label: string): FluxTableColumn | undefined {
  return meta.columns.find((c) => c.label === label);
}

const NOT_TAGS = new Set(['result', 'table', '_start', '_stop', '_time', '_value', '_field', '_measurement']);

/** Turns one row of an annotated-CSV table into a reading (undefined when it has no time or value). */
export function fluxRowReading(selector: SeriesSelector, values: string[], meta: FluxTableMetaData): TimedReading | undefined {
  const timeCol = findColumn(meta, '_time');
  const valueCol = findColumn(meta, '_value');
  if (!timeCol || !valueCol) return undefined;
  const rawTime = values[timeCol.index] || timeCol.defaultValue;
  const timeUs = parseRfc3339Micros(rawTime);
  if (timeUs === undefined) return undefined;
  const value: unknown = valueCol.get(values);
  if (value === null || value === undefined) return undefined;
  const tags: Record<string, unknown> = {};
  for (const col of meta.columns) if (!NOT_TAGS.has(col.label)) tags[col.label] = col.get(values);
  const measurement = String(findColumn(meta, '_measurement')?.get(values) ?? selector.measurement);
  const field = String(findColumn(meta, '_field')?.get(values) ?? '');
  return storedReading(selector, measurement, field, tags, timeUs, value);
}

/** Maps a client error to an {@link InfluxQueryError} (retryable for 429, 5xx and network errors). */
export function fluxError(err: unknown): InfluxQueryError {
  if (err instanceof InfluxQueryError) return err;
  if (err instanceof HttpError) {
    const status = err.statusCode;
    const msg = (err.json as { message?: string } | undefined)?.message ?? err.body ?? err.message;
    return new InfluxQueryError(`Flux query: ${status} ${msg}`, status, status === 429 || status >= 500);
  }
  const e = err as { code?: string; message?: string };
  return new InfluxQueryError(`Flux query failed: ${e?.code ? `${e.code} ` : ''}${e?.message ?? String(err)}`, undefined, true);
}

/**
 * Runs a Flux query through the client's QueryApi and calls `onRow` for each reading as rows
 * arrive; resolves when the answer is complete, or when `onRow` returns false (the request is
 * cancelled). `signal` cancels the request and rejects.
 */
export function queryFlux(conn: FluxConnection, selector: SeriesSelector, query: string, onRow: (r: TimedReading) => boolean | void, signal?: AbortSignal): Promise<void> {
  const api = clientOf(conn).getQueryApi(conn.org);
  return new Promise<void>((resolve, reject) => {
    let cancel = (): void => undefined;
    api.queryRows(query, {
      next(values, meta) {
        // An error after the answer started comes as a table with `error` and `reference` columns.
        const errorCol = findColumn(meta, 'error');
        if (errorCol && !findColumn(meta, '_time')) {
          reject(new InfluxQueryError(`Flux query: ${String(errorCol.get(values))}`, undefined, false));
          cancel();
          return;
        }
        const r = fluxRowReading(selector, values, meta);
        if (r !== undefined && onRow(r) === false) {
          cancel(); // never `return false`: the client pauses only with useResume
          resolve();
        }
      },
      error: (err) => reject(signal?.aborted ? err : fluxError(err)),
      complete: () => resolve(),
      useCancellable(c) {
        cancel = () => c.cancel();
        const abort = (): void => {
          c.cancel();
          reject(new InfluxQueryError('Flux query aborted', undefined, false));
        };
        if (signal?.aborted) abort();
        signal?.addEventListener('abort', abort, { once: true });
      },
    });
  });
}
