import { Subject } from 'rxjs';
import type { Normalized } from '../../src/index.js';
import type { SeriesStore } from '../../operators/index.js';
import type { MqttEvent } from '../../connectors/mqtt/index.js';
import type { InfluxSink } from '../../connectors/influx/index.js';
import { CliError, flag, stringOption, type ParsedArgs } from '../cli/args.js';
import { startDashboard, type Dashboard } from './dashboard.js';
import type { ControlPlane, DashboardSource, DashboardStore, PipelineCounters, ReadinessProbes } from './source.js';

/**
 * Where the dashboard listens, from `--http HOST:PORT` or the run config's `http:` section
 * (`listen`, `allowedHosts`, `token`).
 */
export interface HttpConfig {
  host: string;
  port: number;
  /** Further `Host` names to accept (behind a reverse proxy). */
  allowedHosts?: string[];
  /** A fixed token instead of a random one per run (at least 16 characters). */
  token?: string;
}

/** The demo's default: a free port on loopback. */
export const DEMO_HTTP: HttpConfig = { host: '127.0.0.1', port: 0 };

/** `HOST:PORT` (`[::1]:PORT` for IPv6) as host and port (0: a free one), or undefined when it is not one. */
export function listenAddress(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  return m === null || port > 65535 ? undefined : { host: (m[1] ?? m[2]) as string, port };
}

/** Parses `HOST:PORT`, or throws a {@link CliError} naming `what`. */
export function parseListen(text: string, what: string): { host: string; port: number } {
  const address = listenAddress(text);
  if (address === undefined) throw new CliError(`${what}: expected HOST:PORT such as 127.0.0.1:9464 (port 0 for a free one), got ${JSON.stringify(text)}`);
  return address;
}

/** The dashboard settings from the command line (`--no-http` wins, `--http` overrides `fallback`). */
export function httpFromArgs(args: ParsedArgs, fallback: HttpConfig | undefined): HttpConfig | undefined {
  if (flag(args, 'no-http')) return undefined;
  const listen = stringOption(args, 'http');
  return listen === undefined ? fallback : { ...fallback, ...parseListen(listen, '--http') };
}

/** Whether an MQTT client is connected, from its events (for a `/readyz` probe). */
export function connectionState(): { onEvent: (e: MqttEvent) => void; connected: () => boolean } {
  let connected = false;
  return {
    onEvent: (e) => {
      if (e.type === 'connect') connected = true;
      else if (e.type === 'close') connected = false;
    },
    connected: () => connected,
  };
}

/**
 * An InfluxDB sink's readiness: no line failed for lack of a server (retries exhausted, queue
 * overflow) in the last `windowMs`. Lines the server refused as bad data do not count.
 */
export function influxReady(sink: InfluxSink, windowMs = 30_000): () => boolean {
  return () => {
    const recent = Date.now() - windowMs;
    return !sink.report().failures.some((f) => f.at >= recent && (f.reason === 'retries-exhausted' || f.reason === 'overflow'));
  };
}

/** A dashboard started by a CLI command, with the tap its pipeline feeds. */
export interface CliDashboard {
  dashboard: Dashboard;
  /** Hands one normalized output to the dashboard. */
  tap(n: Normalized): void;
  close(): Promise<void>;
}

/** The lifecycle's parts of a dashboard source (drift alarms and scores, pending promotions). */
export type LifecycleParts = Pick<DashboardSource, 'alarms$' | 'driftScore' | 'pendingVersion'>;

/** The page's actions on a store: freeze now, refit, approve a waiting promotion. */
export function storeControl(store: SeriesStore): ControlPlane {
  return { freeze: (ids) => store.freeze(ids), refit: (ids) => store.refit(ids), approve: (ids) => store.approve(ids) };
}

/** The lifecycle parts of a store for the page: its drift alarms, scores and waiting promotions. */
export function storeLifecycle(store: SeriesStore): LifecycleParts {
  return { alarms$: store.drift$, driftScore: (id) => store.driftScore(id), pendingVersion: (id) => store.waitingVersion(id) };
}

/** Starts the dashboard of a command and prints where it is. */
export async function startCliDashboard(
  http: HttpConfig,
  parts: { title: string; store: DashboardStore; control: ControlPlane; counters: () => PipelineCounters; readiness: ReadinessProbes; lifecycle?: LifecycleParts },
  out: (line: string) => void,
): Promise<CliDashboard> {
  const outputs = new Subject<Normalized>();
  let dashboard: Dashboard;
  try {
    const source: DashboardSource = { ...parts.lifecycle, store: parts.store, normalized$: outputs, control: parts.control, counters: parts.counters };
    dashboard = await startDashboard({ ...http, title: parts.title, readiness: parts.readiness, source });
  } catch (e) {
    throw new CliError(`cannot serve the dashboard on ${http.host}:${http.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  out(`dashboard: ${dashboard.url}`);
  out(`metrics:   ${dashboard.origin}/metrics`);
  return { dashboard, tap: (n) => outputs.next(n), close: () => dashboard.close() };
}
