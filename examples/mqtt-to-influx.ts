/**
 * MQTT in -> normalize -> InfluxDB out. Sensors publish `{"value": .., "time": ..}` to
 * `sensors/{site}/{device}/{field}`; each series is fitted on its first readings (outputs
 * flagged `provisional` meanwhile), frozen, and every output is written as a point with its raw
 * value and `phase`/`version` tags. At the end the sink drains and reports every reading: written,
 * dropped (a NaN has no line protocol) or failed. The example simulates the sensors itself.
 *
 * Works with InfluxDB 2.x/3.x and VictoriaMetrics (`--bucket`, /api/v2/write) or 1.x (`--db`).
 * Run:  INFLUX_TOKEN=... node dist/examples/mqtt-to-influx.js [--broker mqtt://127.0.0.1:1883]
 *         [--influx http://127.0.0.1:8086] [--bucket sensors | --db sensors] [--org my-org]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Subject, filter, firstValueFrom, lastValueFrom, take, takeUntil, throwError, timeout, toArray } from 'rxjs';
import { normalize } from 'streamnorm';
import { connectMqtt, mqttSource } from 'streamnorm/mqtt';
import { influxSink, toInflux, type RetryOptions, type WriteReport } from 'streamnorm/influx';

/** Options of {@link main}: broker, InfluxDB target (v2 bucket or v1 database), fleet, retries. */
export interface MqttToInfluxOptions {
  /** Broker URL (default mqtt://127.0.0.1:1883). */
  brokerUrl?: string;
  /** InfluxDB (or VictoriaMetrics) base URL (default http://127.0.0.1:8086). */
  influxUrl?: string;
  /** v2 bucket (default `sensors`), or a v1 database with `db`. */
  bucket?: string;
  db?: string;
  org?: string;
  token?: string;
  /** Simulated devices (default 2), messages per field (default 30), training readings (default 10). */
  devices?: number;
  messages?: number;
  train?: number;
  /** Fail when no reading arrives for this long, ms (default 10 000). */
  timeoutMs?: number;
  /** How hard the sink retries 429/5xx/network errors (default: 10 retries, up to 3 minutes). */
  retry?: RetryOptions;
}

/** What {@link main} returns: output counts and the sink's write report. */
export interface MqttToInfluxSummary {
  readings: number;
  /** Outputs by phase: provisional while fitting, frozen, flagged invalid. */
  outputs: { provisional: number; frozen: number; invalid: number };
  /** The sink's accounting: accepted = lines + dropped, lines = written + pending + failed. */
  report: WriteReport;
}

const FIELDS = ['temperature', 'vibration'] as const;
const HELLO = 'examples/hello'; // readings here only say that the source listens

/** Simulated value of a field of device d at message i (deterministic; one dropout). */
function simulatedValue(field: (typeof FIELDS)[number], d: number, i: number): number | null {
  if (field === 'temperature') return 20 + d + Math.sin(i / 4);
  return d === 2 && i === 7 ? null : 0.5 * d + 0.1 * Math.cos(i);
}

/**
 * Runs the example: MQTT source, normalize, `toInflux`, simulated sensors. Resolves with the
 * write report once the sink drained (lines the server refused or that outlasted the retries are
 * in `failed`, not thrown); rejects when the broker cannot be reached or no reading arrives for
 * `timeoutMs`.
 */
export async function main(options: MqttToInfluxOptions = {}): Promise<MqttToInfluxSummary> {
  const { devices = 2, messages = 30, train = 10, timeoutMs = 10_000 } = options;
  const connect = { url: options.brokerUrl ?? 'mqtt://127.0.0.1:1883', maxReconnectAttempts: 3 };
  // The sink: batches, retries 429/5xx/network errors, counts every line (nothing silently lost).
  const sink = influxSink({
    url: options.influxUrl ?? 'http://127.0.0.1:8086',
    ...(options.db !== undefined ? { db: options.db } : { bucket: options.bucket ?? 'sensors', org: options.org }),
    token: options.token,
    measurement: 'normalized',
    raw: true, // also the raw value, in field `raw`
    phaseTag: true,
    versionTag: true,
    retry: options.retry,
  });
  const sensors = await connectMqtt(connect);
  const stop$ = new Subject<void>();
  try {
    const source = mqttSource({ connect, topics: ['sensors/+site/+device/+field', { pattern: HELLO, codec: 'number' }], codec: { kind: 'json' }, timeUnit: 'ms' });
    const heard = firstValueFrom(source.readings$.pipe(filter((r) => r.series === HELLO)));
    const expected = devices * messages * FIELDS.length;
    const done = lastValueFrom(
      source.readings$.pipe(
        takeUntil(stop$),
        filter((r) => r.series !== HELLO),
        timeout({ each: timeoutMs, with: () => throwError(() => new Error(`no reading for ${timeoutMs} ms`)) }),
        take(expected),
        normalize({ freeze: { afterSamples: train }, whileFitting: 'provisional' }),
        toInflux(sink), // writes each output and passes it on; completes once the sink drained
        toArray(),
      ),
    );
    done.catch(() => undefined); // awaited below; keeps an early failure from being "unhandled"

    // The simulated sensors. A broker drops messages nobody subscribed to yet: say hello until
    // the source hears it, then one message per field, one second apart in event time.
    for (const deadline = Date.now() + timeoutMs; !(await Promise.race([heard.then(() => true), sleep(50).then(() => false)])); ) {
      if (Date.now() > deadline) throw new Error(`the source did not subscribe within ${timeoutMs} ms`);
      await sensors.publishAsync(HELLO, '1', { qos: 0 });
    }
    const t0 = Math.floor(Date.now() / 1000) * 1000 - messages * 1000; // recent: inside any retention
    for (let i = 0; i < messages; i++) {
      for (let d = 1; d <= devices; d++) {
        for (const field of FIELDS) {
          const payload = JSON.stringify({ value: simulatedValue(field, d, i), time: t0 + i * 1000 });
          await sensors.publishAsync(`sensors/plant1/dev${d}/${field}`, payload, { qos: 1 });
        }
      }
    }
    const outputs = await done;
    const report = await sink.close(); // drained already; close refuses further writes
    return {
      readings: expected,
      outputs: {
        provisional: outputs.filter((n) => n.flag === 'provisional').length,
        frozen: outputs.filter((n) => n.phase === 'frozen' && n.flag === undefined).length,
        invalid: outputs.filter((n) => n.flag === 'invalid').length,
      },
      report,
    };
  } finally {
    stop$.next();
    await sink.close({ abandon: true }); // a no-op after a clean close
    await sensors.endAsync();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values: a } = parseArgs({ options: { broker: { type: 'string' }, influx: { type: 'string' }, bucket: { type: 'string' }, db: { type: 'string' }, org: { type: 'string' } } });
  main({ brokerUrl: a.broker, influxUrl: a.influx, bucket: a.bucket, db: a.db, org: a.org, token: process.env.INFLUX_TOKEN }).then(
    ({ readings, outputs, report }) => {
      console.log(`${readings} readings: ${outputs.provisional} provisional, ${outputs.frozen} frozen, ${outputs.invalid} invalid`);
      console.log(`influx: ${report.written} points written, ${report.failed} failed, dropped ${JSON.stringify(report.dropped)}, ${report.retries} retries`);
      for (const f of report.failures) console.log(`  ${f.reason}: ${f.count} lines (${f.status ?? 'network'}): ${f.message}`);
      if (report.failed > 0) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
