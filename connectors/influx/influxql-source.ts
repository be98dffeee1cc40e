import { Observable } from 'rxjs';
import type { Reading } from '../../src/index.js';
import { influxqlSelect, queryInfluxQL, INFLUXQL_KEYS, type InfluxQLConnection } from './influxql.js';
import { pollWith, TAIL_KEYS, type TailOptions } from './poll-tail.js';
import { refuseUnknownKeys } from '../../src/options.js';
import { HISTORY_KEYS, SELECTOR_KEYS, toEpochMicros, type SeriesSelector, type TimedReading, type TimeInput } from './source-options.js';

/** Options of {@link influxqlHistory}: the connection, what to read, and the time range. */
export interface InfluxQLHistoryOptions extends InfluxQLConnection, SeriesSelector {
  /** First time included. */
  start: TimeInput;
  /** First time excluded (default: no upper bound). */
  stop?: TimeInput;
}

/** Options of {@link influxqlTail}: the connection, what to read, and the tail settings. */
export interface InfluxQLTailOptions extends InfluxQLConnection, SeriesSelector, TailOptions {}

/**
 * Reads a training window as readings through InfluxQL (`/query`: InfluxDB 1.x, and the v1 API of
 * 2.x and 3.x): the selector's fields in `[start, stop)`, streamed chunk by chunk.
 *
 * Each non-null field value of each tag set is a reading (`series` from `seriesId`, tags with
 * empty values left out, time in ms with microsecond resolution). Values are passed as stored: a
 * string or boolean field reaches the operators, whose invalid-value policy counts it. Readings
 * come series by series, each in time order. Errors (HTTP, statement, network) error the
 * Observable as an `InfluxQueryError`; unsubscribing aborts the request.
 *
 * @example
 * ```ts
 * import { firstValueFrom, toArray } from 'rxjs';
 * import { influxqlHistory } from 'streamnorm/influx';
 * // A server that speaks InfluxQL (InfluxDB 1.x here) at `url`; nothing listens at this one.
 * const url = 'http://127.0.0.1:9';
 * const history = influxqlHistory({ url, db: 'plant', measurement: 'env', field: 'temp', start: 0, stop: Date.now() });
 * const outcome = await firstValueFrom(history.pipe(toArray())).catch((e: Error) => e.name);
 * outcome; // => 'InfluxQueryError'
 * ```
 */
export function influxqlHistory(options: InfluxQLHistoryOptions): Observable<Reading> {
  refuseUnknownKeys(options, [...INFLUXQL_KEYS, ...SELECTOR_KEYS, ...HISTORY_KEYS], 'influxqlHistory');
  return new Observable<Reading>((subscriber) => {
    const abort = new AbortController();
    const q = influxqlSelect(options, toEpochMicros(options.start), options.stop === undefined ? undefined : toEpochMicros(options.stop), options.rp, options.db);
    void (async () => {
      for await (const chunk of queryInfluxQL(options, options, q, abort.signal)) {
        for (const p of chunk) {
          if (subscriber.closed) return;
          subscriber.next(p.reading);
        }
      }
      subscriber.complete();
    })().catch((err: unknown) => subscriber.error(err));
    return () => abort.abort();
  });
}

/**
 * Tails live data through InfluxQL: polls with a time cursor and emits each stored point once,
 * picking up points written up to `lag` ms late (the rule is documented on `pollTail`).
 *
 * @example
 * ```ts
 * import { influxqlTail } from 'streamnorm/influx';
 * const errors: string[] = [];
 * const tail = influxqlTail({ url: 'http://127.0.0.1:9', db: 'plant', measurement: 'env', field: 'temp', interval: 10, maxConsecutiveFailures: 2, onError: (e) => errors.push(String(e)) });
 * const failed = await new Promise((resolve) => tail.subscribe({ error: (e: Error) => resolve(e.name) }));
 * [failed, errors.length]; // => ['InfluxQueryError', 1]
 * ```
 */
export function influxqlTail(options: InfluxQLTailOptions): Observable<Reading> {
  refuseUnknownKeys(options, [...INFLUXQL_KEYS, ...SELECTOR_KEYS, ...TAIL_KEYS], 'influxqlTail');
  return pollWith(async (fromUs, signal) => {
    const all: TimedReading[] = [];
    for await (const chunk of queryInfluxQL(options, options, influxqlSelect(options, fromUs, undefined, options.rp, options.db), signal)) all.push(...chunk);
    return all;
  }, options);
}
