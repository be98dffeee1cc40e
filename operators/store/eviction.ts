/** Which clock judges how long a series has been quiet. */
export type EvictBy = 'wall-clock' | 'event-time';

/** Eviction options of a {@link SeriesStore}. */
export interface EvictionOptions {
  /** Evict a series after this long without a reading (default: never). */
  idleEvictMs?: number;
  /** At most this many series: adding one more evicts the least recently seen (default: no limit). */
  maxSeries?: number;
  /**
   * The clock idle time is measured on. `wall-clock` (default): the time of arrival, so a device's
   * own clock does not matter and quiet series are evicted while no reading arrives.
   * `event-time`: stream time, for replays faster than real time; it advances with the median
   * event time of the latest 64 readings, so a few devices with wrong clocks move it neither ahead
   * (evicting everyone) nor behind; each series is stamped with that clock when it is seen (not
   * with its own time), so a device whose clock is behind is not taken for a quiet one. A series is
   * evicted once stream time has moved more than `idleEvictMs` past its stamp.
   */
  evictBy?: EvictBy;
}

/** Event times the event-time clock takes the median of. */
const WINDOW = 64;
/** Readings between two refreshes of the wall clock (plus one per timer tick). */
const WALL_REFRESH = 256;

/**
 * The clock and rules of eviction for one store: what time it is for a reading (a coarse wall
 * clock, or a robust stream clock), when a sweep is due, and the limits. The store asks it; the
 * store's table orders series by when they were last seen, so a sweep evicts from the least recent
 * end and stops at the first series still fresh.
 */
export class EvictionClock {
  readonly idleMs: number;
  readonly maxSeries: number;
  readonly byEventTime: boolean;
  /** Whether any eviction is on. */
  readonly on: boolean;
  /** The clock value of the latest reading (ms). */
  now: number;
  /** The event-time clock before its latest move: series seen since are never idle yet. */
  private before: number;
  private ticks = 0;
  private readonly recent = new Float64Array(WINDOW);
  private seen = 0;
  private readonly sorted = new Float64Array(WINDOW);
  private lastSweep: number;

  constructor(options: EvictionOptions) {
    const { idleEvictMs, maxSeries, evictBy = 'wall-clock' } = options;
    if (idleEvictMs !== undefined && !(typeof idleEvictMs === 'number' && idleEvictMs > 0)) throw new RangeError(`SeriesStore: idleEvictMs must be a number > 0, got ${String(idleEvictMs)}`);
    if (maxSeries !== undefined && !(Number.isInteger(maxSeries) && maxSeries >= 1)) throw new RangeError(`SeriesStore: maxSeries must be an integer >= 1, got ${String(maxSeries)}`);
    if (evictBy !== 'wall-clock' && evictBy !== 'event-time') throw new RangeError(`SeriesStore: evictBy must be 'wall-clock' or 'event-time', got ${JSON.stringify(evictBy)}`);
    this.idleMs = idleEvictMs ?? Infinity;
    this.maxSeries = maxSeries ?? Infinity;
    this.byEventTime = evictBy === 'event-time';
    this.on = idleEvictMs !== undefined || maxSeries !== undefined;
    this.now = this.byEventTime ? -Infinity : Date.now();
    this.before = this.now;
    this.lastSweep = this.now;
  }

  /** Whether idle eviction is on and runs on the wall clock (it then needs a timer). */
  get needsTimer(): boolean {
    return this.idleMs !== Infinity && !this.byEventTime;
  }

  /** The timer's period: a quarter of the idle time, at most a second. */
  get period(): number {
    return Math.max(1, Math.min(this.idleMs / 4, 1000));
  }

  /** Advances the clock for a reading with event time `t` (used only by the event-time clock). */
  observe(t: number | undefined): void {
    if (!this.byEventTime) {
      if (++this.ticks % WALL_REFRESH === 0) this.now = Date.now();
      return;
    }
    if (typeof t !== 'number' || t - t !== 0) return;
    this.recent[this.seen++ % WINDOW] = t;
    if (this.seen <= WINDOW || this.seen % (WINDOW / 4) === 0) {
      const m = this.median();
      if (m > this.now) {
        this.before = this.now;
        this.now = m;
      }
    }
  }

  /** Refreshes the wall clock (a timer tick). */
  tick(): void {
    if (!this.byEventTime) this.now = Date.now();
  }

  /** Whether a sweep is due: idle eviction on and a quarter of the idle time passed since the last. */
  sweepDue(): boolean {
    return this.now - this.lastSweep >= this.idleMs / 4;
  }

  /**
   * Series seen before this clock value are idle; marks a sweep done. On the event-time clock the
   * limit is taken from the clock before its latest move, so a series seen just before a jump (a
   * burst of old readings leaving the median) is not taken for idle.
   */
  sweepLimit(): number {
    this.lastSweep = this.now;
    return (this.byEventTime ? this.before : this.now) - this.idleMs;
  }

  private median(): number {
    const n = Math.min(this.seen, WINDOW);
    const a = this.sorted.subarray(0, n);
    a.set(this.recent.subarray(0, n));
    a.sort();
    return n % 2 === 1 ? (a[n >> 1] as number) : ((a[n / 2 - 1] as number) + (a[n / 2] as number)) / 2;
  }
}
