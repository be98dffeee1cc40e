import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const cli = fileURLToPath(new URL('../../dist/bin/streamnorm.js', import.meta.url));

/** A running CLI process with its output so far. */
export interface CliProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stdout matches `re` (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code. */
  exit: Promise<number | null>;
}

/** Where {@link startCli} runs the CLI (default: this directory), and how long it may run before it is killed (default 60 s). */
export interface CliPlace {
  cwd?: string;
  killAfterMs?: number;
}

/** Starts the built CLI with `args` (environment: this one plus `env`). Killed after `killAfterMs` at most. */
export function startCli(args: string[], env: Record<string, string> = {}, { cwd, killAfterMs = 60_000 }: CliPlace = {}): CliProcess {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, ...(cwd === undefined ? {} : { cwd }) });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const hard = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => (clearTimeout(hard), resolve(code))));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    waitFor: (re, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = (): void => {
          if (re.test(stdout)) resolve();
          else if (Date.now() > deadline || child.exitCode !== null) reject(new Error(`timed out waiting for ${re} in:\n${stdout}\nstderr:\n${stderr}`));
          else setTimeout(check, 50);
        };
        check();
      }),
  };
}

/** Runs the CLI to completion. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = startCli(args, env);
  const code = await p.exit;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Runs a shell command in a pseudo-terminal (util-linux `script`), as on a user's terminal; resolves to what the terminal got. */
export async function inTerminal(command: string): Promise<string> {
  const { stdout } = await promisify(execFile)('script', ['-qec', command, '/dev/null'], { maxBuffer: 1 << 24 });
  return stdout;
}
