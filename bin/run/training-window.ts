import { applyFrozen, invalidReason, type Normalized, type Reading } from '../../src/index.js';
import type { PlausibleTime, SeriesStore, WhileFitting } from '../../operators/index.js';

/** What the bridge keeps in the state file beside the store's snapshot (key `bridge`). */
export interface BridgeState {
  /** Per frozen series: the latest event time its training window learned, and the version it froze with. */
  trainedThrough: Record<string, [number, number]>;
}

/**
 * Readings a training window learned, seen again after the series froze: a message the broker
 * sends again (DUP) after a crash (its outputs were not all confirmed) whose series froze in between.
 * `late: 'skip'` keeps such a reading from being learned twice while its series fits; once the
 * series is frozen, the operator would transform it with the frozen statistics, an output the
 * fault-free run never made. So the bridge remembers, per series, the latest time its window
 * learned (kept in the state file, written with the freeze), and makes such a reading's output
 * as the fitting phase did: none (`drop`), the raw value (`raw`), the held output (`hold`), the
 * invalid flag; under `provisional` (statistics so far, not kept) it goes to the operator.
 */
export class TrainingWindows {
  /** Readings recognised as redelivered training readings. */
  count = 0;
  private readonly fitTimes = new Map<string, number>();
  private readonly trained = new Map<string, [number, number]>();
  private readonly min: number;
  private readonly ahead: number;

  constructor(
    private readonly store: SeriesStore,
    private readonly o: { whileFitting: WhileFitting; invalid: 'drop' | 'flag' | 'error'; plausibleTime?: PlausibleTime | false },
  ) {
    const p = o.plausibleTime === false ? { min: -Infinity, maxAheadMs: Infinity } : (o.plausibleTime ?? {});
    this.min = p.min ?? -Infinity;
    this.ahead = p.maxAheadMs ?? 86_400_000;
  }

  /** Loads what a state file kept. */
  restore(state: unknown): void {
    const t = (state as Partial<BridgeState> | undefined)?.trainedThrough;
    if (t === undefined || t === null || typeof t !== 'object') return;
    for (const [id, v] of Object.entries(t)) if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number') this.trained.set(id, [v[0], v[1]]);
  }

  /** What to keep in the state file (series no longer in the store are left out). */
  state(): BridgeState {
    const trainedThrough: Record<string, [number, number]> = {};
    for (const [id, v] of this.trained) if (this.store.has(id)) trainedThrough[id] = v;
    return { trainedThrough };
  }

  /** A reading of a fitting series was handled: its time, if a window may have learned it. */
  fitted(id: string, r: Reading): void {
    const t = r.time;
    if (typeof t !== 'number' || !(t >= this.min) || t > Date.now() + this.ahead) return;
    if (!(t <= (this.fitTimes.get(id) ?? -Infinity))) this.fitTimes.set(id, t);
  }

  /** The latest learned time of a fitting series so far. */
  peek(id: string): number | undefined {
    return this.fitTimes.get(id);
  }

  /** Series `id` froze with `version` (its window ended at `through`, default the latest learned time). */
  froze(id: string, version: number, through = this.fitTimes.get(id)): void {
    this.fitTimes.delete(id);
    if (through !== undefined) this.trained.set(id, [through, version]);
  }

  /**
   * For a reading of a frozen series: undefined when it is not a training reading seen again (the
   * operator handles it), else the outputs the fitting phase made of it (none, or one).
   */
  again(id: string, r: Reading): Normalized[] | undefined {
    const w = this.trained.get(id);
    const t = r.time;
    if (w === undefined || typeof t !== 'number' || t > w[0] || !(t >= this.min) || this.o.whileFitting === 'provisional') return undefined;
    this.count++;
    const x = r.value;
    const reason = invalidReason(x);
    if (reason !== undefined) return this.o.invalid === 'flag' ? [{ series: id, raw: x, value: NaN, time: t, tags: r.tags, phase: 'fitting', version: 0, flag: 'invalid', reason } as Normalized] : [];
    if (this.o.whileFitting === 'raw') return [{ series: id, raw: x, value: x as number, time: t, tags: r.tags, phase: 'fitting', version: 0, flag: 'raw' } as Normalized];
    if (this.o.whileFitting === 'hold') {
      const params = this.store.paramsAt(id, w[1]) ?? this.store.params(id);
      if (params === undefined) return undefined;
      const value = applyFrozen(params, x as number);
      return value !== value && params.invScale === params.invScale ? [] : [{ series: id, raw: x, value, time: t, tags: r.tags, phase: 'frozen', version: params.version, flag: 'held' } as Normalized];
    }
    return [];
  }
}
