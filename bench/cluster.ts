/**
 * Partitioned workers on NATS JetStream, next to the single-process MQTT bridge, on this machine.
 *
 * - Cluster, 1, 2 and 3 worker processes (`streamnorm run` with a `cluster:` section, 24
 *   partitions, one nats-server with JetStream on file storage): readings are published into the
 *   partitioned stream with JetStream acknowledgements (a window of 1000 in flight, the partition
 *   computed as the bridge computes it); outputs are stored in the output stream and also seen by
 *   a core subscription here, which times them.
 * - Single process: bench/mqtt-bridge.ts on Mosquitto (MQTT QoS 1 in and out), driven the same way.
 *
 * Throughput: a burst of N readings, first publish to last output. Latency: readings paced at
 * `RATE`/s, each carrying its send time, send to output receipt, p50 and p99. Writes a JSON of
 * figures for the lead to fold into bench/results.md.
 *
 * Usage: npm run build && node dist/bench/cluster.js [out.json]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectAsync } from 'mqtt';
import { partitionOf } from '../connectors/nats/partition.js';
import { partitionSubject } from '../connectors/nats/subjects.js';
import { quantile } from './figure.js';
import { spawnScript } from './servers.js';
import { stopProcess } from '../test/helpers/server-process.js';
import { startNats } from '../test/helpers/nats.js';
import { hasMosquitto, startMosquitto } from '../test/helpers/mosquitto.js';

const SERIES = 100;
const BURST = 20_000;
const PACED = 3_000;
const RATE = 1_000;
const PARTITIONS = 24;
const FREEZE = 20;
const cli = fileURLToPath(new URL('../bin/streamnorm.js', import.meta.url));
const nowMs = (): number => performance.timeOrigin + performance.now();

interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** Outputs counted and timed by their `time` (the send time the reading carried). */
class Timer {
  expected = 0;
  received = 0;
  lastAt = 0;
  since = 0;
  latencies: number[] = [];
  private done: () => void = () => undefined;
  take(time: number): void {
    if (time < this.since) return;
    const t = nowMs();
    this.latencies.push(t - time);
    this.lastAt = t;
    if (++this.received === this.expected) this.done();
  }
  arm(expected: number): Promise<void> {
    Object.assign(this, { expected, received: 0, since: nowMs(), latencies: [] });
    return new Promise((resolve) => (this.done = resolve));
  }
}

type Send = (i: number) => Promise<unknown>;

async function run(send: Send, timer: Timer, count: number, rate?: number): Promise<{ rate: number; p50: number; p99: number; lost: number }> {
  const finished = timer.arm(count);
  const t0 = nowMs();
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < count; i++) {
    if (rate !== undefined) {
      const wait = t0 + (i * 1000) / rate - nowMs();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const p = send(i).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= 1000) await Promise.race(inFlight);
  }
  let cut: NodeJS.Timeout | undefined;
  await Promise.race([finished, new Promise<void>((r) => (cut = setTimeout(r, 60_000)))]);
  clearTimeout(cut);
  return { rate: (timer.received / (timer.lastAt - t0)) * 1000, p50: quantile(timer.latencies, 0.5), p99: quantile(timer.latencies, 0.99), lost: count - timer.received };
}

/** CPU seconds a process has used (user + system), from /proc; NaN where there is none. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

/** Readings one measure() sends. */
const PER_MEASURE = (FREEZE + 10) * SERIES + BURST + PACED;

async function measure(label: string, send: Send, timer: Timer, figures: Figure[], log: (l: string) => void): Promise<void> {
  const warm = await run(send, timer, (FREEZE + 10) * SERIES);
  if (warm.lost > 0) throw new Error(`${label}: ${warm.lost} warm-up readings never came back`);
  const burst = await run(send, timer, BURST);
  const paced = await run(send, timer, PACED, RATE);
  figures.push({ name: `${label}: throughput (${BURST} readings, ${SERIES} series)`, value: Math.round(burst.rate), unit: 'readings/s' });
  figures.push({ name: `${label}: latency p50 (${PACED} at ${RATE}/s)`, value: +paced.p50.toFixed(3), unit: 'ms' });
  figures.push({ name: `${label}: latency p99 (${PACED} at ${RATE}/s)`, value: +paced.p99.toFixed(3), unit: 'ms' });
  log(`${label}: ${Math.round(burst.rate)} readings/s (lost ${burst.lost}), p50 ${paced.p50.toFixed(2)} ms, p99 ${paced.p99.toFixed(2)} ms`);
}

function payload(i: number): string {
  return `{"value":${20 + Math.sin(i) * 3},"time":${nowMs()}}`;
}

async function singleProcess(figures: Figure[], log: (l: string) => void): Promise<void> {
  if (!hasMosquitto()) return log('single-process bridge: mosquitto not installed, skipped');
  const broker = await startMosquitto();
  const { child } = await spawnScript<{ ready: boolean }>('./mqtt-bridge.js', [broker.url, 'normalize']);
  const pub = await connectAsync(broker.url, { clientId: `bench-cluster-pub-${process.pid}` });
  const sub = await connectAsync(broker.url, { clientId: `bench-cluster-sub-${process.pid}` });
  const timer = new Timer();
  sub.on('message', (_t, p) => timer.take((JSON.parse(p.toString()) as { time: number }).time));
  await sub.subscribeAsync('bench/normalize/out/#', { qos: 1 });
  await new Promise((r) => setTimeout(r, 500));
  try {
    const before = cpuSeconds(child.pid);
    await measure('single-process MQTT bridge (Mosquitto)', (i) => pub.publishAsync(`bench/normalize/in/dev${i % SERIES}`, payload(i), { qos: 1 }), timer, figures, log);
    const cpu = +(((cpuSeconds(child.pid) - before) * 1e6) / PER_MEASURE).toFixed(1);
    figures.push({ name: 'single-process MQTT bridge (Mosquitto): bridge CPU per reading', value: cpu, unit: 'µs' });
    log(`  CPU per reading: bridge ${cpu} µs`);
  } finally {
    await Promise.all([pub.endAsync(), sub.endAsync()]);
    await stopProcess(child, 'SIGTERM', 5_000);
    await broker.stop();
  }
}

function startWorker(servers: string, name: string): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-bench-cluster-'));
  const file = join(dir, 'config.json');
  const config = {
    cluster: { servers, worker: name, partitions: PARTITIONS, lease: '5s', checkpointInterval: '10s' },
    input: { nats: { topics: 'bench/in/+device', codec: { kind: 'json' }, timeUnit: 'ms' } },
    normalize: { freeze: { afterSamples: FREEZE } },
    output: { nats: { subject: 'normalized.{series}', stream: 'bench-out' } },
  };
  writeFileSync(file, JSON.stringify(config));
  const profile = process.env.BENCH_CPU_PROF === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF]; // where the time goes
  return spawn(process.execPath, [...profile, cli, 'run', '--config', file, '--status-interval', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
}

async function cluster(workers: number, figures: Figure[], log: (l: string) => void): Promise<void> {
  const server = await startNats();
  const children: ChildProcess[] = [];
  let nc: NatsConnection | undefined;
  try {
    for (let w = 0; w < workers; w++) children.push(startWorker(server.url, `bench-w${w + 1}`));
    children.forEach((c, w) => c.stdout?.on('data', (d: Buffer) => { for (const l of d.toString().split('\n')) if (/given up|failed/.test(l)) log(`  worker ${w + 1}: ${l}`); }));
    await Promise.all(children.map((c) => new Promise<void>((resolve) => c.stdout?.on('data', (d: Buffer) => /running/.test(d.toString()) && resolve()))));
    await new Promise((r) => setTimeout(r, 5_000)); // the workers share the partitions out
    nc = await connect({ servers: server.url });
    const js: JetStreamClient = jetstream(nc);
    const timer = new Timer();
    nc.subscribe('normalized.>', { callback: (_e, m) => timer.take((JSON.parse(m.string()) as { time: number }).time) });
    const subjects = Array.from({ length: SERIES }, (_, d) => partitionSubject('part', partitionOf([`dev${d}`], PARTITIONS), `bench/in/dev${d}`) as string);
    const label = `cluster, ${workers} worker${workers > 1 ? 's' : ''} (${PARTITIONS} partitions, 1 nats-server)`;
    const cpu0 = { workers: children.reduce((a, c) => a + cpuSeconds(c.pid), 0), server: cpuSeconds(server.pid) };
    await measure(label, (i) => js.publish(subjects[i % SERIES] as string, payload(i)), timer, figures, log);
    const perReading = (seconds: number): number => +((seconds * 1e6) / PER_MEASURE).toFixed(1);
    const workersCpu = perReading(children.reduce((a, c) => a + cpuSeconds(c.pid), 0) - cpu0.workers);
    const serverCpu = perReading(cpuSeconds(server.pid) - cpu0.server);
    figures.push({ name: `${label}: worker CPU per reading (all workers)`, value: workersCpu, unit: 'µs' }, { name: `${label}: nats-server CPU per reading`, value: serverCpu, unit: 'µs' });
    log(`  CPU per reading: workers ${workersCpu} µs, nats-server ${serverCpu} µs`);
  } finally {
    await nc?.close();
    await Promise.all(children.map((c) => stopProcess(c, 'SIGTERM', 5_000)));
    await server.stop();
  }
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? 'bench/cluster-results.json';
  const figures: Figure[] = [];
  const log = (l: string): void => void process.stdout.write(`${l}\n`);
  if (process.env.BENCH_WORKERS === undefined) await singleProcess(figures, log);
  for (const w of (process.env.BENCH_WORKERS ?? '1,2,3').split(',').map(Number)) await cluster(w, figures, log);
  const memory = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(new URL('./cluster-memory.js', import.meta.url)), '200000'], { encoding: 'utf8' });
  const doc = {
    memoryPerSeries: memory.status === 0 ? (JSON.parse(memory.stdout) as unknown) : `cluster-memory failed: ${memory.stderr}`,
    createdAt: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    setup: `${SERIES} series, freeze after ${FREEZE} samples; everything (nats-server, workers, this load generator) on the same ${cpus().length} cores`,
    figures,
  };
  writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`);
  log(`wrote ${out}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
