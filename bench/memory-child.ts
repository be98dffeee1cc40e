/**
 * One byte measurement in a fresh process (node --expose-gc dist/bench/memory-child.js JSON): prints
 * `{"bytes": n}` on stdout. Spawned by {@link childProcessRunner}.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measureBytes, type BytesJob, type BytesRunner } from './bytes-jobs.js';

const CHILD_TIMEOUT_MS = 180_000;

/** Runs each job in a new node process with --expose-gc, so heaps do not interfere. */
export const childProcessRunner: BytesRunner = (job) =>
  new Promise((resolve, reject) => {
    const script = fileURLToPath(import.meta.url);
    execFile(process.execPath, ['--expose-gc', '--max-old-space-size=8192', script, JSON.stringify(job)], { timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`memory child ${JSON.stringify(job)} failed: ${err.message}\n${stderr}`));
        return;
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve((JSON.parse(line) as { bytes: number }).bytes);
      } catch {
        reject(new Error(`memory child ${JSON.stringify(job)} printed ${JSON.stringify(stdout)}`));
      }
    });
  });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const job = JSON.parse(process.argv[2] ?? '{}') as BytesJob;
  if ((globalThis as { gc?: unknown }).gc === undefined) throw new Error('memory-child needs node --expose-gc');
  void measureBytes(job).then((bytes) => process.stdout.write(`${JSON.stringify({ bytes })}\n`));
}
