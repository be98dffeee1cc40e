import type { Snapshot } from '../../src/index.js';
import { writeStateFile } from '../cli/state-file.js';
import type { Ledger } from './ledger.js';

/**
 * When the state file is written: at once after a freeze or promotion (the outputs with the new
 * statistics wait behind the outputs' gate until then), soon after readings a fit may have learned
 * (their messages wait for it: at most `delayMs`, or at once when half the bound waits), on an
 * interval (counters, drift state), and at shutdown. Each write holds every reading handled so far
 * (the store is snapshotted synchronously), so it covers every ledger entry opened before it. The
 * document is the store's snapshot with the bridge's own state under `bridge` (see `TrainingWindows`).
 */
export class Checkpointer {
  /** Wall-clock time of the latest write (the process start before the first). */
  lastAt = Date.now();
  /** Writes done, and writes that failed (the error is said; the next write tries again). */
  readonly counters = { writes: 0, failures: 0 };
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private soon: ReturnType<typeof setTimeout> | undefined;
  private readonly interval: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(
    private readonly file: string | undefined,
    private readonly document: () => Snapshot,
    private readonly ledger: Ledger,
    private readonly o: { intervalMs: number; delayMs: number; bound: number },
    private readonly written: () => void,
    private readonly say: (line: string) => void,
  ) {
    if (file !== undefined) this.interval = setInterval(() => this.write(), o.intervalMs);
  }

  /** Whether there is a state file. */
  get enabled(): boolean {
    return this.file !== undefined;
  }

  /** A freeze or promotion happened: write at the end of this turn of the event loop (freezes of one burst share it). */
  now(): void {
    if (this.file === undefined || this.stopped || this.immediate !== undefined) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.write();
    });
  }

  /** `waiting` entries wait for a checkpoint: write within `delayMs`, or at once when half the bound waits. */
  learned(waiting: number): void {
    if (this.file === undefined || this.stopped) return;
    if (waiting >= Math.max(1, Math.floor(this.o.bound / 2))) return this.now();
    if (this.soon !== undefined) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.write();
    }, this.o.delayMs);
  }

  /** Writes the state file now; true when written. */
  write(): boolean {
    if (this.file === undefined) return false;
    const seq = this.ledger.lastSeq;
    try {
      writeStateFile(this.file, this.document());
    } catch (e) {
      this.counters.failures++;
      this.say(`checkpoint to ${this.file} failed: ${(e as Error).message} (retrying at the next one)`);
      return false;
    }
    this.counters.writes++;
    this.lastAt = Date.now();
    this.written();
    this.ledger.checkpointed(seq);
    return true;
  }

  /** Stops the timers (the final write is the caller's). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.interval);
    clearTimeout(this.soon);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
  }
}
