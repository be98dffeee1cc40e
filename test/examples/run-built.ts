import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** What a finished example process left behind. */
export interface ExampleRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a built example as a user does, `node dist/examples/<name>.js ...args` (dist is built by the
 * test global setup), from `cwd` (default: the repository root). Killed after `timeoutMs`.
 */
export function runBuiltExample(name: string, args: string[] = [], cwd = root, timeoutMs = 30_000): Promise<ExampleRun> {
  const child = spawn(process.execPath, [join(root, 'dist/examples', `${name}.js`), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.on('close', (code) => (clearTimeout(kill), resolve({ code, stdout, stderr }))));
}
