import type { Normalized } from '../../src/index.js';
import { BATCH_KEYS, LineWriter, type BatchOptions, type LineFate } from './line-writer.js';
import { refuseUnknownKeys } from '../../src/options.js';
import { normalizedToLine, POINT_KEYS, type PointOptions } from './normalized-line.js';
import { transportSender, WRITE_TARGET_KEYS, type InfluxWriteTarget } from './write-target.js';
import { sumCounts, type DropReason, type WriteReport } from './write-report.js';

/** Options of {@link influxSink}: where to write, how readings become points, batching and retries. */
export interface InfluxSinkOptions extends InfluxWriteTarget, PointOptions, BatchOptions {}

/** Options of {@link InfluxSink.close}. */
export interface CloseOptions {
  /**
   * Do not wait for retries: queued lines and lines waiting for a retry fail as `closed` (spilled
   * when a spill file is set). Requests already on the wire still finish. Default false: wait.
   */
  abandon?: boolean;
}

/**
 * What became of one reading given to {@link InfluxSink.write}: its line written (2xx), failed
 * (`spilled` when it is safe in the spill file), or no line at all (`dropped`, counted by reason).
 */
export type WriteOutcome = LineFate | { status: 'dropped'; reason: DropReason };

/** A sink of normalized readings into InfluxDB (or anything that speaks its write API). */
export interface InfluxSink {
  /**
   * Turns one reading into a line and queues it; never blocks and never throws on bad data (an
   * invalid value or time is counted in `dropped`). Throws only after `close()`. `done`, when
   * given, is told once what became of the reading (the end-to-end acknowledgement of a bridge).
   */
  write(n: Normalized, done?: (outcome: WriteOutcome) => void): void;
  /** Sends everything queued and resolves, with the report, once nothing is pending. */
  drain(): Promise<WriteReport>;
  /** Drains (or abandons, see {@link CloseOptions}), then refuses further writes. */
  close(options?: CloseOptions): Promise<WriteReport>;
  /** The accounting so far (a copy). */
  report(): WriteReport;
}

/**
 * Creates a sink that writes normalized readings as InfluxDB points, in batches, with retries and
 * exact accounting of every line.
 *
 * Each reading becomes one point: measurement (default `normalized`), its tags plus a `series` tag
 * (and `phase`, `version`, `flag` tags when asked), the normalized value in field `value` (and the
 * raw value when asked), at the reading's own time (`now` when it has none) at `precision`
 * (default `ms`; `us`/`ns` keep fractional milliseconds). A non-finite normalized value follows the
 * `invalid` policy (`drop` or `raw-only`) and is counted, never sent. Batches go through the
 * client's transport; 429, 5xx and network errors are retried with backoff, other 4xx are reported
 * at once with the server's message (the refused lines isolated by splitting the batch). Lines that
 * cannot be written are counted by reason in the report and appended to the `spill` file when set
 * (see `replaySpill`). `drain()` waits for every in-flight request; `close()` drains and closes.
 *
 * `write()` cannot block, so memory is bounded by `maxQueueLines` (default 100 000): a synchronous
 * burst larger than that (a whole history replayed in one tick) or a long outage makes the excess
 * fail as `overflow` (counted, spilled). Raise `maxQueueLines` or pace such a source.
 * Delivery is at least once: a batch whose answer was lost is sent again, and InfluxDB keeps one
 * point per series and time (VictoriaMetrics keeps duplicates unless deduplication is on).
 *
 * @example
 * ```ts
 * import { influxSink } from 'streamnorm/influx';
 * const sink = influxSink({ url: influxUrl, bucket: 'demo', measurement: 'doc_sink', raw: true });
 * const time = Date.now();
 * sink.write({ series: 's1', raw: 21.5, value: 0.25, time, phase: 'frozen', version: 1 });
 * sink.write({ series: 's1', raw: 'oops', value: NaN, time: time + 1, phase: 'passthrough', version: 0 });
 * const report = await sink.close();
 * [report.written, report.failed, report.dropped]; // => [1, 0, { nan: 1 }]
 * ```
 */
export function influxSink(options: InfluxSinkOptions): InfluxSink {
  refuseUnknownKeys(options, [...WRITE_TARGET_KEYS, ...POINT_KEYS, ...BATCH_KEYS], 'influxSink');
  const precision = options.precision ?? 'ms';
  const writer = new LineWriter(transportSender(options, precision), precision, options);
  let accepted = 0;
  let rawOnly = 0;
  let truncatedTimes = 0;
  const dropped: Partial<Record<DropReason, number>> = {};
  let closed = false;

  const report = (): WriteReport => ({
    accepted,
    lines: accepted - sumCounts(dropped),
    written: writer.written,
    pending: writer.pending,
    failed: writer.failed,
    spilled: writer.spilled,
    dropped: { ...dropped },
    rawOnly,
    truncatedTimes,
    retries: writer.retries,
    failures: writer.failures.map((f) => ({ ...f })),
    failedBy: { ...writer.failedBy },
  });

  return {
    write(n: Normalized, done?: (outcome: WriteOutcome) => void): void {
      if (closed) throw new Error('influxSink: write after close()');
      const out = normalizedToLine(n, options, Date.now()); // a throwing `measurement` function throws here, before counting
      accepted++;
      if ('dropped' in out) {
        dropped[out.dropped] = (dropped[out.dropped] ?? 0) + 1;
        done?.({ status: 'dropped', reason: out.dropped });
        return;
      }
      if (out.rawOnly) rawOnly++;
      if (out.truncated) truncatedTimes++;
      writer.enqueue(out.line, done);
    },
    async drain() {
      await writer.drain();
      return report();
    },
    async close(closeOptions: CloseOptions = {}) {
      closed = true;
      if (closeOptions.abandon) await writer.abandon();
      else await writer.drain();
      return report();
    },
    report,
  };
}
