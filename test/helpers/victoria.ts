import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port.js';

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

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT');
  });
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
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const proc = spawn(
      BINARY,
      [
        `-storageDataPath=${dataDir}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        '-search.latencyOffset=0',
        '-search.disableCache',
        '-retentionPeriod=100y',
        '-loggerLevel=ERROR',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child = proc;
    try {
      await waitForPort(port);
    } catch (err) {
      proc.kill('SIGKILL');
      throw new Error(`victoria-metrics did not start: ${String(err)}\n${output}`);
    }
  };

  const pause = async (): Promise<void> => {
    if (child) await stopChild(child);
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
