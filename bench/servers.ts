/**
 * Servers for the end-to-end sections, started on free 127.0.0.1 ports and stopped afterwards:
 * an aedes broker in its own node process (so the bridge under test does not share its event
 * loop), Mosquitto and VictoriaMetrics through the test helpers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopProcess } from '../test/helpers/server-process.js';
import { hasMosquitto, startMosquitto } from '../test/helpers/mosquitto.js';
import { hasVictoriaMetrics, startVictoriaMetrics, type VictoriaMetrics } from '../test/helpers/victoria.js';

/** A running MQTT broker. */
export interface Broker {
  name: 'aedes' | 'mosquitto';
  url: string;
  stop(): Promise<void>;
}

/**
 * Spawns a compiled bench script and resolves with the first JSON line it prints on stdout. The
 * child's stdin stays open: the scripts exit when it closes, so none outlives this process.
 */
export async function spawnScript<T>(script: string, args: readonly string[], timeoutMs = 20_000): Promise<{ child: ChildProcess; hello: T }> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [path, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const hello = await new Promise<T>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start in ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.slice(0, nl)) as T);
      } catch (e) {
        reject(e as Error);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before starting: ${err}`));
    });
  });
  child.stdout?.resume();
  return { child, hello };
}

/** The aedes broker in a child process (see aedes-broker.ts). */
export async function startAedesProcess(): Promise<Broker> {
  const { child, hello } = await spawnScript<{ url: string }>('./aedes-broker.js', []);
  return { name: 'aedes', url: hello.url, stop: () => stopProcess(child, 'SIGTERM', 5_000) };
}

/** Mosquitto from /usr/sbin (or PATH) with a generated config, or the reason it cannot run. */
export async function startMosquittoBroker(): Promise<Broker | { skipped: string }> {
  if (!hasMosquitto()) return { skipped: 'mosquitto binary not found on PATH, /usr/sbin or /usr/local/sbin' };
  const m = await startMosquitto();
  return { name: 'mosquitto', url: m.url, stop: () => m.stop() };
}

/** VictoriaMetrics with a temp data dir, or the reason it cannot run. */
export async function startVictoria(): Promise<VictoriaMetrics | { skipped: string }> {
  if (!hasVictoriaMetrics()) return { skipped: 'victoria-metrics binary not found (Debian package victoria-metrics)' };
  return startVictoriaMetrics();
}
