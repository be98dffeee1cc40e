import type { Normalized, OutputFlag, OutputPhase, Reading } from '../src/reading.js';
import { applyFrozen, type FrozenParams } from '../src/scalers/frozen.js';
import { HeldWindows } from './held-windows.js';
import { invalidReason, type InvalidReason } from '../src/values.js';
import { InvalidReadingError } from './errors.js';
import type { ResolvedNormalizeOptions } from './normalize-options.js';
import type { ChunkRows } from './chunk-rows.js';
import { FLAG_PROVISIONAL, PHASE_FITTING } from './output-rows.js';
import { SLOT_COMPACT, SLOT_FITTING, VERSION_UNIT } from './series-columns.js';
import type { SeriesStore } from './series-store.js';

/**
 * The per-subscription logic shared by `normalize`, `normalizeChunks` and `normalizeColumns`:
 * reading in, zero or more outputs through `emit`. Plain class, no RxJS.
 *
 * Hot path: one `Map` lookup, then for a plain frozen series `(x − center) · invScale + offset`
 * from typed-array columns and one output object.
 */
export class NormalizeEngine {
  /** Training windows held under `whileFitting: 'hold'`. */
  private readonly held: HeldWindows;
  /** Whether idle eviction is on (readings then update `lastSeen`). */
  readonly evict: boolean;
  private now = -Infinity;
  /** Whether readings are keyed by the `key` option (not by `series`). */
  readonly keyed: boolean;
  /** Whether fitting series emit provisional outputs. */
  private readonly provisionalOut: boolean;
  private lastSweep = -Infinity;

  constructor(
    private readonly o: ResolvedNormalizeOptions,
    readonly store: SeriesStore,
    private readonly emit: (out: Normalized) => void,
  ) {
    this.evict = o.idleEvictMs !== Infinity;
    this.provisionalOut = o.whileFitting === 'provisional';
    this.keyed = o.key !== undefined;
    this.held = new HeldWindows(o, store, (id, r, value, phase, version, flag) => this.out(id, r, value, phase, version, flag));
    if (this.evict) store.columns.trackLastSeen();
  }

  /** Handles one reading. Throws for a throwing key function or under `invalid: 'error'`. */
  next(r: Reading): void {
    const store = this.store;
    const id = this.o.key === undefined ? r.series : this.o.key(r);
    store.diag.totals.readings++;
    if (this.evict) this.tick(r.time);
    let slot = store.index.get(id);
    if (slot === undefined) {
      slot = this.unknown(id, r);
      if (slot === undefined) return;
    }
    const cols = store.columns;
    if (this.evict) (cols.lastSeen as Float64Array)[slot] = this.now;
    const hot = cols.hot;
    const b = slot << 2;
    const tag = hot[b + 3] as number;
    if (tag >= 0) {
      // A plain frozen series: one record, one output object.
      if (this.held.size !== 0) this.held.releaseIfFrozen(id, slot);
      const x = r.value;
      const version = (tag / VERSION_UNIT) | 0;
      if (typeof x === 'number' && x - x === 0) {
        this.emit({ series: id, raw: x, value: (x - (hot[b] as number)) * (hot[b + 1] as number) + 0, time: r.time, tags: r.tags, phase: 'frozen', version });
        return;
      }
      this.invalid(id, r, invalidReason(x) as InvalidReason, 'frozen', version);
      return;
    }
    if (this.fitCompactProvisional(id, slot, r, undefined)) return;
    if (store.isFitting(slot)) this.fitting(id, slot, r);
    else this.frozenSlow(id, slot, r, undefined);
  }

  /**
   * The common fitting case inline, as {@link NormalizeEngine.fitting} would do it: a compact
   * standard fit, provisional outputs, a finite value, and no freeze point by time; the output goes
   * to `into` when given, else to `emit`. False, having changed nothing, otherwise.
   */
  fitCompactProvisional(id: string, slot: number, r: Reading, into: ChunkRows | undefined): boolean {
    const x = r.value;
    if (!this.provisionalOut || typeof x !== 'number' || x - x !== 0) return false;
    const cols = this.store.columns;
    const b = slot << 2;
    const tag = cols.hot[b + 3] as number;
    if ((-tag & 15) !== (SLOT_FITTING | SLOT_COMPACT) || !this.compactTime(id, b, r)) return false;
    // Calls that may not be inlined take objects and small integers only: a double argument or
    // result would be boxed on every reading.
    cols.fitStep(b, tag, r as Reading & { value: number });
    const step = cols.stepOut;
    const value = step[0] as number;
    if (into === undefined) this.emit({ series: id, raw: x, value, time: r.time, tags: r.tags, phase: 'fitting', version: 0, flag: 'provisional' });
    else into.addRow(id, r as Reading & { value: number }, value, PHASE_FITTING, FLAG_PROVISIONAL, 0);
    if ((step[1] as number) >= this.o.afterSamples) this.freezeNow(id, slot);
    return true;
  }

  /**
   * The event-time part of {@link NormalizeEngine.fitCompactProvisional}: records the reading's
   * time, or returns false, recording nothing, when it reaches a freeze point by time (or has
   * none while a time-based freeze point is set).
   */
  private compactTime(id: string, b: number, r: Reading): boolean {
    const t = r.time;
    if (typeof t !== 'number' || t !== t) return !this.o.timeBased;
    if (this.timeFreezeDue(this.store.columns.hot, b, t)) return false;
    recordFitTime(this.store, id, b, t);
    return true;
  }

  /** Whether event time `t` reaches a freeze point by time of the fitting record at `b` (first time unknown: `t` is the first). */
  private timeFreezeDue(hot: Float64Array, b: number, t: number): boolean {
    const first = hot[b + 1] as number;
    return t >= this.o.atTime || t - (first === first ? first : t) >= this.o.afterSpanMs;
  }

  /** Whether this subscription holds a training window of some series (`whileFitting: 'hold'`). */
  get holding(): boolean {
    return this.held.size !== 0;
  }

  /**
   * The slot of a plain frozen series (no pre-transform, clip or zero spread) after releasing any
   * window this subscription held for it, or undefined: the columnar fast path's entry.
   */
  plainFrozenSlot(id: string): number | undefined {
    const slot = this.store.index.get(id);
    if (slot === undefined || !this.store.columns.isPlain(slot)) return undefined;
    if (this.held.size !== 0) this.held.releaseIfFrozen(id, slot);
    return slot;
  }

  /** Freezes the named series (a string or string[]), or every fitting series for any other value. */
  notify(value: unknown): void {
    const named = typeof value === 'string' ? [value] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
    const store = this.store;
    if (named) {
      for (const id of named) {
        const slot = store.index.get(id);
        if (slot !== undefined && store.isFitting(slot)) this.freezeNow(id, slot);
      }
    } else {
      const fitting: [string, number][] = [];
      for (const [id, slot] of store.index) if (store.isFitting(slot)) fitting.push([id, slot]);
      for (const [id, slot] of fitting) this.freezeNow(id, slot);
    }
  }

  /** At source completion: releases held windows (frozen ones as `held`, others by the overflow fallback). */
  complete(): void {
    this.held.complete();
  }

  /** At unsubscription or error: counts held values that can no longer be emitted. */
  finalize(): void {
    this.held.finalize();
  }

  // --- fitting ------------------------------------------------------------------------------

  private fitting(id: string, slot: number, r: Reading): void {
    const o = this.o;
    const store = this.store;
    const t = r.time;
    if (typeof t === 'number' && t === t) {
      const b = slot << 2;
      recordFitTime(store, id, b, t);
      if (this.timeFreezeDue(store.columns.hot, b, t)) {
        const params = this.freezeNow(id, slot);
        if (params) {
          this.frozenSlow(id, slot, r, params);
          return;
        }
      }
    } else if (o.timeBased) {
      store.diag.count(id, 'missingTime');
    }
    const x = r.value;
    const reason = invalidReason(x) ?? store.learn(slot, x as number);
    if (reason !== undefined) {
      this.invalid(id, r, reason, 'fitting', 0);
      return;
    }
    this.emitFitting(id, slot, r, x as number);
    if (store.fitCount(slot) >= o.afterSamples || store.isPending(slot)) this.freezeNow(id, slot);
  }

  private emitFitting(id: string, slot: number, r: Reading, x: number): void {
    const mode = this.o.whileFitting;
    if (mode === 'provisional') this.out(id, r, this.store.provisional(slot, x), 'fitting', 0, 'provisional');
    else if (mode === 'raw') this.out(id, r, x, 'fitting', 0, 'raw');
    else if (mode === 'hold') this.held.hold(id, slot, r, x);
  }

  /** Freezes a fitting series and releases its held window; undefined if it has no valid value yet. */
  private freezeNow(id: string, slot: number): FrozenParams | undefined {
    const store = this.store;
    const fitting = store.isFitting(slot);
    const params = store.freezeSlot(id, slot);
    if (params === undefined) {
      if (fitting) store.markPending(slot);
      return undefined;
    }
    if (this.held.size !== 0) this.held.release(id, params);
    return params;
  }

  // --- frozen, unknown, invalid -------------------------------------------------------------

  /**
   * A frozen series off the plain path (pre-transform, clip, offset, zero spread), or one frozen
   * just now (`params` given): the core's transform, with out-of-domain values refused.
   */
  private frozenSlow(id: string, slot: number, r: Reading, params: FrozenParams | undefined): void {
    if (this.held.size !== 0 && params === undefined) this.held.releaseIfFrozen(id, slot);
    const p = params ?? this.store.columns.read(slot);
    const x = r.value;
    const reason = invalidReason(x);
    if (reason !== undefined) {
      this.invalid(id, r, reason, 'frozen', p.version);
      return;
    }
    const y = applyFrozen(p, x as number);
    if (y !== y && p.invScale === p.invScale) this.invalid(id, r, 'out-of-domain', 'frozen', p.version);
    else this.out(id, r, y, 'frozen', p.version, p.zeroSpread ? 'zero-spread' : undefined);
  }

  /** A series not in the store: fit it (returns its new slot) or apply the unknown-series policy. */
  private unknown(id: string, r: Reading): number | undefined {
    const policy = this.o.unknownSeries;
    const store = this.store;
    if (policy === 'fit') return store.addFitting(id, this.o.specFor(id));
    if (policy === 'drop') {
      store.diag.count(id, 'droppedUnknown');
      return undefined;
    }
    const x = r.value;
    const reason = invalidReason(x);
    if (reason !== undefined) {
      this.invalid(id, r, reason, 'passthrough', 0);
      return undefined;
    }
    if (policy !== 'raw') {
      const target = typeof policy.fallback === 'string' ? policy.fallback : policy.fallback(id);
      const slot = store.index.get(target);
      if (slot !== undefined && !store.isFitting(slot)) {
        const params = store.columns.read(slot);
        const y = applyFrozen(params, x as number);
        if (y === y) this.out(id, r, y, 'frozen', params.version, 'fallback');
        else this.invalid(id, r, 'out-of-domain', 'frozen', params.version);
        return undefined;
      }
    }
    store.diag.count(id, 'passedRaw');
    this.out(id, r, x as number, 'passthrough', 0, 'raw');
    return undefined;
  }

  private invalid(id: string, r: Reading, reason: InvalidReason, phase: OutputPhase, version: number): void {
    const policy = this.o.invalid;
    this.store.diag.invalid(id, reason, policy === 'drop');
    if (policy === 'error') throw new InvalidReadingError(id, r.value, reason);
    if (policy === 'flag') this.emit({ series: id, raw: r.value, value: NaN, time: r.time, tags: r.tags, phase, version, flag: 'invalid', reason });
  }

  private out(id: string, r: Reading, value: number, phase: OutputPhase, version: number, flag: OutputFlag | undefined): void {
    if (flag === undefined) this.emit({ series: id, raw: r.value, value, time: r.time, tags: r.tags, phase, version });
    else this.emit({ series: id, raw: r.value, value, time: r.time, tags: r.tags, phase, version, flag });
  }

  /** Advances the eviction clock (event time, else wall clock) and evicts idle series now and then. */
  private tick(time: number | undefined): void {
    const t = typeof time === 'number' && time === time ? time : Date.now();
    if (t > this.now) this.now = t;
    const idle = this.o.idleEvictMs;
    if (this.lastSweep === -Infinity) this.lastSweep = this.now;
    if (this.now - this.lastSweep < idle / 4) return;
    this.lastSweep = this.now;
    for (const id of this.store.evictIdle(this.now, idle)) this.held.evicted(id);
  }
}

/**
 * Records event time `t` in the fitting record at `b` (`[row, firstTime, lastTime, tag]`): the
 * first time once, the latest time unless `t` is older, which is counted as out of order.
 */
function recordFitTime(store: SeriesStore, id: string, b: number, t: number): void {
  const hot = store.columns.hot;
  const first = hot[b + 1] as number;
  if (first !== first) hot[b + 1] = hot[b + 2] = t;
  else if (t < (hot[b + 2] as number)) store.diag.count(id, 'outOfOrder');
  else hot[b + 2] = t;
}
