import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { isIP } from 'node:net';
import { loadAssets } from './assets.js';
import { EventStream, type EventStreamOptions } from './event-stream.js';
import { RequestGuard } from './guard.js';
import { DashboardMetrics, type MetricSource } from './metrics.js';
import { registerPipelineMetrics } from './pipeline-metrics.js';
import { handleRequest } from './routes.js';
import { SeriesBoard, type BoardOptions } from './series-board.js';
import { ACTIONS, type DashboardSource, type ReadinessProbes } from './source.js';
import type { WireMeta } from './wire.js';

/** Options of {@link startDashboard}. */
export interface DashboardOptions extends BoardOptions, EventStreamOptions {
  source: DashboardSource;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** Page title (default `streamnorm`). */
  title?: string;
  /** The secret of this run (default: 32 random bytes); at least 16 characters. */
  token?: string;
  /** Further `Host` names to accept (`name` or `name:port`), e.g. behind a reverse proxy. */
  allowedHosts?: readonly string[];
  /** `/readyz` probes (none: always ready). */
  readiness?: ReadinessProbes;
  /** Further metric sources (more can be added later with `dashboard.metrics.add`). */
  metrics?: readonly MetricSource[];
  /** Process metrics (CPU, memory, event loop; default true). */
  processMetrics?: boolean;
}

/** A running dashboard server. */
export interface Dashboard {
  /** The page's address with the token: what to open in a browser. */
  readonly url: string;
  /** `http://host:port` (no token): `/metrics`, `/healthz`, `/readyz` live here. */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** The `/metrics` registry: add lifecycle and delivery metrics here. */
  readonly metrics: DashboardMetrics;
  /** The event stream (its counts; `dropAll()` cuts every page's connection). */
  readonly stream: EventStream;
  /** The model the pages read. */
  readonly board: SeriesBoard;
  /** Stops the server, the event stream and the subscriptions. */
  close(): Promise<void>;
}

/** `http://host:port` for a listening address (a wildcard address is shown as loopback). */
export function originOf(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${isIP(shown) === 6 ? `[${shown}]` : shown}:${port}`;
}

/**
 * Starts the dashboard: the page, its event stream and JSON endpoints, the actions of the control
 * plane, `/metrics`, `/healthz` and `/readyz`, on `host:port` (default: a free port on 127.0.0.1).
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { source } = options;
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (token.length < 16) throw new Error('dashboard token: at least 16 characters');
  const board = new SeriesBoard(source, options).start();
  const metrics = new DashboardMetrics({ processMetrics: options.processMetrics ?? true });
  const counters = (): Record<string, number> => ({ ...(source.counters?.() ?? {}) });
  const stream = new EventStream(board, counters, options);
  registerPipelineMetrics(metrics, source, board, stream);
  for (const m of options.metrics ?? []) metrics.add(m);

  const meta: WireMeta = {
    title: options.title ?? 'streamnorm',
    run: stream.run,
    actions: ACTIONS.filter((a) => typeof source.control?.[a] === 'function'),
    drift: source.driftScore !== undefined,
    historyPoints: board.historyPoints,
    intervalMs: stream.interval,
  };
  const ctx = { assets: loadAssets(meta.title), board, stream, metrics, meta, control: source.control, readiness: options.readiness ?? {}, started: Date.now() };
  const host = options.host ?? '127.0.0.1';
  // The guard needs the port, known once listening; requests wait for it.
  const guarded = { handler: (() => undefined) as ReturnType<typeof handleRequest> };
  const server = createServer((req, res) => guarded.handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((e: Error) => {
    board.stop();
    throw e;
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  const guard = new RequestGuard(token, port, options.allowedHosts ?? []);
  guarded.handler = handleRequest({ ...ctx, guard });
  stream.start();
  const origin = originOf(host, port);
  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    metrics,
    stream,
    board,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        stream.close();
        board.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
