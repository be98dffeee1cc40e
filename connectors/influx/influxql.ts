import { fieldsOf, InfluxQueryError, storedReading, type SeriesSelector, type TimedReading } from './source-options.js';
import { optionKeys } from '../../src/options.js';

/** How to reach an InfluxQL `/query` endpoint (InfluxDB 1.x; 2.x and 3.x through their v1 API). */
export interface InfluxQLConnection {
  /** Server base URL, e.g. `http://127.0.0.1:8086`. */
  url: string;
  /** Database. */
  db: string;
  /** Retention policy (default: the database's default). */
  rp?: string;
  /** v1 credentials, sent as the `u` and `p` parameters. */
  username?: string;
  password?: string;
  /** Token (InfluxDB 2.x and 3.x v1 API), sent as `Authorization: Token ...`. */
  token?: string;
  /** Rows per chunk of the streamed answer (default 10 000). */
  chunkSize?: number;
}

/** The keys of {@link InfluxQLConnection}. */
export const INFLUXQL_KEYS = optionKeys<InfluxQLConnection>({ url: true, db: true, rp: true, username: true, password: true, token: true, chunkSize: true });

/** Quotes an InfluxQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Quotes an InfluxQL string literal. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The InfluxQL statement that reads a selector's fields with `fromUs <= time < toUs` (no upper
 * bound when `toUs` is undefined), one result series per tag set (`GROUP BY *`).
 *
 * @example
 * ```ts
 * import { influxqlSelect } from 'streamnorm/influx';
 * const selector = { measurement: 'env', field: ['temp'], where: { site: ['a', "b'c"] } };
 * influxqlSelect(selector, 1000, 2000); // => `SELECT "temp" FROM "env" WHERE time >= 1000u AND time < 2000u AND ("site" = 'a' OR "site" = 'b\\'c') GROUP BY *`
 * ```
 */
export function influxqlSelect(selector: SeriesSelector, fromUs: number, toUs?: number, rp?: string, db?: string): string {
  const fields = fieldsOf(selector).map(quoteIdent).join(',');
  const from = rp ? `${quoteIdent(db ?? '')}.${quoteIdent(rp)}.${quoteIdent(selector.measurement)}` : quoteIdent(selector.measurement);
  const conds = [`time >= ${fromUs}u`];
  if (toUs !== undefined) conds.push(`time < ${toUs}u`);
  for (const [tag, want] of Object.entries(selector.where ?? {})) {
    const values = typeof want === 'string' ? [want] : want;
    if (values.length === 0) throw new Error(`tag filter on ${tag} has no values`);
    const ors = values.map((v) => `${quoteIdent(tag)} = ${quoteString(v)}`);
    conds.push(ors.length === 1 ? (ors[0] as string) : `(${ors.join(' OR ')})`);
  }
  return `SELECT ${fields} FROM ${from} WHERE ${conds.join(' AND ')} GROUP BY *`;
}

interface InfluxQLSeries {
  name: string;
  tags?: Record<string, unknown>;
  columns: string[];
  values?: unknown[][];
}
interface InfluxQLChunk {
  results?: { series?: InfluxQLSeries[]; error?: string }[];
  error?: string;
}

/** Turns one result series into readings: one per non-null field value, in row order. */
export function influxqlSeriesReadings(selector: SeriesSelector, s: InfluxQLSeries): TimedReading[] {
  const out: TimedReading[] = [];
  const timeCol = s.columns.indexOf('time');
  for (const row of s.values ?? []) {
    const timeUs = row[timeCol];
    if (typeof timeUs !== 'number') continue;
    for (let c = 0; c < s.columns.length; c++) {
      if (c === timeCol || row[c] === null || row[c] === undefined) continue; // field absent at this time
      out.push(storedReading(selector, s.name, s.columns[c] as string, s.tags ?? {}, timeUs, row[c]));
    }
  }
  return out;
}

/**
 * Runs an InfluxQL statement through `/query` (chunked, times as integer microseconds) and yields
 * the readings of each chunk as it arrives. Throws an {@link InfluxQueryError} for an HTTP error
 * (retryable for 429 and 5xx), a statement error (not retryable), or a network error (retryable).
 */
export async function* queryInfluxQL(conn: InfluxQLConnection, selector: SeriesSelector, q: string, signal?: AbortSignal): AsyncGenerator<TimedReading[]> {
  const params = new URLSearchParams({ db: conn.db, q, epoch: 'u', chunked: 'true', chunk_size: String(conn.chunkSize ?? 10_000) });
  if (conn.rp) params.set('rp', conn.rp);
  if (conn.username !== undefined) params.set('u', conn.username);
  if (conn.password !== undefined) params.set('p', conn.password);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (conn.token) headers.authorization = `Token ${conn.token}`;
  let res: Response;
  try {
    res = await fetch(`${conn.url.replace(/\/$/, '')}/query`, { method: 'POST', body: params, headers, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new InfluxQueryError(`InfluxQL query failed: ${cause?.code ?? ''} ${cause?.message ?? (err as Error).message}`.trim(), undefined, true);
  }
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as InfluxQLChunk).error ?? text;
    } catch {
      // not JSON: keep the text
    }
    throw new InfluxQueryError(`InfluxQL query: ${res.status} ${message}`.trim(), res.status, res.status === 429 || res.status >= 500);
  }
  const parse = (line: string): TimedReading[] => {
    const chunk = JSON.parse(line) as InfluxQLChunk;
    const error = chunk.error ?? chunk.results?.find((r) => r.error)?.error;
    if (error) throw new InfluxQueryError(`InfluxQL query: ${error}`, res.status, false);
    return (chunk.results ?? []).flatMap((r) => (r.series ?? []).flatMap((s) => influxqlSeriesReadings(selector, s)));
  };
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const bytes of res.body ?? []) {
    buffered += decoder.decode(bytes as Uint8Array, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line !== '') yield parse(line);
    }
  }
  buffered += decoder.decode();
  if (buffered.trim() !== '') yield parse(buffered.trim());
}
