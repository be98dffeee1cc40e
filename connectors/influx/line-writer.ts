import { appendFileSync } from 'node:fs';
import { lineToNanoseconds, type WritePrecision } from './line-protocol.js';
import { retryDelay, retryPolicy, type RetryOptions, type RetryPolicy } from './retry-policy.js';
import { classifyError, type ClassifiedError, type SendLines } from './write-target.js';
import type { FailureReason, WriteFailure } from './write-report.js';
import { optionKeys } from '../../src/options.js';

/** Batching, retry and spill settings shared by the sink and `replaySpill`. */
export interface BatchOptions {
  /** Lines per request (default 1000). */
  batchSize?: number;
  /** A partial batch is sent after this many ms (default 1000). */
  flushInterval?: number;
  /** Requests in flight at once (default 2). */
  maxInFlight?: number;
  /** Lines that may wait in the queue; beyond it lines fail as `overflow` (default 100 000). */
  maxQueueLines?: number;
  /** Backoff for 429, 5xx and network errors. */
  retry?: RetryOptions;
  /**
   * A file that failed lines are appended to as line protocol at nanosecond precision, so that
   * `replaySpill` can write them later. Without it, failed lines are counted and reported only.
   */
  spill?: string;
  /**
   * When the server refuses a batch of several lines with 400, 413 or 422, split it in halves and
   * send each again until the refused lines are isolated, so that only those fail (default true).
   * Writes are idempotent in InfluxDB (same series and time: same point), so lines the server
   * already took from a partial write are only overwritten with themselves.
   */
  isolateRejected?: boolean;
  /** Called for each failure event, as it happens (a throwing callback is ignored). */
  onFailure?: (failure: WriteFailure) => void;
}

/** The keys of {@link BatchOptions}. */
export const BATCH_KEYS = optionKeys<BatchOptions>({
  batchSize: true, flushInterval: true, maxInFlight: true, maxQueueLines: true, retry: true, spill: true, isolateRejected: true, onFailure: true,
});

const MAX_FAILURE_EVENTS = 100;

/** What became of one line: written (2xx), or failed (and whether it is in the spill file). */
export type LineFate = { status: 'written' } | { status: 'failed'; reason: FailureReason; spilled: boolean; message: string };

/** Told once what became of a line (see {@link LineWriter.enqueue}). */
export type LineDone = (outcome: LineFate) => void;

const WRITTEN: LineFate = Object.freeze({ status: 'written' });

/**
 * The engine of the sink: a queue of line protocol lines sent in batches, with per-line accounting.
 * Every line enqueued is at any moment exactly one of queued, in flight, written or failed.
 */
export class LineWriter {
  written = 0;
  failed = 0;
  spilled = 0;
  retries = 0;
  enqueued = 0;
  readonly failures: WriteFailure[] = [];
  readonly failedBy: Partial<Record<FailureReason, number>> = {};

  private readonly batchSize: number;
  private readonly flushInterval: number;
  private readonly maxInFlight: number;
  private readonly maxQueueLines: number;
  private readonly policy: RetryPolicy;
  private queue: string[] = [];
  /** The callbacks of the queued lines (same index), undefined where none was given. */
  private dones: (LineDone | undefined)[] = [];
  private active = 0;
  private draining = 0;
  private abandoned = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly sleepers = new Set<() => void>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly send: SendLines,
    private readonly precision: WritePrecision,
    private readonly options: BatchOptions = {},
  ) {
    this.batchSize = positiveInt('batchSize', options.batchSize ?? 1000);
    this.flushInterval = nonNegative('flushInterval', options.flushInterval ?? 1000);
    this.maxInFlight = positiveInt('maxInFlight', options.maxInFlight ?? 2);
    this.maxQueueLines = positiveInt('maxQueueLines', options.maxQueueLines ?? 100_000);
    this.policy = retryPolicy(options.retry);
  }

  /** Lines queued, in flight or waiting for a retry. */
  get pending(): number {
    return this.enqueued - this.written - this.failed;
  }

  /** Queues one line; sends a batch when `batchSize` lines wait. `done` is told once what became of it. */
  enqueue(line: string, done?: LineDone): void {
    this.enqueued++;
    if (this.queue.length >= this.maxQueueLines) {
      this.fail([line], [done], 'overflow', { message: `queue full (${this.maxQueueLines} lines waiting)` });
      return;
    }
    this.queue.push(line);
    this.dones.push(done);
    this.pump(false);
  }

  /** Resolves once nothing is pending: every line so far is written or failed. */
  async drain(): Promise<void> {
    this.draining++;
    try {
      this.pump(true);
      if (this.pending > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.draining--;
    }
  }

  /**
   * Gives up on pending lines: queued ones and those waiting for a retry fail as `closed` (and are
   * spilled); requests already on the wire finish. Resolves once nothing is pending.
   */
  async abandon(): Promise<void> {
    this.abandoned = true;
    this.clearTimer();
    const queued = this.queue;
    const dones = this.dones;
    this.queue = [];
    this.dones = [];
    if (queued.length > 0) this.fail(queued, dones, 'closed', { message: 'sink closed before the lines were sent' });
    for (const wake of this.sleepers) wake();
    await this.drain();
  }

  private pump(force: boolean): void {
    const eager = force || this.draining > 0;
    while (this.active < this.maxInFlight && this.queue.length > 0 && (eager || this.queue.length >= this.batchSize)) {
      const batch = this.queue.splice(0, this.batchSize);
      const dones = this.dones.splice(0, this.batchSize);
      this.active++;
      void this.deliver(batch, dones).finally(() => {
        this.active--;
        this.pump(false);
        this.checkIdle();
      });
    }
    if (this.queue.length === 0) this.clearTimer();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump(true);
      }, this.flushInterval);
    }
  }

  private async deliver(lines: string[], dones: (LineDone | undefined)[]): Promise<void> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      if (this.abandoned && attempt > 1) {
        this.fail(lines, dones, 'closed', { message: 'sink closed while the lines waited for a retry' });
        return;
      }
      let error: ClassifiedError;
      try {
        await this.send(lines.join('\n'));
        this.written += lines.length;
        tell(dones, WRITTEN);
        return;
      } catch (err) {
        error = classifyError(err);
      }
      if (!error.retry) {
        const splittable = error.status === 400 || error.status === 413 || error.status === 422;
        if (splittable && lines.length > 1 && this.options.isolateRejected !== false) {
          const mid = lines.length >> 1;
          await this.deliver(lines.slice(0, mid), dones.slice(0, mid));
          await this.deliver(lines.slice(mid), dones.slice(mid));
        } else {
          this.fail(lines, dones, 'rejected', error);
        }
        return;
      }
      if (attempt > this.policy.maxRetries || Date.now() - started >= this.policy.maxRetryTime) {
        const tries = `${attempt} attempt${attempt === 1 ? '' : 's'}`;
        this.fail(lines, dones, 'retries-exhausted', { ...error, message: `${error.message} (after ${tries})` });
        return;
      }
      this.retries++;
      await this.sleep(retryDelay(this.policy, attempt, error.retryAfter));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private fail(lines: string[], dones: readonly (LineDone | undefined)[], reason: FailureReason, error: { status?: number; message: string }): void {
    let spilled = false;
    let message = error.message;
    if (this.options.spill !== undefined) {
      try {
        appendFileSync(this.options.spill, lines.map((l) => lineToNanoseconds(l, this.precision)).join('\n') + '\n');
        spilled = true;
        this.spilled += lines.length;
      } catch (err) {
        message += ` (spill to ${this.options.spill} failed: ${(err as Error).message})`;
      }
    }
    this.failed += lines.length;
    this.failedBy[reason] = (this.failedBy[reason] ?? 0) + lines.length;
    const last = this.failures[this.failures.length - 1];
    let event: WriteFailure;
    if (last && last.reason === reason && last.status === error.status && last.message === message && last.spilled === spilled) {
      last.count += lines.length;
      event = { ...last, count: lines.length };
    } else {
      event = { reason, count: lines.length, message, spilled, at: Date.now() };
      if (error.status !== undefined) event.status = error.status;
      this.failures.push({ ...event });
      if (this.failures.length > MAX_FAILURE_EVENTS) this.failures.shift();
    }
    try {
      this.options.onFailure?.(event);
    } catch {
      // A throwing callback must not break the accounting.
    }
    tell(dones, { status: 'failed', reason, spilled, message });
  }

  private checkIdle(): void {
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Tells each line's callback its outcome (a throwing callback must not break the accounting). */
function tell(dones: readonly (LineDone | undefined)[], outcome: LineFate): void {
  for (const done of dones) {
    if (done === undefined) continue;
    try {
      done(outcome);
    } catch {
      // ignored, as onFailure
    }
  }
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be an integer >= 1, got ${v}`);
  return v;
}

function nonNegative(name: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a finite number >= 0, got ${v}`);
  return v;
}
