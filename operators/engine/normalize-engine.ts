import type { Normalized, OutputFlag, OutputPhase, Reading } from '../../src/reading.js';
import type { FrozenParams } from '../../src/scalers/frozen.js';
import { invalidReason, isMissing, type InvalidReason } from '../../src/values.js';
import type { ChunkRows } from '../output/chunk-rows.js';
import { FLAG_PROVISIONAL, PHASE_FITTING } from '../output/codes.js';
import type { Attachment } from '../store/attachments.js';
import type { SeriesStore } from '../store/series-store.js';
import { HeldWindows } from './held-windows.js';
import { refuseInvalid } from './invalid.js';
import type { ResolvedNormalizeOptions } from './options.js';
import type { DriftCheck } from '../store/drift-columns.js';
import { unknownSeries } from './unknown-series.js';
import { frozenSlow } from './frozen-slow.js';
import { driftCheck, learnWindow, notifyFreeze, watchPlain } from './lifecycle-step.js';

/**
 * The per-reading policy of `normalize`, `normalizeChunks` and `normalizeColumns`, for one
 * subscription: invalid value → unknown series → fitting (or held) → frozen. Plain class, no RxJS.
 * Freezes are decided by the options' {@link LifecycleRule} and carried out by the store.
 *
 * Readings are handled one at a time, in order: a reading that arrives while another is being
 * handled (a subscriber feeding the source synchronously) waits for it, so each is learned once.
 */
export class NormalizeEngine {
  /** Training windows held under `whileFitting: 'hold'`. */
  readonly held: HeldWindows;
  /** Whether eviction is on (readings then mark their series seen). */
  readonly evict: boolean;
  /** Whether readings are keyed by the `key` option (not by `series`). */
  readonly keyed: boolean;
  /** Whether fitting series emit provisional outputs from this subscription's own learning. */
  private readonly provisionalOut: boolean;
  /** Whether this subscription runs the drift alarms (it learns, and the store's drift is on). */
  readonly watching: boolean;
  /** Whether fitting windows keep window statistics for the alarms (AR(1) whitening or PSI on). */
  private readonly ar1: boolean;
  /** The drift step's parameters for this subscription (see {@link driftCheck}). */
  readonly driftCheck: DriftCheck;
  /** Whether frozen outputs carry the drift score. */
  readonly scoreOut: boolean;
  private attachment: Attachment | undefined;
  /** Whether the reading being handled has an implausible time (it is not learned). */
  badTime = false;
  private busy = false;
  private readonly waiting: Reading[] = [];

  constructor(
    readonly o: ResolvedNormalizeOptions,
    readonly store: SeriesStore,
    readonly emit: (out: Normalized) => void,
  ) {
    this.evict = store.eviction.on;
    this.provisionalOut = o.whileFitting === 'provisional' && o.learn;
    this.keyed = o.key !== undefined;
    this.watching = o.learn && store.lifecycle.columns !== undefined;
    this.ar1 = this.watching && (store.lifecycle.ar1 || store.lifecycle.psi !== undefined);
    this.driftCheck = driftCheck(store, o.rule);
    this.scoreOut = o.driftScore && store.lifecycle.columns !== undefined;
    this.held = new HeldWindows(o, store, (id, r, value, phase, version, flag) => this.out(id, r, value, phase, version, flag));
  }

  /** Called after the store's background freeze released held windows in a slice (the chunked fronts emit them). */
  sliced: (() => void) | undefined;

  /** Starts working on the store (a second learner is refused here); call once per subscription. */
  attach(): void {
    this.attachment = this.store.attach(this.o.learn, {
      evicted: (id) => this.held.evicted(id),
      frozen: (id, params) => {
        if (this.held.size !== 0) this.held.release(id, params);
      },
      sliced: () => this.sliced?.(),
    });
  }

  /** Handles one reading. Throws for a throwing key function or under `invalid: 'error'`. */
  next(r: Reading): void {
    if (this.busy) {
      this.waiting.push(r);
      return;
    }
    this.busy = true;
    try {
      this.handle(r);
      for (let i = 0; i < this.waiting.length; i++) this.handle(this.waiting[i] as Reading);
    } finally {
      // Setting an array's length is a builtin call: only when something waited.
      if (this.waiting.length !== 0) this.waiting.length = 0;
      this.busy = false;
    }
  }

  private handle(r: Reading): void {
    const store = this.store;
    const id = this.o.key === undefined ? r.series : this.o.key(r);
    store.diag.totals.readings++;
    const t = r.time;
    this.badTime = this.o.time.implausible(r);
    if (this.badTime) store.diag.count(id, 'implausibleTime');
    if (this.evict) this.observe(this.badTime ? undefined : t);
    let slot = store.index.get(id);
    if (slot === undefined) {
      slot = unknownSeries(this, id, r);
      if (slot === undefined) return;
    }
    if (this.evict) store.table.touch(slot, store.eviction.now);
    const table = store.table;
    if (table.isPlain(slot)) {
      if (this.held.size !== 0) this.held.releaseIfFrozen(id, slot);
      const x = r.value;
      if (typeof x === 'number' && x - x === 0) {
        table.transformPlain(slot, r as Reading & { value: number }, table.stepOut);
        const value = table.stepOut[0] as number;
        const version = table.stepOut[1] as number;
        if (this.watching) watchPlain(this, id, slot, r);
        if (this.scoreOut) this.emit({ series: id, raw: x, value, time: r.time, tags: r.tags, phase: 'frozen', version, drift: store.lifecycle.score(slot) });
        else this.emit({ series: id, raw: x, value, time: r.time, tags: r.tags, phase: 'frozen', version });
      } else {
        this.invalid(id, r, invalidReason(x) as InvalidReason, 'frozen', table.plainVersion(slot));
      }
      return;
    }
    if (this.fitCompactProvisional(id, slot, r, undefined)) return;
    if (table.isFitting(slot)) this.fitting(id, slot, r);
    else if (table.isRunning(slot)) throw new Error(`normalize: series ${JSON.stringify(id)} holds running statistics (ewmNormalize or batchNorm) in this store`);
    else frozenSlow(this, id, slot, r, undefined);
  }

  /** Advances the eviction clock for a reading at event time `t`, and sweeps when a sweep is due. */
  private observe(t: number | undefined): void {
    const clock = this.store.eviction;
    clock.observe(t);
    if (clock.sweepDue()) this.store.sweep();
  }

  /**
   * The common fitting case inline, as {@link NormalizeEngine.fitting} would do it: a compact
   * standard fit, provisional outputs, a finite value, no time freeze point reached; the output goes
   * to `into` when given, else to `emit`. False, having changed nothing, otherwise.
   */
  fitCompactProvisional(id: string, slot: number, r: Reading, into: ChunkRows | undefined): boolean {
    const x = r.value;
    if (!this.provisionalOut || typeof x !== 'number' || x - x !== 0) return false;
    const table = this.store.table;
    if (!table.isCompactFitting(slot) || table.isDue(slot) || !this.compactTime(id, slot, r)) return false;
    // Calls that may not be inlined take objects and small integers only: a double argument or
    // result would be boxed on every reading.
    table.fitStep(slot, r as Reading & { value: number });
    if (this.ar1) learnWindow(this, slot, x);
    const value = table.stepOut[0] as number;
    if (into === undefined) this.emit({ series: id, raw: x, value, time: r.time, tags: r.tags, phase: 'fitting', version: 0, flag: 'provisional' });
    else into.addRow(id, r as Reading & { value: number }, value, PHASE_FITTING, FLAG_PROVISIONAL, 0);
    if (this.o.rule.dueAfter(table.stepOut[1] as number, table.isPending(slot))) this.freezeNow(id, slot);
    return true;
  }

  /**
   * The event-time part of {@link NormalizeEngine.fitCompactProvisional}: records the reading's
   * time, or returns false, recording nothing, when it reaches a time freeze point (or has no time
   * while a time freeze point is set: the general path counts it).
   */
  private compactTime(id: string, slot: number, r: Reading): boolean {
    const t = r.time;
    const rule = this.o.rule;
    if (typeof t !== 'number' || t !== t) return !rule.timeBased;
    const table = this.store.table;
    if (this.o.time.implausible(r) || (this.o.skipLate && t <= table.lastTime(slot))) return false;
    if (rule.timeBased && rule.dueAt(table.firstTime(slot), t)) return false;
    if (!table.recordTime(slot, t)) this.store.diag.count(id, 'outOfOrder');
    return true;
  }

  /** Whether this subscription holds a training window of some series (`whileFitting: 'hold'`). */
  get holding(): boolean {
    return this.held.size !== 0;
  }

  /**
   * The slot of a plain frozen series after releasing any window this subscription held for it, or
   * undefined: the columnar fast path's entry.
   */
  plainFrozenSlot(id: string): number | undefined {
    const slot = this.store.index.get(id);
    if (slot === undefined || !this.store.table.isPlain(slot)) return undefined;
    if (this.held.size !== 0) this.held.releaseIfFrozen(id, slot);
    return slot;
  }

  /** A notifier emitted: freezes the series it names, or every fit (see {@link notifyFreeze}). */
  notify(value: unknown): void {
    notifyFreeze(this, value);
  }

  /** The approval notifier emitted: promotes the waiting refits it names, or all. */
  approve(value: unknown): void {
    this.store.approve(this.o.rule.named(value));
  }

  /** At source completion: releases held windows (frozen ones as `held`, others by the overflow fallback). */
  complete(): void {
    this.held.complete();
  }

  /** At unsubscription or error: counts held values that can no longer be emitted; detaches from the store. */
  finalize(): void {
    this.held.finalize();
    this.attachment?.detach();
  }

  // --- fitting ------------------------------------------------------------------------------

  private fitting(id: string, slot: number, r: Reading): void {
    const store = this.store;
    const table = store.table;
    const rule = this.o.rule;
    const x = r.value;
    const t = r.time;
    const late = this.o.skipLate && typeof t === 'number' && t <= table.lastTime(slot);
    if (late) store.diag.count(id, 'skippedLate');
    if (!this.o.learn || this.badTime || late) {
      // Not learned: emitted as while fitting, with the statistics so far.
      const reason = invalidReason(x);
      if (reason !== undefined) this.invalid(id, r, reason, 'fitting', 0);
      else this.emitFitting(id, slot, r, x as number);
      return;
    }
    if (table.isDue(slot)) {
      // Marked by a freeze of every fit (a notifier, store.freeze()): frozen before this reading.
      const params = this.freezeNow(id, slot);
      if (params) {
        store.sweeper.frozeDue(id);
        frozenSlow(this, id, slot, r, params);
        return;
      }
    }
    if (typeof t === 'number' && t === t) {
      if (rule.timeBased && rule.dueAt(table.firstTime(slot), t)) {
        const params = this.freezeNow(id, slot);
        if (params) {
          frozenSlow(this, id, slot, r, params);
          return;
        }
      }
      if (!table.recordTime(slot, t)) store.diag.count(id, 'outOfOrder');
    } else if (rule.timeBased) {
      store.diag.count(id, 'missingTime');
    }
    let reason = invalidReason(x);
    if (reason === undefined) reason = table.learn(slot, x as number);
    else if (isMissing(reason)) table.countMissing(slot, reason);
    if (reason !== undefined) {
      this.invalid(id, r, reason, 'fitting', 0);
      return;
    }
    if (this.ar1) learnWindow(this, slot, x as number);
    this.emitFitting(id, slot, r, x as number);
    if (rule.dueAfter(table.fitCount(slot), table.isPending(slot))) this.freezeNow(id, slot);
  }

  private emitFitting(id: string, slot: number, r: Reading, x: number): void {
    const mode = this.o.whileFitting;
    if (mode === 'provisional') this.out(id, r, this.store.table.provisional(slot, x), 'fitting', 0, 'provisional');
    else if (mode === 'raw') this.out(id, r, x, 'fitting', 0, 'raw');
    else if (mode === 'hold') this.held.hold(id, slot, r, x);
  }

  /** @internal Freezes a fitting series and releases its held window; undefined (and pending) if it has no valid value yet. */
  freezeNow(id: string, slot: number): FrozenParams | undefined {
    const store = this.store;
    const params = store.versions.freeze(id, slot);
    if (params === undefined) {
      store.table.setPending(slot, true);
      return undefined;
    }
    if (this.held.size !== 0) this.held.release(id, params);
    return params;
  }

  // --- invalid, outputs ----------------------------------------------------------------------

  /** Applies the invalid-value policy to a reading (counted; dropped, flagged or thrown). */
  invalid(id: string, r: Reading, reason: InvalidReason, phase: OutputPhase, version: number): void {
    refuseInvalid(r, id, reason, this.o.invalid, this.store.diag, this.emit, phase, version);
  }

  /** Emits one output of reading `r`. */
  out(id: string, r: Reading, value: number, phase: OutputPhase, version: number, flag: OutputFlag | undefined): void {
    if (flag === undefined) this.emit({ series: id, raw: r.value, value, time: r.time, tags: r.tags, phase, version });
    else this.emit({ series: id, raw: r.value, value, time: r.time, tags: r.tags, phase, version, flag });
  }
}
