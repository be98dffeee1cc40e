import type { InvalidReason } from '../../src/index.js';

/**
 * Why a reading produced no line: its normalized value was invalid (an {@link InvalidReason}:
 * NaN, ±Infinity, null, not a number) and the invalid-value policy dropped it, or its time was not
 * a finite number (`bad-time`).
 */
export type DropReason = InvalidReason | 'bad-time';

/**
 * Why lines could not be written:
 * - `rejected`: the server refused them with a 4xx other than 429 (its message is kept);
 * - `retries-exhausted`: 429, 5xx or network errors outlasted the retry budget;
 * - `overflow`: the queue held `maxQueueLines` lines already (the server is slower than the stream);
 * - `closed`: the sink was closed with `abandon` while lines were still pending.
 */
export type FailureReason = 'rejected' | 'retries-exhausted' | 'overflow' | 'closed';

/** One failure event: `count` lines that could not be written, and why. */
export interface WriteFailure {
  reason: FailureReason;
  /** Lines affected. */
  count: number;
  /** HTTP status of the last attempt (absent for network errors, overflow and close). */
  status?: number;
  /** The server's message or the network error. */
  message: string;
  /** True when the lines were appended to the spill file (and can be replayed). */
  spilled: boolean;
  /** Wall-clock time of the event, ms since the epoch. */
  at: number;
}

/**
 * The accounting of a sink or a replay, exact at any moment:
 * `accepted = lines + Σ dropped` and `lines = written + pending + failed`.
 */
export interface WriteReport {
  /** Readings handed to `write()` (for a replay: lines read from the spill file). */
  accepted: number;
  /** Lines produced from them. */
  lines: number;
  /** Lines the server acknowledged (2xx). */
  written: number;
  /** Lines queued, in flight or waiting for a retry. */
  pending: number;
  /** Lines that could not be written (the sum of `failures[].count` over all events). */
  failed: number;
  /** Failed lines saved in the spill file. */
  spilled: number;
  /** Readings that produced no line, by reason (only non-zero reasons are present). */
  dropped: Partial<Record<DropReason, number>>;
  /** Lines that carry the raw value only (invalid normalized value under the `raw-only` policy). */
  rawOnly: number;
  /** Lines whose time had a part finer than the write precision (truncated, see `protocolTime`). */
  truncatedTimes: number;
  /** Requests retried after a 429, 5xx or network error. */
  retries: number;
  /** Failure events, the latest 100 (counts are complete in `failed` and `failedBy`). */
  failures: WriteFailure[];
  /** Failed lines by reason (only non-zero reasons are present). */
  failedBy: Partial<Record<FailureReason, number>>;
}

/** Total of a partial count record. */
export function sumCounts(counts: Partial<Record<string, number>>): number {
  let total = 0;
  for (const v of Object.values(counts)) total += v ?? 0;
  return total;
}
