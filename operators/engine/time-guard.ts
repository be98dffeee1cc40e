import { refuseUnknownKeys } from '../../src/options.js';

/** Which event times are plausible for learning (the `plausibleTime` option of `normalize`). */
export interface PlausibleTime {
  /**
   * Earliest plausible time, ms since the epoch (default: none; `streamnorm run` uses
   * 2000-01-01T00:00:00Z, {@link Y2K_MS}, which also catches seconds given where milliseconds
   * were meant).
   */
  min?: number;
  /** How far ahead of the wall clock a time may be, ms (default one day). */
  maxAheadMs?: number;
}

/**
 * 2000-01-01T00:00:00Z in ms since the epoch: a `plausibleTime.min` that refuses negative times and
 * seconds given where milliseconds are meant.
 *
 * @example
 * ```ts
 * import { Y2K_MS } from 'streamnorm';
 * new Date(Y2K_MS).toISOString(); // => '2000-01-01T00:00:00.000Z'
 * ```
 */
export const Y2K_MS = 946_684_800_000;

/**
 * Says whether a reading's event time is plausible: not before `min` and not more than
 * `maxAheadMs` ahead of the wall clock. The far future (1e20) fails it, and with `min` set to 2000
 * so do negative times and seconds given where milliseconds were meant (1.7e9 ms is January 1970);
 * such readings are counted and never learned (they would move a fit window's time freeze points
 * and the event-time eviction clock).
 * The wall clock is read only before a time past the limit of its last reading is refused (a limit
 * from an older reading of the clock is only stricter, never wrongly lenient): a stream of present
 * times reads it about once per `maxAheadMs`.
 */
export class TimeGuard {
  private readonly min: number;
  private readonly ahead: number;
  /** The latest plausible time as of the last look at the wall clock (it only grows staler, so stricter). */
  private limit = -Infinity;

  constructor(options: PlausibleTime | false | undefined) {
    const o = options === false ? { min: -Infinity, maxAheadMs: Infinity } : (options ?? {});
    refuseUnknownKeys(o, ['min', 'maxAheadMs'], 'normalize: plausibleTime');
    this.min = o.min ?? -Infinity;
    this.ahead = o.maxAheadMs ?? 86_400_000;
    if (typeof this.min !== 'number' || Number.isNaN(this.min)) throw new RangeError(`normalize: plausibleTime.min must be a number (ms since the epoch), got ${String(o.min)}`);
    if (!(this.ahead >= 0)) throw new RangeError(`normalize: plausibleTime.maxAheadMs must be a number >= 0, got ${String(o.maxAheadMs)}`);
  }

  /**
   * Whether reading `r` has an event time (a finite number) that is not plausible. It takes the
   * reading, not its time: a double passed to a call that V8 leaves un-inlined would be boxed.
   */
  implausible(r: { readonly time?: number | undefined }): boolean {
    const t = r.time;
    return typeof t === 'number' && t === t && !(t >= this.min && (t <= this.limit || this.lookAgain(t)));
  }

  /**
   * The index of the first implausible time of `times[from…end)`, or `end` (none, or no times): the
   * columnar paths cut their runs there, so that a batch counts what the same readings one by one
   * would.
   */
  firstImplausible(times: ArrayLike<number | undefined> | undefined, from: number, end: number): number {
    if (times === undefined) return end;
    const at = { time: undefined as number | undefined };
    for (let i = from; i < end; i++) {
      at.time = times[i];
      if (this.implausible(at)) return i;
    }
    return end;
  }

  /** `t` is past the limit as of the last look: looks at the wall clock again. */
  private lookAgain(t: number): boolean {
    this.limit = Date.now() + this.ahead;
    return t <= this.limit;
  }
}
