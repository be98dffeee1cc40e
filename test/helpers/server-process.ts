import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { waitForPort } from './free-port.js';

/** A server process the tests started, with the tail of what it wrote. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** The last 4,000 characters of its stdout and stderr. */
  log(): string;
}

/**
 * Starts `bin` with `args` and resolves once `port` accepts connections on 127.0.0.1; rejects,
 * with the process's own words, if it exits first (a bad config, a port taken) or never listens.
 */
export async function spawnListening(name: string, bin: string, args: readonly string[], port: number, options: SpawnOptions = {}): Promise<ServerProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let log = '';
  const keep = (d: Buffer): void => {
    log = (log + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening: ${log}`))));
  exited.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port), exited]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { child, log: () => log };
}

/** Stops a process with `signal`, then SIGKILL after `graceMs`; resolves once it has exited (at once if it had). */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}
