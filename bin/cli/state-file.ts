import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { readSnapshot, type RestoredSnapshot, type Snapshot } from '../../src/index.js';
import { CliError } from './args.js';

/**
 * Writes a snapshot atomically and durably: to `FILE.tmp-PID`, flushed to disk (fsync), renamed
 * over FILE, and the directory flushed, so neither a crash of the process nor of the machine
 * mid-write leaves a half-written state file, and a checkpoint that acknowledged messages survives.
 */
export function writeStateFile(path: string, snapshot: Snapshot): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(snapshot, null, 1)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // a directory that cannot be opened for fsync (some platforms): the rename is done
  }
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
