import { Observable } from 'rxjs';
import type { Reading } from '../../src/index.js';
import { fluxSelect, queryFlux, FLUX_KEYS, type FluxConnection } from './flux.js';
import { pollWith, TAIL_KEYS, type TailOptions } from './poll-tail.js';
import { refuseUnknownKeys } from '../../src/options.js';
import { HISTORY_KEYS, SELECTOR_KEYS, toEpochMicros, type SeriesSelector, type TimedReading, type TimeInput } from './source-options.js';

/** Options of {@link fluxHistory}: the connection, what to read, and the time range. */
export interface FluxHistoryOptions extends FluxConnection, SeriesSelector {
  /** First time included. */
  start: TimeInput;
  /** First time excluded (default: now, as Flux `range` has it). */
  stop?: TimeInput;
}

/** Options of {@link fluxTail}: the connection, what to read, and the tail settings. */
export interface FluxTailOptions extends FluxConnection, SeriesSelector, TailOptions {}

/**
 * Reads a training window as readings through Flux (InfluxDB 2.x, Cloud) with the client's
 * QueryApi: `range(start, stop)`, the measurement, fields and tag filter, rows as they stream.
 *
 * Each row with a time and a non-null `_value` is a reading (`series` from `seriesId`, the row's
 * group columns other than `_measurement` and `_field` as tags, time in ms with microsecond
 * resolution; `+Inf`/`-Inf`/`NaN` come through as numbers for the operators to count). Errors
 * error the Observable as an `InfluxQueryError`; unsubscribing cancels the request.
 *
 * @example
 * ```ts
 * import { firstValueFrom } from 'rxjs';
 * import { fluxHistory } from 'streamnorm/influx';
 * // An InfluxDB 2.x server at `url` with a token; nothing listens at this one.
 * const history = fluxHistory({ url: 'http://127.0.0.1:9', token: 't', org: 'o', bucket: 'plant', measurement: 'env', field: 'temp', start: 0 });
 * const failed = await firstValueFrom(history).catch((e: Error & { retryable?: boolean }) => [e.name, e.retryable]);
 * failed; // => ['InfluxQueryError', true]
 * ```
 */
export function fluxHistory(options: FluxHistoryOptions): Observable<Reading> {
  refuseUnknownKeys(options, [...FLUX_KEYS, ...SELECTOR_KEYS, ...HISTORY_KEYS], 'fluxHistory');
  return new Observable<Reading>((subscriber) => {
    const abort = new AbortController();
    const stop = options.stop === undefined ? undefined : toEpochMicros(options.stop);
    const q = fluxSelect(options, options.bucket, toEpochMicros(options.start), stop);
    queryFlux(options, options, q, (r) => {
      if (subscriber.closed) return false;
      subscriber.next(r.reading);
    }, abort.signal).then(
      () => subscriber.complete(),
      (err: unknown) => subscriber.error(err),
    );
    return () => abort.abort();
  });
}

/**
 * Tails live data through Flux: polls `range(start: cursor − lag)` and emits each stored point
 * once, picking up points written up to `lag` ms late (the rule is documented on `pollTail`).
 * Flux's `range` stops at the server's now, so points stamped in the future arrive when their
 * time has come.
 *
 * @example
 * ```ts
 * import { fluxTail } from 'streamnorm/influx';
 * const tail = fluxTail({ url: 'http://127.0.0.1:9', token: 't', org: 'o', bucket: 'plant', measurement: 'env', field: 'temp', interval: 10, maxConsecutiveFailures: 1 });
 * const failed = await new Promise((resolve) => tail.subscribe({ error: (e: Error) => resolve(e.name) }));
 * failed; // => 'InfluxQueryError'
 * ```
 */
export function fluxTail(options: FluxTailOptions): Observable<Reading> {
  refuseUnknownKeys(options, [...FLUX_KEYS, ...SELECTOR_KEYS, ...TAIL_KEYS], 'fluxTail');
  return pollWith(async (fromUs, signal) => {
    const all: TimedReading[] = [];
    await queryFlux(options, options, fluxSelect(options, options.bucket, fromUs), (r) => void all.push(r), signal);
    return all;
  }, options);
}
