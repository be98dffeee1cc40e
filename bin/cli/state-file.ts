import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readSnapshot, type RestoredSnapshot, type Snapshot } from '../../src/index.js';
import { CliError } from './args.js';

/**
 * Writes a snapshot atomically: to `FILE.tmp-PID`, then renamed over FILE, so a crash mid-write
 * never leaves a half-written state file.
 */
export function writeStateFile(path: string, snapshot: Snapshot): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(snapshot, null, 1)}\n`);
  renameSync(tmp, path);
}

/**
 * Reads a snapshot file. A missing file is `undefined` (a first start); a file that is not JSON or
 * not a valid snapshot is refused with a {@link CliError} naming the problem, and left untouched so
 * nothing overwrites it until a person has looked.
 */
export function readStateFile(path: string): { snapshot: Snapshot; read: RestoredSnapshot } | undefined {
  if (!existsSync(path)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`state file ${path} is corrupt (not JSON: ${(e as Error).message}); refusing to start and leaving it untouched. Move it away to start fresh.`, 3);
  }
  try {
    return { snapshot: doc as Snapshot, read: readSnapshot(doc) };
  } catch (e) {
    throw new CliError(`state file ${path} is not a valid snapshot: ${(e as Error).message}; refusing to start and leaving it untouched.`, 3);
  }
}
