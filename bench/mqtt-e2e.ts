/**
 * Section 6: end to end over MQTT. Two bridges run in their own processes (mqtt-bridge.ts): one
 * that normalizes and one that passes readings through unchanged (the no-op baseline); this
 * process publishes readings and receives the bridges' outputs, through the embedded aedes broker
 * (in its own process) and through Mosquitto.
 *
 * - Throughput: a burst of N readings (QoS 1), readings/s from the first publish to the last output.
 * - Latency: readings paced well below capacity, each carrying its send time; the time from send
 *   to receipt of its output, p50 and p99. Sender and receiver share this process's clock.
 * - The bridge's CPU time per reading over each throughput run (the bridge process's own count,
 *   user + system): what normalizing costs the bridge, apart from the broker and this process,
 *   which share the machine's two cores with it and make the throughput noisy.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { BenchConfig } from './config.js';
import { valueStream } from './data.js';
import { quantile, type RawFigure } from './figure.js';
import { interleave, type Case } from './interleave.js';
import type { SectionOutcome } from './suite.js';
import { BRIDGE_FREEZE_AFTER_SAMPLES } from './mqtt-bridge-options.js';
import { spawnScript, startAedesProcess, startMosquittoBroker, type Broker } from './servers.js';
import { stopProcess } from '../test/helpers/server-process.js';

type Mode = 'noop' | 'normalize';
const MODES: readonly Mode[] = ['noop', 'normalize'];
const PROBE_TIMEOUT_MS = 20_000;

const nowMs = (): number => performance.timeOrigin + performance.now();

/** Outputs expected by the run in progress for one bridge. */
interface Collector {
  since: number;
  expected: number;
  received: number;
  lastAt: number;
  latencies: number[];
  done: () => void;
}

/** One burst's outcome. */
interface Burst {
  /** Readings per second, first publish to last output. */
  rate: number;
  latencies: number[];
  lost: number;
}

/** The clients of this process and the collectors they feed. */
class LoadRig {
  private readonly collectors = new Map<Mode, Collector>();
  private readonly values = valueStream(1 << 16);
  private seq = 0;

  private constructor(
    readonly pub: MqttClient,
    readonly sub: MqttClient,
    readonly series: number,
  ) {
    sub.on('message', (topic, payload) => {
      const mode = topic.split('/')[1] as Mode;
      const c = this.collectors.get(mode);
      if (c === undefined) return;
      const t = nowMs();
      const m = JSON.parse(payload.toString()) as { time?: number };
      if (typeof m.time !== 'number' || m.time < c.since) return; // a straggler of an earlier run
      c.latencies.push(t - m.time);
      c.received++;
      c.lastAt = t;
      if (c.received === c.expected) c.done();
    });
  }

  static async connect(url: string, series: number): Promise<LoadRig> {
    const pub = await connectAsync(url, { clientId: `bench-load-pub-${process.pid}`, reconnectPeriod: 0 });
    const sub = await connectAsync(url, { clientId: `bench-load-sub-${process.pid}`, reconnectPeriod: 0 });
    await sub.subscribeAsync('bench/+/out/#', { qos: 1 });
    return new LoadRig(pub, sub, series);
  }

  private send(mode: Mode): void {
    const i = this.seq++;
    const payload = `{"value":${this.values[i & 0xffff] as number},"time":${nowMs()}}`;
    this.pub.publish(`bench/${mode}/in/dev${i % this.series}`, payload, { qos: 1 });
  }

  /** Sends `count` readings to a bridge (all at once, or at `rate` per second) and waits for every output. */
  async burst(mode: Mode, count: number, rate?: number): Promise<Burst> {
    const since = nowMs();
    const c: Collector = { since, expected: count, received: 0, lastAt: since, latencies: [], done: () => undefined };
    const finished = new Promise<void>((resolve) => (c.done = resolve));
    this.collectors.set(mode, c);
    const t0 = nowMs();
    if (rate === undefined) {
      for (let i = 0; i < count; i++) this.send(mode);
    } else {
      const gap = 1000 / rate;
      for (let i = 0; i < count; i++) {
        const wait = t0 + i * gap - nowMs();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        this.send(mode);
      }
    }
    const boundMs = 20_000 + (count / 1000) * 1000; // at least 1k readings/s, else the run is cut
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise<void>((r) => (timer = setTimeout(r, boundMs)))]);
    clearTimeout(timer);
    this.collectors.delete(mode);
    return { rate: (c.received / (c.lastAt - t0)) * 1000, latencies: c.latencies, lost: count - c.received };
  }

  /** Publishes to `bench/{mode}/in/probe` until its output comes back: the bridge is subscribed and publishing. */
  async probe(mode: Mode): Promise<void> {
    const deadline = Date.now() + PROBE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const since = nowMs();
      const got = new Promise<boolean>((resolve) => {
        const on = (topic: string): void => {
          if (topic === `bench/${mode}/out/probe`) {
            this.sub.off('message', on);
            resolve(true);
          }
        };
        this.sub.on('message', on);
        setTimeout(() => {
          this.sub.off('message', on);
          resolve(false);
        }, 300);
      });
      this.pub.publish(`bench/${mode}/in/probe`, `{"value":1,"time":${since}}`, { qos: 1 });
      if (await got) return;
    }
    throw new Error(`the ${mode} bridge did not answer a probe in ${PROBE_TIMEOUT_MS} ms`);
  }

  async close(): Promise<void> {
    await Promise.all([this.pub.endAsync(), this.sub.endAsync()]);
  }
}

/**
 * Asks a bridge process (mqtt-bridge.ts) for the CPU time it has used, in µs: a line `cpu` on its
 * stdin, answered by a line `{"cpuMicros": n}` on its stdout (refused after {@link PROBE_TIMEOUT_MS}).
 */
export function cpuMeter(child: ChildProcess): () => Promise<number> {
  const waiting: ((micros: number) => void)[] = [];
  if (child.stdout !== null) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let m: { cpuMicros?: unknown } | null;
      try {
        m = JSON.parse(line) as { cpuMicros?: unknown } | null;
      } catch {
        return; // not an answer (the bridge writes nothing else, but a stray line must not end the run)
      }
      if (typeof m?.cpuMicros === 'number') waiting.shift()?.(m.cpuMicros);
    });
  }
  return () =>
    new Promise<number>((resolve, reject) => {
      if (child.stdin === null) return reject(new Error('the bridge has no stdin'));
      const timer = setTimeout(() => reject(new Error(`the bridge (pid ${child.pid}) did not report its CPU time in ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      waiting.push((micros) => {
        clearTimeout(timer);
        resolve(micros);
      });
      child.stdin.write('cpu\n');
    });
}

/** All figures of one broker, or throws (the caller stops the broker). */
async function benchBroker(cfg: BenchConfig, broker: Broker, log: (line: string) => void): Promise<RawFigure[]> {
  const bridges = await Promise.all(MODES.map((mode) => spawnScript<{ ready: boolean }>('./mqtt-bridge.js', [broker.url, mode])));
  const cpuOf = new Map<Mode, () => Promise<number>>(MODES.map((mode, i) => [mode, cpuMeter((bridges[i] as { child: ChildProcess }).child)]));
  let rig: LoadRig | undefined;
  try {
    rig = await LoadRig.connect(broker.url, cfg.mqttSeries);
    const r = rig;
    for (const mode of MODES) await r.probe(mode);
    log(`mqtt ${broker.name}: bridges answer; warming up`);
    for (const mode of MODES) {
      const w = await r.burst(mode, (BRIDGE_FREEZE_AFTER_SAMPLES + 10) * cfg.mqttSeries);
      if (w.lost > 0) throw new Error(`mqtt ${broker.name}: ${w.lost} warm-up readings of the ${mode} bridge never came back`);
    }
    const p50 = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
    const cpuPerReading = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
    const lost = new Map<string, number>();
    const count = (name: string, b: Burst): void => {
      if (b.lost > 0) lost.set(name, (lost.get(name) ?? 0) + b.lost);
    };
    const name = (mode: Mode, what: string): string => `mqtt.${broker.name}.${mode}.${what}`;
    const throughputCases: Case[] = MODES.map((mode) => ({
      name: name(mode, 'throughput'),
      run: async () => {
        const cpu = cpuOf.get(mode) as () => Promise<number>;
        const before = await cpu();
        const b = await r.burst(mode, cfg.mqttThroughputReadings);
        const after = await cpu();
        (cpuPerReading.get(mode) as number[]).push((after - before) / Math.max(1, cfg.mqttThroughputReadings - b.lost));
        count(name(mode, 'throughput'), b);
        return b.rate;
      },
    }));
    const latencyCases: Case[] = MODES.map((mode) => ({
      name: name(mode, 'p99'),
      run: async () => {
        await new Promise((settle) => setTimeout(settle, 200)); // let the previous run's garbage go
        const b = await r.burst(mode, cfg.mqttLatencyReadings, cfg.mqttLatencyRate);
        count(name(mode, 'p99'), b);
        (p50.get(mode) as number[]).push(quantile(b.latencies, 0.5));
        return quantile(b.latencies, 0.99);
      },
    }));
    // Latency first, in its own rounds: a burst's backlog and garbage must not land in a paced run.
    log(`mqtt ${broker.name}: latency`);
    const runs = await interleave(latencyCases, cfg.mqttRounds);
    log(`mqtt ${broker.name}: throughput`);
    for (const [k, v] of await interleave(throughputCases, cfg.mqttRounds)) runs.set(k, v);
    const b = broker.name;
    const note = (n: string): { note: string } | object => (lost.has(n) ? { note: `${lost.get(n)} outputs lost or late` } : {});
    const fig = (mode: Mode, what: string, label: string, unit: RawFigure['unit'], values: number[], target?: RawFigure['target']): RawFigure => ({
      name: name(mode, what),
      section: 'mqtt',
      label: `${b}, ${mode === 'noop' ? 'no-op bridge' : 'normalize bridge'}: ${label}`,
      unit,
      runs: values,
      baseline: name('noop', what),
      ...(target ? { target } : {}),
      ...note(name(mode, what === 'p50' ? 'p99' : what === 'cpu' ? 'throughput' : what)),
    });
    const thr = `${cfg.mqttThroughputReadings} readings, ${cfg.mqttSeries} series, QoS 1`;
    const lat = `${cfg.mqttLatencyReadings} readings at ${cfg.mqttLatencyRate}/s`;
    return [
      fig('noop', 'throughput', `throughput (${thr})`, 'readings/s', runs.get(name('noop', 'throughput')) ?? []),
      fig('normalize', 'throughput', `throughput (${thr})`, 'readings/s', runs.get(name('normalize', 'throughput')) ?? [], { on: 'ratio', min: 0.9, text: '≥ 0.9× no-op (costs ≤ 10%)' }),
      fig('noop', 'cpu', "the bridge process's CPU time per reading, over the throughput runs", 'µs', cpuPerReading.get('noop') ?? []),
      fig('normalize', 'cpu', "the bridge process's CPU time per reading, over the throughput runs", 'µs', cpuPerReading.get('normalize') ?? []),
      fig('noop', 'p50', `latency p50 (${lat})`, 'ms', p50.get('noop') ?? []),
      fig('normalize', 'p50', `latency p50 (${lat})`, 'ms', p50.get('normalize') ?? []),
      fig('noop', 'p99', `latency p99 (${lat})`, 'ms', runs.get(name('noop', 'p99')) ?? []),
      fig('normalize', 'p99', `latency p99 (${lat})`, 'ms', runs.get(name('normalize', 'p99')) ?? [], { on: 'delta', max: 1, text: '≤ +1 ms over no-op' }),
    ];
  } finally {
    await rig?.close();
    await Promise.all(bridges.map((x) => stopProcess(x.child, 'SIGTERM', 5_000)));
  }
}

/** Section 6 on aedes and, when installed, Mosquitto. */
export async function benchMqtt(cfg: BenchConfig, log: (line: string) => void): Promise<SectionOutcome> {
  const figures: RawFigure[] = [];
  const skipped: string[] = [];
  for (const start of [startAedesProcess, startMosquittoBroker]) {
    const broker = await start();
    if ('skipped' in broker) {
      skipped.push(broker.skipped);
      log(`mqtt: SKIPPED ${broker.skipped}`);
      continue;
    }
    log(`mqtt: ${broker.name} at ${broker.url}`);
    try {
      figures.push(...(await benchBroker(cfg, broker, log)));
    } finally {
      await broker.stop();
    }
  }
  return { figures, skipped };
}
