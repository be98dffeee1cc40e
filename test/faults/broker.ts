import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../helpers/free-port.js';
import { mosquittoPath } from '../helpers/mosquitto.js';

/** A Mosquitto that a fault test can kill, pause and start again (same port, same persistence). */
export interface FaultBroker {
  url: string;
  port: number;
  dir: string;
  /** Sends a signal to the broker (SIGKILL, SIGSTOP, SIGCONT, SIGTERM); resolves once a killing one has ended it. */
  signal(sig: NodeJS.Signals): Promise<void>;
  /** Starts it again after a kill or stop. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Mosquitto for fault tests, with the settings at-least-once delivery needs (the README's broker
 * section): persistence saved on every change (`autosave_on_changes`), so that a SIGKILL loses
 * at most what the broker acknowledged in its last pass (it sends PUBACKs while handling packets
 * and saves after them; tests kill it only once what it acknowledged reached the watcher); queues
 * large enough for a long outage (`max_queued_messages`);
 * `max_inflight_messages` at most the bridge's bound (for MQTT 3.1.1 clients, which send no
 * Receive Maximum). `extra` lines are appended (listeners for TLS, ACLs, password files).
 */
export async function startFaultBroker(options: { extra?: string[]; saveOnEveryChange?: boolean; maxInflight?: number; port?: number; listener?: boolean } = {}): Promise<FaultBroker> {
  const bin = mosquittoPath();
  if (bin === undefined) throw new Error('mosquitto is not installed');
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-fault-broker-'));
  chmodSync(dir, 0o777);
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      ...(options.listener === false ? [] : [`listener ${port} 127.0.0.1`, 'allow_anonymous true']),
      'persistence true',
      `persistence_location ${dir}/`,
      'persistence_file mosquitto.db',
      ...(options.saveOnEveryChange === false ? ['autosave_interval 1'] : ['autosave_on_changes true', 'autosave_interval 1']),
      'max_queued_messages 1000000',
      'max_queued_bytes 0',
      `max_inflight_messages ${options.maxInflight ?? 100}`,
      'log_dest stderr',
      'log_type error',
      ...(options.extra ?? []),
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let stderr = '';
  const start = async (): Promise<void> => {
    const proc = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${stderr}`))));
    exited.catch(() => undefined);
    await Promise.race([waitForPort(port), exited]);
  };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const ends = sig === 'SIGKILL' || sig === 'SIGTERM' || sig === 'SIGINT';
    const gone = ends ? new Promise<void>((resolve) => proc.once('exit', () => resolve())) : Promise.resolve();
    proc.kill(sig);
    await gone;
    if (ends) child = undefined;
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    dir,
    signal,
    start,
    stop: async () => {
      if (child !== undefined) {
        child.kill('SIGCONT');
        await signal('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
