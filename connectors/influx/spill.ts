import { existsSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { BATCH_KEYS, LineWriter, type BatchOptions } from './line-writer.js';
import { refuseUnknownKeys } from '../../src/options.js';
import { transportSender, WRITE_TARGET_KEYS, type InfluxWriteTarget } from './write-target.js';
import type { WriteReport } from './write-report.js';

/** Options of {@link replaySpill}: the target and batching; `spill` defaults to the replayed file. */
export interface ReplayOptions extends InfluxWriteTarget, BatchOptions {}

/**
 * Writes the lines of a spill file (line protocol at nanosecond precision, as a sink's `spill`
 * option leaves them) to a target, and resolves with the accounting.
 *
 * The file is first renamed aside (`<file>.replaying-<pid>-<time>`) so that a sink still spilling
 * into it starts a new file; lines that fail again are appended to `options.spill` (default: the
 * original path); once every line is written or spilled again, the renamed file is removed. A
 * missing file replays nothing. Blank lines and `#` comment lines are skipped and not counted.
 *
 * @example
 * ```ts
 * import { writeFileSync, existsSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { replaySpill } from 'streamnorm/influx';
 * const file = join(tmpdir(), `spill-doc-${process.pid}.lp`);
 * writeFileSync(file, `doc_replay,series=s value=1.5 ${Date.now()}000000\n`);
 * const report = await replaySpill(file, { url: influxUrl, bucket: 'demo' });
 * [report.accepted, report.written, report.failed]; // => [1, 1, 0]
 * existsSync(file); // => false
 * ```
 */
export async function replaySpill(file: string, options: ReplayOptions): Promise<WriteReport> {
  refuseUnknownKeys(options, [...WRITE_TARGET_KEYS, ...BATCH_KEYS], 'replaySpill');
  const writer = new LineWriter(transportSender(options, 'ns'), 'ns', { spill: file, ...options });
  let moved: string | undefined;
  if (existsSync(file)) {
    moved = `${file}.replaying-${process.pid}-${Date.now()}`;
    renameSync(file, moved);
    for (const line of readFileSync(moved, 'utf8').split('\n')) {
      const trimmed = line.trimEnd();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      writer.enqueue(trimmed);
    }
  }
  await writer.drain();
  if (moved !== undefined) unlinkSync(moved);
  return {
    accepted: writer.enqueued,
    lines: writer.enqueued,
    written: writer.written,
    pending: writer.pending,
    failed: writer.failed,
    spilled: writer.spilled,
    dropped: {},
    rawOnly: 0,
    truncatedTimes: 0,
    retries: writer.retries,
    failures: writer.failures.map((f) => ({ ...f })),
    failedBy: { ...writer.failedBy },
  };
}
