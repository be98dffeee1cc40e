/**
 * One memory configuration in a fresh process (node --expose-gc dist/bench/memory-child.js JSON):
 * prints `{"bytesPerSeries": n}` on stdout. Spawned by {@link childProcessRunner}.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { measureSeriesMemory, type MemoryConfig, type MemoryRunner } from './memory.js';

const CHILD_TIMEOUT_MS = 180_000;

/** Runs each configuration in a new node process with --expose-gc, so heaps do not interfere. */
export const childProcessRunner: MemoryRunner = (config) =>
  new Promise((resolve, reject) => {
    const script = fileURLToPath(import.meta.url);
    execFile(process.execPath, ['--expose-gc', '--max-old-space-size=8192', script, JSON.stringify(config)], { timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`memory child ${JSON.stringify(config)} failed: ${err.message}\n${stderr}`));
        return;
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve((JSON.parse(line) as { bytesPerSeries: number }).bytesPerSeries);
      } catch {
        reject(new Error(`memory child ${JSON.stringify(config)} printed ${JSON.stringify(stdout)}`));
      }
    });
  });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = JSON.parse(process.argv[2] ?? '{}') as MemoryConfig;
  if ((globalThis as { gc?: unknown }).gc === undefined) throw new Error('memory-child needs node --expose-gc');
  void measureSeriesMemory(config).then((bytesPerSeries) => process.stdout.write(`${JSON.stringify({ bytesPerSeries })}\n`));
}
