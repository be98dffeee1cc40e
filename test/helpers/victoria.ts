import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { spawnListening, stopProcess } from './server-process.js';

const BINARY = process.env.VICTORIA_METRICS_BIN ?? '/usr/bin/victoria-metrics';

/** True when the VictoriaMetrics single-node binary is installed (Debian package `victoria-metrics`). */
export function hasVictoriaMetrics(): boolean {
  if (!existsSync(BINARY)) return false;
  return spawnSync(BINARY, ['-version'], { timeout: 5000 }).status === 0;
}

/** A running VictoriaMetrics server started by {@link startVictoriaMetrics}. */
export interface VictoriaMetrics {
  /** Base URL, `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Stops the server (SIGINT: VM flushes its buffers) and removes its data directory. */
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Stops the server, keeping port and data, so that it can be started again with `start()`. */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port and data directory. */
  start(): Promise<void>;
  /** Makes recently written data visible to queries and exports (`/internal/force_flush`). */
  flush(): Promise<void>;
  /** Every sample of the series matching `match` (a series selector), from `/api/v1/export`. */
  exportSeries(match: string): Promise<ExportedSeries[]>;
}

/** One series as `/api/v1/export` returns it (VM names Influx series `measurement_field`). */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/**
 * Starts VictoriaMetrics on a free 127.0.0.1 port with a temporary `-storageDataPath`.
 *
 * `-search.latencyOffset=0` makes fresh samples visible to queries at once, `-retentionPeriod=100y`
 * keeps old test timestamps (VM silently drops samples outside the retention period, answering 204),
 * and {@link VictoriaMetrics.flush} forces buffered samples into searchable parts before an export.
 */
export async function startVictoriaMetrics(): Promise<VictoriaMetrics> {
  const dataDir = mkdtempSync(join(tmpdir(), 'streamnorm-vm-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const server = await spawnListening(
      'victoria-metrics',
      BINARY,
      [
        `-storageDataPath=${dataDir}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        '-search.latencyOffset=0',
        '-search.disableCache',
        '-retentionPeriod=100y',
        '-loggerLevel=ERROR',
      ],
      port,
    );
    child = server.child;
  };

  const pause = async (): Promise<void> => {
    await stopProcess(child, 'SIGINT');
    child = undefined;
  };

  await launch();
  return {
    url,
    port,
    async stop() {
      await pause();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await pause();
      await launch();
    },
    pause,
    start: launch,
    async flush() {
      const res = await fetch(`${url}/internal/force_flush`);
      if (!res.ok) throw new Error(`force_flush: ${res.status} ${await res.text()}`);
    },
    async exportSeries(match: string) {
      const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': match })}`);
      if (!res.ok) throw new Error(`export: ${res.status} ${await res.text()}`);
      const text = await res.text();
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as ExportedSeries);
    },
  };
}
