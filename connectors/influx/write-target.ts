import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import type { WritePrecision } from './line-protocol.js';
import { optionKeys } from '../../src/options.js';

/**
 * Where lines go: a server URL (or an `InfluxDB` client the caller owns, whose transport is used)
 * and either a v2 bucket (InfluxDB 2.x, Cloud, 3.x, VictoriaMetrics: `/api/v2/write`) or a v1
 * database (InfluxDB 1.x: `/write`).
 */
export interface InfluxWriteTarget {
  /** Server base URL, e.g. `http://127.0.0.1:8086`. Ignored when `client` is given. */
  url?: string;
  /** API token (v2) sent as `Authorization: Token ...`. Ignored when `client` is given. */
  token?: string;
  /** A client the caller owns; its transport (TLS, proxy, token, timeout) sends the writes. */
  client?: InfluxDB;
  /** v2 organization (name or id); VictoriaMetrics ignores it. */
  org?: string;
  /** v2 bucket: selects `/api/v2/write`. */
  bucket?: string;
  /** v1 database: selects `/write` (InfluxDB 1.x). Exactly one of `bucket` and `db`. */
  db?: string;
  /** v1 retention policy. */
  rp?: string;
  /** Request timeout in milliseconds for a client built from `url` (default 10 000). */
  timeout?: number;
}

/** The keys of {@link InfluxWriteTarget}. */
export const WRITE_TARGET_KEYS = optionKeys<InfluxWriteTarget>({ url: true, token: true, client: true, org: true, bucket: true, db: true, rp: true, timeout: true });

/** Sends one batch of line protocol; resolves when the server acknowledged it (2xx). */
export type SendLines = (body: string) => Promise<void>;

const V1_PRECISION: Record<WritePrecision, string> = { ns: 'n', us: 'u', ms: 'ms', s: 's' };

/** The request path of a write to `target` at `precision`. */
export function writePath(target: InfluxWriteTarget, precision: WritePrecision): string {
  const hasBucket = target.bucket !== undefined && target.bucket !== '';
  const hasDb = target.db !== undefined && target.db !== '';
  if (hasBucket === hasDb) throw new Error('influx write target needs exactly one of `bucket` (v2) and `db` (v1)');
  if (hasBucket) {
    const q = new URLSearchParams({ org: target.org ?? '', bucket: target.bucket as string, precision });
    return `/api/v2/write?${q}`;
  }
  const q = new URLSearchParams({ db: target.db as string, precision: V1_PRECISION[precision] });
  if (target.rp) q.set('rp', target.rp);
  return `/write?${q}`;
}

/** The client for a target: the caller's own, or one built from `url`, `token` and `timeout`. */
export function clientOf(target: { url?: string; token?: string; client?: InfluxDB; timeout?: number }): InfluxDB {
  if (target.client) return target.client;
  if (!target.url) throw new Error('influx connection needs `url` or `client`');
  return new InfluxDB({ url: target.url, token: target.token, timeout: target.timeout ?? 10_000 });
}

/**
 * Builds the function that sends a batch through the client's transport (`transport.request`).
 *
 * Why the transport and not the client's `WriteApi`: the `WriteApi` cannot account for lines
 * exactly. In @influxdata/influxdb-client 1.35 (source in dist/index.js.map, `src/impl/...`):
 * `flush()` awaits only the batch it cuts itself, not batches already sent by the size trigger or
 * the flush timer (WriteApiImpl.ts lines 31-51, 116-133, 314-319); `close()` flushes, then closes
 * the retry buffer and sets `closed`, and from then on a scheduled retry resolves without sending
 * or calling any callback (WriteApiImpl.ts lines 320-332 and line 162), so in-flight retries are
 * dropped with a log line only; and a full retry buffer removes its oldest lines (RetryBuffer.ts
 * lines 62-87, reported only to `writeRetrySkipped`). Sending ourselves, every line is in exactly
 * one state at any time (queued, in flight, written, failed) and nothing is dropped silently.
 */
export function transportSender(target: InfluxWriteTarget, precision: WritePrecision): SendLines {
  const client = clientOf(target);
  const path = writePath(target, precision);
  const options = { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' } };
  return async (body) => {
    await client.transport.request(path, body, options);
  };
}

/** How a failed request is handled: retried later, or reported at once. */
export interface ClassifiedError {
  retry: boolean;
  /** HTTP status, absent for a network error. */
  status?: number;
  /** The server's own message when it sent one, else the error's. */
  message: string;
  /** Milliseconds the server asked us to wait (`Retry-After`), if it did. */
  retryAfter?: number;
}

/**
 * Classifies a failed request: 429 and 5xx and network errors (refused, reset, timeout) are
 * retried; other statuses (400 bad line, 401, 403, 404 no such bucket, 413) are not.
 */
export function classifyError(err: unknown): ClassifiedError {
  if (err instanceof HttpError) {
    const status = err.statusCode;
    const retry = status === 429 || status >= 500;
    const json = err.json as { error?: unknown; message?: unknown } | undefined;
    let message = typeof json?.error === 'string' ? json.error : typeof json?.message === 'string' ? json.message : '';
    if (!message && err.body) {
      try {
        const parsed = JSON.parse(err.body) as { error?: unknown; message?: unknown };
        message = String(parsed.error ?? parsed.message ?? err.body);
      } catch {
        message = err.body;
      }
    }
    const result: ClassifiedError = { retry, status, message: `${status} ${message || err.message}`.trim() };
    const after = err.headers?.['retry-after'];
    if (after !== undefined) {
      const seconds = Number(Array.isArray(after) ? after[0] : after);
      if (Number.isFinite(seconds) && seconds >= 0) result.retryAfter = seconds * 1000;
    }
    return result;
  }
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  return { retry: true, message: `${code}${typeof e?.message === 'string' ? e.message : String(err)}` };
}
