/**
 * MQTT in, MQTT out: sensors publish JSON with several fields; each series (device × field) is
 * fitted on its first readings and frozen; every reading goes out normalized with the frozen
 * statistics to `normalized/{site}/{device}/{field}`, and each series' statistics as a retained
 * message on `streamnorm/stats/{series}` (new subscribers get them at once). The example simulates
 * the sensors itself; without --broker it starts an embedded broker (aedes).
 * Run:  node dist/examples/mqtt-normalize-mqtt.js [--broker mqtt://127.0.0.1:1883] [--devices 3] [--messages 40] [--train 20]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Subject, filter, firstValueFrom, lastValueFrom, take, takeUntil, throwError, timeout, toArray } from 'rxjs';
import { SeriesStore, normalize } from 'streamnorm';
import { connectMqtt, mqttSource, publishFrozenStats, publishNormalized, readFrozenStats } from 'streamnorm/mqtt';

/** Options of {@link main}: the broker, the simulated fleet, the training length. */
export interface MqttNormalizeOptions {
  /** Broker URL (default: an embedded aedes broker on a free port, closed at the end). */
  brokerUrl?: string;
  /** Simulated devices (default 3), JSON messages per device (default 40), valid readings a series learns before it freezes (default 20). */
  devices?: number;
  messages?: number;
  train?: number;
  /** Fail when no reading arrives for this long, ms (default 10 000). */
  timeoutMs?: number;
}

/** What {@link main} returns: counts of what came in and went out, and the retained statistics. */
export interface MqttNormalizeSummary {
  readings: number;
  /** Normalized readings the broker acknowledged (`ok`), and those that could not be published. */
  published: { ok: number; failed: number };
  /** Outputs by flag: `held` (the training window, released at the freeze), `invalid`, none (`frozen`). */
  outputs: { held: number; frozen: number; invalid: number };
  /** Messages the source refused (not JSON, ...), counted, never crashing the pipeline. */
  malformed: number;
  /** Frozen statistics read back from the retained messages, by series. */
  retained: Record<string, { center: number; scale: number; count: number }>;
}

/** Readings on this topic only tell us that the source's subscriptions are in place. */
const HELLO = 'examples/hello';

/**
 * Runs the example: source, normalize, publish, simulated sensors, then reads the retained
 * statistics back. Resolves once every reading was published and acknowledged; rejects when the
 * broker cannot be reached (3 attempts) or no reading arrives for `timeoutMs`. Closes everything
 * it opened either way.
 */
export async function main(options: MqttNormalizeOptions = {}): Promise<MqttNormalizeSummary> {
  const { devices = 3, messages = 40, train = 20, timeoutMs = 10_000 } = options;
  const embedded = options.brokerUrl === undefined ? await startEmbeddedBroker() : undefined;
  const connect = { url: options.brokerUrl ?? (embedded?.url as string), maxReconnectAttempts: 3 }; // then give up (an error)
  const sensors = await connectMqtt(connect).catch(async (e: unknown) => {
    await embedded?.close();
    throw e;
  });
  const stop$ = new Subject<void>(); // ends the pipeline early if anything below fails
  try {
    // 1. The source: one reading per JSON field; series `site/device/field`, tags from the topic.
    const codec = { kind: 'json', fields: ['temperature', 'humidity'], time: 'time' } as const;
    const source = mqttSource({ connect, topics: ['sensors/+site/+device', { pattern: HELLO, codec: 'number' }], codec, timeUnit: 'ms' });
    const heard = firstValueFrom(source.readings$.pipe(filter((r) => r.series === HELLO)));

    // 2. Normalize: fit per series, freeze after `train` values; 'hold' keeps the training window
    //    back and releases it normalized with the frozen statistics (flag 'held').
    const store = new SeriesStore();
    const expected = devices * messages * 2; // two fields per message (a null is a reading too)
    const outputs$ = source.readings$.pipe(
      takeUntil(stop$),
      filter((r) => r.series !== HELLO),
      timeout({ each: timeoutMs, with: () => throwError(() => new Error(`no reading for ${timeoutMs} ms`)) }),
      take(expected),
      normalize({ freeze: { afterSamples: train }, whileFitting: 'hold', store }),
    );
    // 3. Publish: each output to its topic; each freeze as a retained stats message.
    const acks = lastValueFrom(outputs$.pipe(publishNormalized({ connect, topic: 'normalized/{site}/{device}/{field}' }), toArray()));
    const statsAcks = lastValueFrom(store.frozen$.pipe(takeUntil(stop$), publishFrozenStats({ connect }), toArray()));
    for (const p of [acks, statsAcks]) p.catch(() => undefined); // awaited below; keeps an early failure from being "unhandled"

    // 4. The simulated sensors. A broker drops messages nobody subscribed to yet: say hello
    //    until the source hears it, then publish (QoS 1).
    for (const deadline = Date.now() + timeoutMs; !(await Promise.race([heard.then(() => true), sleep(50).then(() => false)])); ) {
      if (Date.now() > deadline) throw new Error(`the source did not subscribe within ${timeoutMs} ms`);
      await sensors.publishAsync(HELLO, '1', { qos: 0 });
    }
    const t0 = Date.UTC(2024, 0, 1);
    await sensors.publishAsync('sensors/plant1/dev1', 'not json {', { qos: 1 }); // malformed: counted
    for (let i = 0; i < messages; i++) {
      for (let d = 1; d <= devices; d++) {
        const humidity = d === 1 && i === 5 ? null : 40 + d + 5 * Math.cos(i / 5); // a dropout
        const payload = { temperature: 20 + d + 2 * Math.sin(i / 3), humidity, time: t0 + i * 1000 };
        await sensors.publishAsync(`sensors/plant1/dev${d}`, JSON.stringify(payload), { qos: 1 });
      }
    }
    const published = await acks;
    stop$.next();
    await statsAcks;

    // 5. What a dashboard connecting now sees: the retained statistics of every series.
    const retained: MqttNormalizeSummary['retained'] = {};
    for (const [series, p] of await readFrozenStats({ connect })) retained[series] = { center: p.center, scale: p.scale, count: p.count };
    const ok = published.filter((a) => a.ok).length;
    const flagged = (flag?: string): number => published.filter((a) => a.item.flag === flag).length;
    return {
      readings: expected,
      published: { ok, failed: published.length - ok },
      outputs: { held: flagged('held'), frozen: flagged(undefined), invalid: flagged('invalid') },
      malformed: source.diagnostics.counters.malformed,
      retained,
    };
  } finally {
    stop$.next();
    await sensors.endAsync();
    await embedded?.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An in-process aedes broker on a free port of 127.0.0.1 (aedes is an optional dependency). */
async function startEmbeddedBroker(): Promise<{ url: string; close(): Promise<void> }> {
  const [{ Aedes }, { createServer }] = await Promise.all([import('aedes'), import('node:net')]);
  const broker = await Aedes.createBroker();
  const server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const close = (): Promise<void> => new Promise((resolve) => broker.close(() => server.close(() => resolve())));
  return { url: `mqtt://127.0.0.1:${port}`, close };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { broker: { type: 'string' }, devices: { type: 'string' }, messages: { type: 'string' }, train: { type: 'string' } } });
  const int = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  main({ brokerUrl: values.broker, devices: int(values.devices), messages: int(values.messages), train: int(values.train) }).then(
    (s) => {
      console.log(`${s.readings} readings -> ${s.published.ok} published (${s.published.failed} failed): ${s.outputs.held} held, ${s.outputs.frozen} frozen, ${s.outputs.invalid} invalid; ${s.malformed} malformed message(s)`);
      for (const [series, p] of Object.entries(s.retained)) console.log(`  retained stats ${series}: mean ${p.center.toFixed(3)}, std ${p.scale.toFixed(3)} (n=${p.count})`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
