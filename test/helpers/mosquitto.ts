import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.js';
import { spawnListening, stopProcess, type ServerProcess } from './server-process.js';

/** Where the mosquitto binary is: on PATH, or in /usr/sbin or /usr/local/sbin; undefined when absent. */
export function mosquittoPath(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const p = join(dir, 'mosquitto');
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Whether a mosquitto binary is installed. */
export function hasMosquitto(): boolean {
  return mosquittoPath() !== undefined;
}

/** Whether the mosquitto_pub and mosquitto_sub clients are installed. */
export function hasMosquittoClients(): boolean {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat('/usr/bin', '/usr/local/bin');
  return ['mosquitto_pub', 'mosquitto_sub'].every((b) => dirs.some((d) => d !== '' && existsSync(join(d, b))));
}

/** Why a Mosquitto suite is skipped, printed once so a skipped run is never mistaken for a pass. */
export function mosquittoSkipReason(): string | undefined {
  if (hasMosquitto()) return undefined;
  const reason = 'mosquitto not found on PATH, /usr/sbin or /usr/local/sbin: Mosquitto suites NOT RUN';
  console.warn(`[streamnorm] ${reason}`);
  return reason;
}

export interface MosquittoOptions {
  /** Extra lines for mosquitto.conf. */
  extraConfig?: string[];
}

export interface MosquittoBroker {
  url: string;
  port: number;
  /** Stops the broker (SIGTERM, so it saves its persistence file) and removes the temp dir. */
  stop(): Promise<void>;
  /** Stops the broker (saving sessions and queued messages) and starts it again on the same port. */
  restart(): Promise<void>;
}

/**
 * Spawns mosquitto with a generated config: one listener on a free 127.0.0.1 port, anonymous
 * access, persistence in a temp dir so a restart keeps sessions and queued messages.
 */
export async function startMosquitto(opts: MosquittoOptions = {}): Promise<MosquittoBroker> {
  const bin = mosquittoPath();
  if (bin === undefined) throw new Error('mosquitto is not installed');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-mosquitto-'));
  // started as root, mosquitto drops privileges to the `mosquitto` user, which must be able to
  // write its persistence file here (else a restart silently loses every session)
  chmodSync(dir, 0o777);
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'persistence_file mosquitto.db',
      'autosave_interval 1',
      'max_queued_messages 100000',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      ...(opts.extraConfig ?? []),
      '',
    ].join('\n'),
  );

  let server: ServerProcess | undefined;
  let stoppedLog = ''; // what the last stopped process wrote, shutdown included
  const start = async (): Promise<void> => {
    server = await spawnListening('mosquitto', bin, ['-c', conf], port);
  };
  const persistenceErrors = (): string[] => stoppedLog.split('\n').filter((l) => /Error saving|Permission denied/.test(l));
  const halt = async (): Promise<void> => {
    const stopping = server;
    server = undefined;
    await stopProcess(stopping?.child);
    stoppedLog = stopping?.log() ?? '';
  };

  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    restart: async () => {
      await halt();
      const errors = persistenceErrors();
      if (errors.length > 0) throw new Error(`mosquitto could not save its sessions before the restart: ${errors.join('; ')}`);
      await start();
    },
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
