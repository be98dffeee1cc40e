import { Observable } from 'rxjs';
import type { Reading } from '../../src/index.js';
import { InfluxQueryError, toEpochMicros, type TimedReading, type TimeInput } from './source-options.js';
import { optionKeys, refuseUnknownKeys } from '../../src/options.js';

/** Options of the tails (`influxqlTail`, `fluxTail`): where to start, the lag window, the poll rate. */
export interface TailOptions {
  /** Emit points with time >= start (default: the time of subscription). */
  start?: TimeInput;
  /**
   * How late a point may arrive and still be emitted, in ms (default 5000): each poll re-reads
   * from `cursor − lag`, where the cursor is the latest point time emitted so far.
   */
  lag?: number;
  /** Milliseconds between the end of one poll and the start of the next (default 1000). */
  interval?: number;
  /** Polls that may fail in a row (429, 5xx, network) before the tail errors (default 10). */
  maxConsecutiveFailures?: number;
  /** Called with each failed poll that will be retried (a throwing callback is ignored). */
  onError?: (error: unknown) => void;
}

/** The keys of {@link TailOptions}. */
export const TAIL_KEYS = optionKeys<TailOptions>({ start: true, lag: true, interval: true, maxConsecutiveFailures: true, onError: true });

/** Reads every point with time >= fromUs (no upper bound). */
export type FetchSince = (fromUs: number, signal: AbortSignal) => Promise<TimedReading[]>;

/**
 * Polls `fetchSince` with a time cursor and emits each stored point exactly once.
 *
 * The rule: the cursor is the latest point time emitted (it starts at `start`). Each poll reads
 * `[max(start, cursor − lag), ∞)`, sorts by time then series, skips the (series, time) pairs it
 * has already emitted, emits the rest, and advances the cursor. The emitted pairs are remembered
 * while they are inside the re-read window and forgotten once the cursor has moved past them by
 * more than `lag`. So no point is emitted twice, no point stored before the poll that reads it is
 * skipped, and a point written late is still emitted if its time is at most `lag` behind the
 * cursor when it lands; one later than that is not (the cursor follows data time, not the clock).
 * Because late points are emitted when found, times are increasing per poll, not across polls.
 *
 * A failed poll (429, 5xx, network) is passed to `onError` and retried at the next interval; after
 * `maxConsecutiveFailures` in a row, or at once for any other error (a 4xx, a statement error),
 * the Observable errors. Unsubscribing aborts the request in flight and stops polling.
 *
 * @example
 * ```ts
 * import { lastValueFrom, take, toArray } from 'rxjs';
 * import { pollTail, type TimedReading } from 'streamnorm/influx';
 * // A stand-in store: every poll sees all points with time >= fromUs.
 * const store: TimedReading[] = [1, 2, 3].map((s) => ({ reading: { series: 'a', value: s, time: s * 1000 }, timeUs: s * 1_000_000 }));
 * const tail = pollTail(async (fromUs) => store.filter((p) => p.timeUs >= fromUs), { start: 0, lag: 5000, interval: 1 });
 * const values = await lastValueFrom(tail.pipe(take(3), toArray()));
 * values.map((r) => r.value); // => [1, 2, 3]
 * ```
 */
export function pollTail(fetchSince: FetchSince, options: TailOptions = {}): Observable<Reading> {
  refuseUnknownKeys(options, TAIL_KEYS, 'pollTail');
  return pollWith(fetchSince, options);
}

/** {@link pollTail} for tails whose options extend {@link TailOptions} (they check their own keys). */
export function pollWith(fetchSince: FetchSince, options: TailOptions): Observable<Reading> {
  const lagUs = Math.round((options.lag ?? 5000) * 1000);
  const interval = options.interval ?? 1000;
  const maxFailures = options.maxConsecutiveFailures ?? 10;
  if (!(lagUs >= 0) || !(interval >= 0)) throw new RangeError('tail lag and interval must be >= 0');
  return new Observable<Reading>((subscriber) => {
    const startUs = toEpochMicros(options.start ?? Date.now());
    const abort = new AbortController();
    let cursorUs = startUs;
    const seen = new Map<string, number>(); // "series\0timeUs" -> timeUs
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const poll = async (): Promise<void> => {
      let batch: TimedReading[];
      try {
        batch = await fetchSince(Math.max(startUs, cursorUs - lagUs), abort.signal);
        failures = 0;
      } catch (err) {
        if (abort.signal.aborted) return;
        const retryable = !(err instanceof InfluxQueryError) || err.retryable;
        if (!retryable || ++failures >= maxFailures) {
          subscriber.error(err);
          return;
        }
        try {
          options.onError?.(err);
        } catch {
          // a throwing callback must not stop the tail
        }
        schedule();
        return;
      }
      batch.sort((a, b) => a.timeUs - b.timeUs || (a.reading.series < b.reading.series ? -1 : a.reading.series > b.reading.series ? 1 : 0));
      for (const p of batch) {
        if (subscriber.closed) return;
        if (p.timeUs < startUs) continue;
        const key = `${p.reading.series}\u0000${p.timeUs}`;
        if (seen.has(key)) continue;
        seen.set(key, p.timeUs);
        if (p.timeUs > cursorUs) cursorUs = p.timeUs;
        subscriber.next(p.reading);
      }
      const horizon = cursorUs - lagUs;
      for (const [key, t] of seen) if (t < horizon) seen.delete(key);
      schedule();
    };
    const schedule = (): void => {
      if (!subscriber.closed) timer = setTimeout(() => void poll(), interval);
    };

    void poll();
    return () => {
      abort.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  });
}
