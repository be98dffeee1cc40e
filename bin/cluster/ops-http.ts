import { createServer } from 'node:http';
import type { NatsConnection } from '@nats-io/transport-node';
import { originOf } from '../http/dashboard.js';
import { DashboardMetrics } from '../http/metrics.js';
import type { HttpConfig } from '../http/cli.js';
import { CliError } from '../cli/args.js';
import type { ClusterCounters } from './counters.js';

/** A cluster member's operations server (see {@link startClusterOps}). */
export interface ClusterOps {
  /** `http://host:port`. */
  readonly origin: string;
  close(): Promise<void>;
}

/** `messages` → `streamnorm_cluster_messages_total`: each counter of {@link ClusterCounters} as a Prometheus counter. */
export function clusterMetricName(key: string): string {
  return `streamnorm_cluster_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total`;
}

/**
 * What a cluster member serves on `http:` / `--http`: `/metrics` (the process metrics and every
 * counter of its status line, as `streamnorm_cluster_<name>_total`, read at each scrape),
 * `/healthz`, and `/readyz` (503 while the NATS connection is down). No page: a member's series
 * live in its partitions' stores, and the statistics in the KV bucket; the single-process
 * dashboard is the page. Like the dashboard's operations endpoints, these need no token.
 */
export async function startClusterOps(http: HttpConfig, counters: ClusterCounters, nc: NatsConnection): Promise<ClusterOps> {
  const metrics = new DashboardMetrics();
  for (const key of Object.keys(counters) as (keyof ClusterCounters)[]) {
    if (typeof counters[key] !== 'number') continue;
    metrics.add({ name: clusterMetricName(key), help: `The cluster member's ${key} count (its status line's).`, type: 'counter', read: () => counters[key] as number });
  }
  let connected = true;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') connected = false;
      else if (s.type === 'reconnect') connected = true;
    }
  })().catch(() => undefined);
  metrics.add({ name: 'streamnorm_cluster_nats_connected', help: '1 while the NATS connection is up.', type: 'gauge', read: () => (connected && !nc.isClosed() ? 1 : 0) });
  const started = Date.now();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://ops.invalid').pathname;
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      res.end(body);
    };
    const json = (status: number, value: unknown): void => send(status, 'application/json; charset=utf-8', JSON.stringify(value));
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: `${req.method ?? ''} is not allowed here` });
    if (path === '/metrics') return void metrics.text().then((text) => send(200, metrics.contentType, text), (e: Error) => json(500, { error: e.message }));
    if (path === '/healthz') return json(200, { status: 'ok', uptimeMs: Date.now() - started });
    if (path === '/readyz') {
      const up = connected && !nc.isClosed();
      return json(up ? 200 : 503, { status: up ? 'ready' : 'not ready', probes: { nats: up } });
    }
    json(404, { error: 'not found: a cluster member serves /metrics, /healthz and /readyz' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(http.port, http.host, () => resolve());
  }).catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`cannot serve /metrics on ${http.host}:${http.port}: ${e.code ?? e.message}`);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : http.port;
  return {
    origin: originOf(http.host, port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
