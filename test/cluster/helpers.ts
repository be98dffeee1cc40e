import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { startNats, type NatsServer } from '../helpers/nats.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom, toArray } from 'rxjs';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { normalize, type NormalizeOptions } from '../../operators/index.js';
import type { Normalized, Reading } from '../../src/index.js';
import { decodeNormalized } from '../../connectors/mqtt/index.js';
import { partitionOf, partitionSubject } from '../../connectors/nats/index.js';

const cli = fileURLToPath(new URL('../../dist/bin/streamnorm.js', import.meta.url));

/** One reading as the tests publish it: topic sensors/<site>/<device>, JSON payload with value and time (ms). */
export interface TestReading {
  site: string;
  device: string;
  value: number;
  time: number;
}

/** The series id the worker's input pattern `sensors/+site/+device` makes of a reading. */
export const seriesOf = (r: TestReading): string => `${r.site}/${r.device}`;

/**
 * 200 series (10 sites × 20 devices) with staggered starts: series i has readings in rounds
 * [i % 30, i % 30 + 50), so at any round some series are still fitting and some frozen.
 */
export function makeReadings(series = 200, rounds = 80, seed = 7): TestReading[][] {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: TestReading[][] = [];
  for (let r = 0; r < rounds; r++) {
    const round: TestReading[] = [];
    for (let i = 0; i < series; i++) {
      const start = i % 30;
      if (r < start || r >= start + 50) continue;
      round.push({ site: `site${i % 10}`, device: `dev${i}`, value: 20 + (i % 7) + rand() * 4, time: 1_700_000_000_000 + r * 1000 });
    }
    out.push(round);
  }
  return out;
}

/** Publishes readings into the partitioned stream as the bridge would (partition from site and device). */
export async function publishReadings(js: JetStreamClient, readings: readonly TestReading[], partitions: number, prefix = 'part'): Promise<void> {
  for (let i = 0; i < readings.length; i += 500) {
    await Promise.all(
      readings.slice(i, i + 500).map((r) => {
        const subject = partitionSubject(prefix, partitionOf([r.site, r.device], partitions), `sensors/${r.site}/${r.device}`) as string;
        return js.publish(subject, JSON.stringify({ value: r.value, time: r.time }));
      }),
    );
  }
}

/** What one process of the same readings gives, by series, in time order. */
export async function singleProcess(readings: readonly TestReading[], options: NormalizeOptions): Promise<Map<string, Normalized[]>> {
  const input: Reading[] = readings.map((r) => ({ series: seriesOf(r), value: r.value, time: r.time, tags: { site: r.site, device: r.device } }));
  const out = await lastValueFrom(from(input).pipe(normalize(options), toArray()));
  return bySeries(out);
}

/** Outputs grouped by series, each group sorted by time. */
export function bySeries(outputs: readonly Normalized[]): Map<string, Normalized[]> {
  const m = new Map<string, Normalized[]>();
  for (const n of outputs) m.set(n.series, [...(m.get(n.series) ?? []), n]);
  for (const list of m.values()) list.sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
  return m;
}

/** The comparable part of an output. */
export const essence = (n: Normalized): unknown => ({ time: n.time, value: n.value, version: n.version, phase: n.phase, flag: n.flag });

/** Reads every message of a stream (an ordered consumer), decoded as normalized outputs. */
export async function readOutputs(nc: NatsConnection, stream: string): Promise<Normalized[]> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const info = await jsm.streams.info(stream);
  const total = info.state.messages;
  const out: Normalized[] = [];
  if (total === 0) return out;
  let consumer;
  for (let attempt = 0; ; attempt++) {
    try {
      consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
      break;
    } catch (e) {
      if (attempt > 10) throw e; // a cluster electing leaders may time out a few requests
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const messages = await consumer.consume();
  for await (const m of messages) {
    out.push(decodeNormalized(m.string()));
    if (out.length >= total) break;
  }
  messages.stop();
  return out;
}

/** Waits until a stream holds at least `n` messages (rejects after `timeoutMs`). */
export async function waitForMessages(nc: NatsConnection, stream: string, n: number, timeoutMs = 60_000): Promise<number> {
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const have = await jsm.streams
      .info(stream)
      .then((i) => i.state.messages)
      .catch(() => 0);
    if (have >= n) return have;
    if (Date.now() > deadline) throw new Error(`stream ${stream} holds ${have} messages after ${timeoutMs} ms; expected ${n}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Connects a test client. */
export async function natsClient(servers: string | string[]): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
  const nc = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  return { nc, js: jetstream(nc) };
}

/** A worker process (`streamnorm run --config`), with its output so far. */
export interface WorkerProcess {
  child: ChildProcess;
  name: string;
  stdout(): string;
  /** Resolves when stdout matches (rejects after timeoutMs or at exit). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  exit: Promise<number | null>;
  /** The counters of the latest status line (or of the `stopped:` line). */
  counters(): Record<string, number>;
}

/** Writes a config file and starts `streamnorm run` on it (status every 500 ms). */
export function startMember(name: string, config: object, extraArgs: string[] = []): WorkerProcess {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-cluster-'));
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, [cli, 'run', '--config', file, '--status-interval', '500ms', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stdout += d.toString()));
  const hard = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => (clearTimeout(hard), resolve(code))));
  return {
    child,
    name,
    stdout: () => stdout,
    exit,
    waitFor: (re, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = (): void => {
          if (re.test(stdout)) resolve();
          else if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) reject(new Error(`${name}: timed out waiting for ${re} in:\n${stdout.slice(-3000)}`));
          else setTimeout(check, 50);
        };
        check();
      }),
    counters: () => {
      const lines = stdout.split('\n').filter((l) => /\{"messages"/.test(l));
      const last = lines.at(-1);
      return last === undefined ? {} : (JSON.parse(last.slice(last.indexOf('{"messages"'))) as Record<string, number>);
    },
  };
}

/** Stops a member with SIGTERM and waits for its exit code. */
export async function stopMember(w: WorkerProcess): Promise<number | null> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  return w.exit;
}

/** A worker config for the tests: small leases and checkpoint intervals. */
export function workerConfig(servers: string | string[], worker: string, extra: { partitions?: number; replicas?: number; normalize?: object; cluster?: object } = {}): object {
  return {
    cluster: { servers, worker, partitions: extra.partitions ?? 8, replicas: extra.replicas ?? 1, lease: '2s', checkpointInterval: '1s', ackWait: '5s', ...extra.cluster },
    input: { nats: { topics: 'sensors/+site/+device', codec: { kind: 'json' }, timeUnit: 'ms' } },
    normalize: extra.normalize ?? { freeze: { afterSamples: 20 }, whileFitting: 'provisional' },
    output: { nats: { subject: 'normalized.{series}', stream: 'streamnorm-out' } },
  };
}

/**
 * One nats-server for a describe block, started before its tests and stopped after them, with the
 * members they start killed (SIGCONT first, for a paused one). Call inside `describe`.
 */
export function natsSuite(): { server: () => NatsServer; members: WorkerProcess[] } {
  let server: NatsServer | undefined;
  const members: WorkerProcess[] = [];
  beforeAll(async () => {
    server = await startNats();
  });
  afterAll(async () => {
    for (const w of members) {
      w.child.kill('SIGCONT');
      w.child.kill('SIGKILL');
    }
    await server?.stop();
  });
  return { server: () => server as NatsServer, members };
}
