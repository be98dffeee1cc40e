import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { CliError } from '../cli/args.js';
import type { ClusterRunConfig } from '../cli/run-config.js';
import type { HttpConfig } from '../http/cli.js';
import { ensureOutputStream, ensurePartitionedStream } from '../../connectors/nats/stream.js';
import { newCounters, type ClusterCounters } from './counters.js';
import { startRole } from './roles.js';
import { TRANSIENT, untilAnswered } from './retry.js';
import { connectNats } from './nats-connect.js';
import { startClusterOps } from './ops-http.js';

/** What `streamnorm run` passes on to a cluster member. */
export interface ClusterRunOptions {
  check: boolean;
  durationMs: number | undefined;
  statusMs: number;
  http: HttpConfig | undefined;
}

/** A running role: its counters, a one-line state, and how to stop it cleanly. */
export interface RunningRole {
  counters: ClusterCounters;
  describe(): string;
  stop(): Promise<void>;
}

/**
 * `streamnorm run` with a `cluster:` section: connects to NATS (with the section's credentials and
 * TLS files: exit 4 unreachable, 5 credentials refused, 6 TLS failed), makes or checks the streams
 * (a different partition count for an existing stream is refused, exit 2), and runs the role until
 * SIGINT/SIGTERM or --duration: then hands its partitions over (checkpointed) and exits 0. With
 * --check it stops after the checks. With `http:` / `--http` it serves `/metrics`, `/healthz` and
 * `/readyz` (see {@link startClusterOps}).
 */
export async function runCluster(config: ClusterRunConfig, options: ClusterRunOptions, out: (line: string) => void): Promise<number> {
  const { cluster } = config;
  const nc = await connectNats(cluster);
  try {
    const jsm = await untilJetStream(() => jetstreamManager(nc, { timeout: 5_000 }), out);
    const stream =
      cluster.role === 'share'
        ? undefined
        : await untilAnswered(async () => ensurePartitionedStream(jsm, defined({ name: cluster.stream, prefix: cluster.prefix, partitions: cluster.partitions ?? (await existingPartitions(jsm, cluster.stream)), replicas: cluster.replicas, maxAgeMs: cluster.maxAgeMs, maxBytes: cluster.maxBytes, duplicateWindowMs: cluster.duplicateWindowMs }))).catch((e: Error) => {
            throw new CliError(e.message, TRANSIENT.test(e.message) ? 4 : 2);
          });
    if (config.output.nats !== undefined) {
      const tokens = config.output.nats.subject.split('.');
      const fixed = tokens.slice(0, Math.max(0, tokens.findIndex((t) => t.includes('{'))));
      const subjects = [fixed.length === tokens.length || fixed.length === 0 ? config.output.nats.subject.replace(/\{[^{}]+\}/g, '*') : `${fixed.join('.')}.>`];
      const output = { name: config.output.nats.stream, subjects, replicas: cluster.replicas, duplicateWindowMs: cluster.duplicateWindowMs };
      await untilAnswered(() => ensureOutputStream(jsm, output)).catch((e: Error) => {
        throw new CliError(e.message, TRANSIENT.test(e.message) ? 4 : 2);
      });
    }
    if (options.check) {
      out(`config is valid; NATS answers; ${stream ? `stream ${stream.name} has ${stream.partitions} partitions` : 'no partitioned stream (share role)'}`);
      await nc.close();
      return 0;
    }
    const counters = newCounters();
    const ops = options.http === undefined ? undefined : await startClusterOps(options.http, counters, nc);
    if (ops !== undefined) out(`metrics:   ${ops.origin}/metrics (a cluster member serves /metrics, /healthz and /readyz; no page)`);
    try {
      const role = await startRole({ config, nc, js: jetstream(nc), jsm, partitions: stream?.partitions ?? 0, counters, log: out });
      out(`${cluster.role} ${cluster.worker} running${stream ? ` on ${stream.name} (${stream.partitions} partitions)` : ''}`);
      return await untilStopped(role, options, out, nc);
    } finally {
      await ops?.close();
    }
  } catch (e) {
    await nc.close().catch(() => undefined);
    throw e;
  }
}

/** JetStream may not answer yet (a cluster electing its leader): retried for up to a minute, then surfaced (exit 4). */
async function untilJetStream<T>(step: () => Promise<T>, out: (line: string) => void): Promise<T> {
  try {
    return await untilAnswered(step, (m) => out(`waiting for JetStream: ${m}`));
  } catch (e) {
    if (TRANSIENT.test((e as Error).message)) throw new CliError(`JetStream does not answer: ${(e as Error).message}`, 4);
    throw e;
  }
}

async function existingPartitions(jsm: Awaited<ReturnType<typeof jetstreamManager>>, name: string): Promise<number> {
  const info = await jsm.streams.info(name).catch(() => undefined);
  const m = /partitions=(\d+)/.exec(info?.config.description ?? '');
  if (m === null) throw new CliError(`stream ${name} does not exist yet: give cluster.partitions (a worker or bridge creates it)`, 2);
  return Number(m[1]);
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

async function untilStopped(role: RunningRole, options: ClusterRunOptions, out: (line: string) => void, nc: NatsConnection): Promise<number> {
  const started = Date.now();
  const status = (): string => `[${((Date.now() - started) / 1000).toFixed(0)} s] ${role.describe()} ${JSON.stringify(role.counters)}`;
  const statusTimer = options.statusMs > 0 ? setInterval(() => out(status()), options.statusMs) : undefined;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (options.durationMs !== undefined) setTimeout(done, options.durationMs).unref();
  });
  clearInterval(statusTimer);
  await role.stop();
  out(`stopped: ${status()}`);
  await nc.drain().catch(() => undefined);
  return 0;
}
