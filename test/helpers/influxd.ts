import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { spawnListening, stopProcess } from './server-process.js';

const BINARY = process.env.INFLUXD_BIN ?? '/usr/bin/influxd';

/** True when an InfluxDB 1.x `influxd` is installed (Debian package `influxdb`). */
export function hasInfluxd(): boolean {
  if (!existsSync(BINARY)) return false;
  const res = spawnSync(BINARY, ['version'], { timeout: 5000, encoding: 'utf8' });
  return res.status === 0 && /InfluxDB v1\./.test(res.stdout);
}

/** A running InfluxDB 1.x server started by {@link startInfluxd}. */
export interface Influxd {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Stops the server and removes its directories. */
  stop(): Promise<void>;
  /** Stops the server, keeping its port and data, so that `start()` brings it back. */
  pause(): Promise<void>;
  /** Starts a paused server again. */
  start(): Promise<void>;
  /** Runs InfluxQL through `/query` (POST), throwing on an HTTP or statement error. */
  query(q: string, db?: string): Promise<unknown>;
  /** Writes line protocol through the v1 `/write` endpoint, throwing unless the server answers 204. */
  write(db: string, lines: string, precision?: 'n' | 'u' | 'ms' | 's'): Promise<void>;
}

function config(dir: string, httpPort: number, rpcPort: number): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false
  unix-socket-enabled = false
`;
}

/**
 * Starts `influxd` (1.x) with a generated config: temporary meta, data and WAL directories, HTTP on
 * a free 127.0.0.1 port, the RPC service bound to another free 127.0.0.1 port, reporting disabled,
 * no other listeners (graphite, collectd, opentsdb, udp are off by default).
 */
export async function startInfluxd(): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-influxd-'));
  const port = await freePort();
  const rpcPort = await freePort();
  const confPath = join(dir, 'influxdb.conf');
  writeFileSync(confPath, config(dir, port, rpcPort));
  let log = (): string => '';
  let child: ChildProcess | undefined;
  const url = `http://127.0.0.1:${port}`;
  const pause = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    await stopProcess(proc);
  };
  const stop = async (): Promise<void> => {
    await pause();
    rmSync(dir, { recursive: true, force: true });
  };
  const launch = async (): Promise<void> => {
    const server = await spawnListening('influxd', BINARY, ['run', '-config', confPath], port, { env: { ...process.env, INFLUXDB_DATA_QUERY_LOG_ENABLED: 'false' } });
    child = server.child;
    log = server.log;
    // The port opens before the meta store is ready; /ping answers 204 once it serves.
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${url}/ping`).catch(() => undefined);
      if (res?.status === 204) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await launch();
  } catch (err) {
    await stop();
    throw new Error(`influxd did not start: ${String(err)}\n${log()}`);
  }
  return {
    url,
    port,
    stop,
    pause,
    start: launch,
    async query(q: string, db?: string) {
      const params = new URLSearchParams({ q });
      if (db) params.set('db', db);
      const res = await fetch(`${url}/query`, { method: 'POST', body: params });
      const body = (await res.json()) as { results?: { error?: string }[]; error?: string };
      if (!res.ok || body.error) throw new Error(`influxd query ${res.status}: ${body.error ?? ''}`);
      const failed = body.results?.find((r) => r.error);
      if (failed) throw new Error(`influxd query: ${failed.error}`);
      return body;
    },
    async write(db: string, lines: string, precision = 'ms') {
      const res = await fetch(`${url}/write?${new URLSearchParams({ db, precision })}`, { method: 'POST', body: lines });
      if (res.status !== 204) throw new Error(`influxd write ${res.status}: ${await res.text()}`);
    },
  };
}
