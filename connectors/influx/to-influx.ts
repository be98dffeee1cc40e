import { concat, defer, ignoreElements, tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { Normalized } from '../../src/index.js';
import type { InfluxSink } from './sink.js';

/**
 * Writes every normalized reading to a sink and passes it on unchanged; when the source completes,
 * completes only once the sink has drained (every line written or failed, see `WriteReport`).
 *
 * Errors of the source pass through at once (the sink keeps its pending lines; call `close()`).
 * Unsubscribing stops writing; lines already queued are still sent. The sink stays open: one sink
 * can serve several streams, and its owner closes it.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { influxSink, toInflux } from 'streamnorm/influx';
 * const sink = influxSink({ url: influxUrl, bucket: 'demo', measurement: 'doc_operator' });
 * const t = Date.now();
 * const outputs = [0.1, -0.2].map((value, i) => ({ series: 's', raw: value, value, time: t + i, phase: 'frozen' as const, version: 1 }));
 * const passed = await lastValueFrom(from(outputs).pipe(toInflux(sink), toArray()));
 * passed.length; // => 2
 * sink.report().written; // => 2
 * await sink.close();
 * ```
 */
export function toInflux(sink: InfluxSink): MonoTypeOperatorFunction<Normalized> {
  return (source) =>
    concat(
      source.pipe(tap((n) => sink.write(n))),
      defer(() => sink.drain()).pipe(ignoreElements()),
    );
}
