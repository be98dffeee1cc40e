/**
 * Delivery bench (not part of `npm run bench`'s suite; run `npm run build && node
 * dist/bench/delivery.js [--quick] [--out=FILE]`): what end-to-end at-least-once costs in
 * `streamnorm run`, as a process, on Mosquitto (QoS 1 in and out, persistent session, state file).
 *
 * - Throughput with the bound on unacknowledged messages at 1 and at 1000, while series fit (every
 *   message waits for a checkpoint that holds what was learned from it) and frozen (it waits for
 *   its outputs' PUBACKs only). The messages wait in the bridge's persistent session first, so the
 *   figure is the bridge's, not the publisher's: messages out / seconds from the first output to
 *   the last.
 * - A sustained run (5 minutes; 30 s with --quick) at 60 % of the highest frozen rate measured,
 *   with the bridge's RSS sampled every second, and every output counted (0 lost).
 *
 * Writes a JSON document (default bench/delivery.json) with its figures, which `npm run bench`
 * folds into bench/results.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync, type MqttClient } from 'mqtt';
import { startFaultBroker, type FaultBroker } from '../test/faults/broker.js';
import type { OtherFigure } from './others.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const cli = fileURLToPath(new URL('../bin/streamnorm.js', import.meta.url));

/**
 * The built CLI as a child process (dist/bin/streamnorm.js beside this dist/bench/delivery.js);
 * `running` resolves at its first status line (its input subscribed soon after: wait a little more).
 */
function startCli(args: string[]): { child: ChildProcess; exit: Promise<number | null>; running: Promise<void> } {
  const child = spawn(process.execPath, [cli, ...args, '--status-interval', '200ms'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const running = new Promise<void>((resolve) => {
    let text = '';
    child.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      if (/\[\d+ s\] received/.test(text)) resolve();
      if (text.length > 10_000) text = text.slice(-1000);
    });
  });
  return { child, exit: new Promise((resolve) => child.on('close', (code) => resolve(code))), running };
}
type CliProcess = ReturnType<typeof startCli>;

/** Resident memory of a process, MiB (from /proc). */
function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

interface Throughput {
  bound: number;
  phase: 'fitting' | 'frozen';
  messages: number;
  seconds: number;
  perSecond: number;
}

const quick = process.argv.includes('--quick');
const outArg = process.argv.find((a) => a.startsWith('--out='));
const out = outArg ? outArg.slice('--out='.length) : fileURLToPath(new URL('../../bench/delivery.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'streamnorm-bench-delivery-'));
const SERIES = 100;

function config(name: string, broker: FaultBroker, bound: number, phase: 'fitting' | 'frozen'): string {
  const path = join(dir, `${name}.yaml`);
  const normalize = phase === 'fitting' ? '{ freeze: never, whileFitting: provisional }' : '{ freeze: { afterSamples: 1 }, whileFitting: provisional }';
  writeFileSync(
    path,
    `input:
  mqtt: { url: ${broker.url}, clientId: bench-${name}, clean: false, protocolVersion: 5, topics: "bench/${name}/+device", codec: { kind: json }, timeUnit: ms }
normalize: ${normalize}
output:
  mqtt: { topic: "out/{series}", protocolVersion: 5, clientId: bench-${name}-out }
state: { file: ${join(dir, `${name}.json`)} }
delivery: { maxUnacknowledged: ${bound} }
`,
  );
  return path;
}

/** Publishes to one phase's topics (each phase its own: the persistent sessions of earlier phases keep their subscriptions). */
async function publish(client: MqttClient, name: string, from: number, count: number): Promise<void> {
  const t0 = Date.now() - 3_600_000;
  const inflight = new Set<Promise<unknown>>();
  for (let i = from; i < from + count; i++) {
    const p = client.publishAsync(`bench/${name}/d${i % SERIES}`, `{"value":${(i * 7919) % 1000},"time":${t0 + i}}`, { qos: 1 });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
    if (inflight.size >= 500) await Promise.race(inflight);
  }
  await Promise.all(inflight);
}

async function counter(broker: FaultBroker): Promise<{ client: MqttClient; count: () => number; first: () => number; last: () => number }> {
  let n = 0;
  let first = 0;
  let last = 0;
  const client = await connectAsync(broker.url, { protocolVersion: 5 });
  client.on('message', () => {
    if (n++ === 0) first = Date.now();
    last = Date.now();
  });
  await client.subscribeAsync('out/#', { qos: 1 }); // QoS 0 copies may be dropped by a busy broker
  return { client, count: () => n, first: () => first, last: () => last };
}

async function stop(run: CliProcess): Promise<void> {
  run.child.kill('SIGTERM');
  await run.exit;
}

async function throughput(broker: FaultBroker, bound: number, phase: 'fitting' | 'frozen', messages: number): Promise<Throughput> {
  const name = `t-${bound}-${phase}`;
  const cfg = config(name, broker, bound, phase);
  let run = startCli(['run', '--config', cfg]);
  await run.running;
  await sleep(1000); // the persistent session and its subscription exist now
  await stop(run);
  const pub = await connectAsync(broker.url, { protocolVersion: 5 });
  await publish(pub, name, 0, messages);
  await pub.endAsync();
  const seen = await counter(broker);
  run = startCli(['run', '--config', cfg]);
  const deadline = Date.now() + 600_000;
  while (seen.count() < messages && Date.now() < deadline) await sleep(100);
  await stop(run);
  await seen.client.endAsync();
  const seconds = (seen.last() - seen.first()) / 1000;
  return { bound, phase, messages: seen.count(), seconds, perSecond: Math.round((seen.count() - 1) / Math.max(seconds, 1e-3)) };
}

async function sustained(broker: FaultBroker, rate: number, seconds: number) {
  const cfg = config('sustained', broker, 1000, 'frozen');
  const run = startCli(['run', '--config', cfg]);
  await run.running;
  await sleep(1000);
  const seen = await counter(broker);
  const pub = await connectAsync(broker.url, { protocolVersion: 5 });
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(rssMiB(run.child.pid as number)), 1000);
  const t0 = Date.now();
  let sent = 0;
  while (Date.now() - t0 < seconds * 1000) {
    const due = Math.floor(((Date.now() - t0) / 1000) * rate);
    if (due > sent) {
      await publish(pub, 'sustained', sent, due - sent);
      sent = due;
    } else await sleep(5);
  }
  const drainStart = Date.now();
  while (seen.count() < sent && Date.now() - drainStart < 60_000) await sleep(100);
  clearInterval(sampler);
  await pub.endAsync();
  await stop(run);
  await seen.client.endAsync();
  const sorted = [...rss].sort((a, b) => a - b);
  return {
    seconds,
    targetPerSecond: rate,
    sent,
    received: seen.count(),
    lost: Math.max(0, sent - seen.count()),
    drainSecondsAfterPublishing: (Date.now() - drainStart) / 1000,
    rssMiB: { min: Math.round(sorted[0] ?? 0), median: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0), max: Math.round(sorted.at(-1) ?? 0), samples: rss.map((r) => Math.round(r)) },
  };
}

/** The figures of the run in the shape bench/results.md folds in (see bench/others.ts). */
function deliveryFigures(results: readonly Throughput[], s: Awaited<ReturnType<typeof sustained>>): OtherFigure[] {
  const figures: OtherFigure[] = results.map((r) => ({
    name: `delivery.${r.phase}.bound${r.bound}`,
    label: `streamnorm run, series ${r.phase}, maxUnacknowledged ${r.bound}: throughput`,
    unit: 'readings/s',
    median: r.perSecond,
    runs: [r.perSecond],
    target: null,
    pass: null,
    note: `${r.messages} messages in ${r.seconds.toFixed(1)} s`,
  }));
  figures.push(
    { name: 'delivery.sustained.lost', label: `sustained ${s.seconds} s at ${s.targetPerSecond}/s: readings lost`, unit: 'readings', median: s.lost, runs: [s.lost], target: { on: 'median', max: 0, text: '0' }, pass: s.lost === 0, note: `${s.sent} sent, ${s.received} received` },
    { name: 'delivery.sustained.rss', label: `sustained ${s.seconds} s: bridge RSS (median of 1 s samples)`, unit: 'MiB', median: s.rssMiB.median, runs: s.rssMiB.samples, target: null, pass: null, note: `min ${s.rssMiB.min}, max ${s.rssMiB.max}` },
  );
  return figures;
}

async function main(): Promise<void> {
  const broker = await startFaultBroker({ saveOnEveryChange: false, maxInflight: 1000 });
  const results: Throughput[] = [];
  try {
    for (const phase of ['frozen', 'fitting'] as const) {
      for (const bound of [1000, 1]) {
        const n = bound === 1 ? (quick ? 200 : 2_000) : quick ? 5_000 : 50_000;
        const r = await throughput(broker, bound, phase, n);
        console.log(`[delivery] bound ${bound}, ${phase}: ${r.perSecond} messages/s (${r.messages} in ${r.seconds.toFixed(1)} s)`);
        results.push(r);
      }
    }
    const best = Math.max(...results.filter((r) => r.phase === 'frozen').map((r) => r.perSecond));
    const rate = Math.floor(best * 0.6);
    const s = await sustained(broker, rate, quick ? 30 : 300);
    console.log(`[delivery] sustained ${s.seconds} s at ${rate}/s: sent ${s.sent}, received ${s.received}, lost ${s.lost}, RSS ${s.rssMiB.min}-${s.rssMiB.max} MiB (median ${s.rssMiB.median})`);
    const doc = { date: new Date().toISOString(), machine: '2 shared cores', broker: 'Mosquitto 2.0 (QoS 1 in and out, persistent session, state file with fsync)', series: SERIES, throughput: results, sustained: s, figures: deliveryFigures(results, s) };
    writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
    console.log(`[delivery] wrote ${out}`);
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
