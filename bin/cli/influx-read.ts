import type { Observable } from 'rxjs';
import type { Reading } from '../../src/index.js';
import { fluxHistory, fluxTail, influxqlHistory, influxqlTail, type TailOptions, type TimeInput } from '../../connectors/influx/index.js';
import type { InfluxReadConfig } from './run-config.js';

/** A config's stored window (`fit.influx`) read with the query language it names. */
export function readHistory(source: InfluxReadConfig & { start: TimeInput; stop?: TimeInput }): Observable<Reading> {
  if (source.query === 'flux') {
    const { query: _flux, ...options } = source;
    return fluxHistory(options);
  }
  const { query: _influxql, ...options } = source;
  return influxqlHistory(options);
}

/** A config's live InfluxDB input (`input.influx`), polled with its `tail` settings. */
export function readTail(source: InfluxReadConfig & { tail: TailOptions }): Observable<Reading> {
  if (source.query === 'flux') {
    const { query: _flux, tail, ...options } = source;
    return fluxTail({ ...options, ...tail });
  }
  const { query: _influxql, tail, ...options } = source;
  return influxqlTail({ ...options, ...tail });
}
