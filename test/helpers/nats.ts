import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, waitForPort } from './free-port.js';
import { spawnListening, stopProcess } from './server-process.js';

/** Where the nats-server binary is: on PATH, or in /usr/sbin or /usr/local/sbin; undefined when absent. */
export function natsServerPath(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const p = join(dir, 'nats-server');
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Why a NATS suite is skipped, printed once so a skipped run is never mistaken for a pass. */
export function natsSkipReason(): string | undefined {
  if (natsServerPath() !== undefined) return undefined;
  const reason = 'nats-server not found on PATH, /usr/sbin or /usr/local/sbin: NATS suites NOT RUN';
  console.warn(`[streamnorm] ${reason}`);
  return reason;
}

/** Options of {@link startNats}. */
export interface NatsOptions {
  /** Subject mappings of the server's account, e.g. `{ 'sensors.*.*': 'part.{{partition(8,1,2)}}.{{wildcard(1)}}.{{wildcard(2)}}' }`. */
  mappings?: Record<string, string>;
  /** Open NATS's MQTT listener on a free port too. */
  mqtt?: boolean;
  /** More server configuration, appended as it is: e.g. `authorization { user: u, password: p }` or `tls { cert_file: ..., key_file: ..., ca_file: ... }`. */
  extra?: string;
}

/** One nats-server process with JetStream on, on free loopback ports, data in a temp dir. */
export interface NatsServer {
  url: string;
  port: number;
  /** The MQTT listener's URL, when asked for. */
  mqttUrl?: string;
  /** The process id (for SIGKILL / SIGSTOP in fault tests). */
  readonly pid: number | undefined;
  /** Kills the server with a signal (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same ports and data dir. */
  start(): Promise<void>;
  /** Stops it and removes its data dir. */
  stop(): Promise<void>;
}

/** A 3-node (or n-node) JetStream cluster on loopback. */
export interface NatsCluster {
  nodes: NatsServer[];
  /** Every node's client URL, comma separated (as `servers` takes them). */
  urls: string[];
  stop(): Promise<void>;
}

interface NodeSpec {
  name: string;
  clientPort: number;
  clusterPort?: number;
  routes?: number[];
  mqttPort?: number;
  mappings?: Record<string, string>;
  extra?: string;
}

function configText(spec: NodeSpec, dir: string): string {
  const lines = [`listen: 127.0.0.1:${spec.clientPort}`, `server_name: ${spec.name}`, `jetstream { store_dir: "${dir}/js-${spec.name}" }`];
  if (spec.clusterPort !== undefined) {
    const routes = (spec.routes ?? []).map((p) => `nats-route://127.0.0.1:${p}`).join(', ');
    lines.push(`cluster { name: sn; listen: 127.0.0.1:${spec.clusterPort}; routes: [${routes}] }`);
  }
  if (spec.mqttPort !== undefined) lines.push(`mqtt { listen: 127.0.0.1:${spec.mqttPort} }`);
  if (spec.mappings !== undefined) {
    lines.push('mappings = {');
    for (const [from, to] of Object.entries(spec.mappings)) lines.push(`  "${from}": "${to}"`);
    lines.push('}');
  }
  if (spec.extra !== undefined) lines.push(spec.extra);
  return `${lines.join('\n')}\n`;
}

function node(bin: string, spec: NodeSpec, dir: string, ownsDir: boolean): NatsServer {
  const conf = join(dir, `${spec.name}.conf`);
  writeFileSync(conf, configText(spec, dir));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = (await spawnListening(`nats-server ${spec.name}`, bin, ['-c', conf], spec.clientPort)).child;
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const proc = child;
    child = undefined;
    await stopProcess(proc, signal);
  };
  return {
    url: `nats://127.0.0.1:${spec.clientPort}`,
    port: spec.clientPort,
    ...(spec.mqttPort === undefined ? {} : { mqttUrl: `mqtt://127.0.0.1:${spec.mqttPort}` }),
    get pid() {
      return child?.pid;
    },
    kill,
    start,
    stop: async () => {
      await kill('SIGTERM');
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until JetStream answers (a cluster has elected its meta leader), up to 30 s. */
async function jetStreamReady(servers: string[]): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await (await jetstreamManager(nc, { timeout: 2_000 })).getAccountInfo();
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`JetStream not ready after 30 s: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await nc.close();
  }
}

/** Starts one nats-server with JetStream (and MQTT when asked) on free 127.0.0.1 ports. */
export async function startNats(opts: NatsOptions = {}): Promise<NatsServer> {
  const bin = natsServerPath();
  if (bin === undefined) throw new Error('nats-server is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-nats-'));
  const spec: NodeSpec = { name: 'n1', clientPort: await freePort() };
  if (opts.mqtt === true) spec.mqttPort = await freePort();
  if (opts.mappings !== undefined) spec.mappings = opts.mappings;
  if (opts.extra !== undefined) spec.extra = opts.extra;
  const server = node(bin, spec, dir, true);
  await server.start();
  if (spec.mqttPort !== undefined) await waitForPort(spec.mqttPort);
  return server;
}

/** Starts an n-node JetStream cluster (default 3) on loopback and waits until it answers. */
export async function startNatsCluster(n = 3, opts: NatsOptions = {}): Promise<NatsCluster> {
  const bin = natsServerPath();
  if (bin === undefined) throw new Error('nats-server is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-nats-cluster-'));
  const clusterPorts: number[] = [];
  const specs: NodeSpec[] = [];
  for (let i = 0; i < n; i++) clusterPorts.push(await freePort());
  for (let i = 0; i < n; i++) {
    const spec: NodeSpec = { name: `n${i + 1}`, clientPort: await freePort(), clusterPort: clusterPorts[i] as number, routes: clusterPorts.filter((_, j) => j !== i) };
    if (opts.mappings !== undefined) spec.mappings = opts.mappings;
    specs.push(spec);
  }
  const nodes = specs.map((s) => node(bin, s, dir, false));
  await Promise.all(nodes.map((s) => s.start()));
  await jetStreamReady(nodes.map((s) => s.url));
  return {
    nodes,
    urls: nodes.map((s) => s.url),
    stop: async () => {
      await Promise.all(nodes.map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
