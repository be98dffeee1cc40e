import type { OutputFlag, OutputPhase, Reading } from '../../src/reading.js';
import { applyFrozen, type FrozenParams } from '../../src/scalers/frozen.js';
import type { CounterName } from '../store/diagnostics.js';
import type { ResolvedNormalizeOptions } from './options.js';
import type { SeriesStore } from '../store/series-store.js';

/** How held windows emit: one output for reading `r` of series `id`. */
export type HeldOutput = (id: string, r: Reading, value: number, phase: OutputPhase, version: number, flag: OutputFlag | undefined) => void;

/** A held training window of one series. */
interface HeldWindow {
  readings: Reading[];
  /** The window hit `holdLimit`: values go by the `holdOverflow` fallback until the freeze. */
  overflowed: boolean;
}

/**
 * The training windows one subscription holds under `whileFitting: 'hold'`: readings kept until
 * their series freezes, then emitted with the frozen statistics (flag `held`).
 *
 * Semantics: at most `holdLimit` readings per series; past it the window is flushed by the
 * `holdOverflow` fallback and so is every further value until the freeze (both counted). At
 * completion, windows of frozen series are released and the others flushed; at unsubscription
 * or error the values that can no longer be emitted are counted; a window of an evicted series
 * passes raw.
 */
export class HeldWindows {
  private readonly held = new Map<string, HeldWindow>();

  constructor(
    private readonly o: ResolvedNormalizeOptions,
    private readonly store: SeriesStore,
    private readonly out: HeldOutput,
  ) {}

  /** Number of series with a window. */
  get size(): number {
    return this.held.size;
  }

  /** Holds a valid value of the fitting series at `slot` (−1: not in the store yet) or passes it by the fallback past `holdLimit`. */
  hold(id: string, slot: number, r: Reading, x: number): void {
    let w = this.held.get(id);
    if (w === undefined) {
      w = { readings: [], overflowed: false };
      this.held.set(id, w);
    }
    if (!w.overflowed && w.readings.length < this.o.holdLimit) {
      w.readings.push(r);
      return;
    }
    if (!w.overflowed) {
      w.overflowed = true;
      this.store.diag.count(id, 'holdOverflows');
      this.flush(id, w, 'holdOverflowValues');
    }
    this.store.diag.count(id, 'holdOverflowValues');
    this.fallback(id, slot, r, x);
  }

  /** Emits the window of `id`, if any, with the statistics it froze with. */
  release(id: string, params: FrozenParams): void {
    const w = this.held.get(id);
    if (w === undefined) return;
    this.held.delete(id);
    for (const r of w.readings) this.out(id, r, applyFrozen(params, r.value as number), 'frozen', params.version, 'held');
  }

  /** Emits the window of a series found frozen (frozen by another subscription of the store). */
  releaseIfFrozen(id: string, slot: number): void {
    if (this.held.has(id)) this.release(id, this.store.table.frozen(slot));
  }

  /** At source completion: releases windows of frozen series, flushes the others by the fallback. */
  complete(): void {
    for (const [id, w] of this.held) {
      const slot = this.store.index.get(id);
      if (slot !== undefined && this.store.table.isFrozen(slot)) this.release(id, this.store.table.frozen(slot));
      else this.flush(id, w, 'flushedOnComplete');
    }
    this.held.clear();
  }

  /** At unsubscription or error: counts held values that can no longer be emitted. */
  finalize(): void {
    for (const [id, w] of this.held) this.store.diag.count(id, 'discardedOnUnsubscribe', w.readings.length);
    this.held.clear();
  }

  /** A series was evicted: its statistics are gone, so its held values can only pass raw. */
  evicted(id: string): void {
    const w = this.held.get(id);
    if (w === undefined) return;
    this.held.delete(id);
    this.store.diag.count(id, 'flushedOnEvict', w.readings.length);
    if (this.o.holdOverflow === 'drop') return;
    for (const r of w.readings) this.out(id, r, r.value as number, 'fitting', 0, 'raw');
  }

  /** Emits a window by the `holdOverflow` fallback, counting its values under `counter`. */
  private flush(id: string, w: HeldWindow, counter: CounterName): void {
    const slot = this.store.index.get(id);
    const readings = w.readings;
    w.readings = [];
    this.store.diag.count(id, counter, readings.length);
    for (const r of readings) {
      if (slot !== undefined && this.store.table.isFitting(slot)) this.fallback(id, slot, r, r.value as number);
      else if (this.o.holdOverflow !== 'drop') this.out(id, r, r.value as number, 'fitting', 0, 'raw');
    }
  }

  /** One value by the `holdOverflow` fallback. */
  private fallback(id: string, slot: number, r: Reading, x: number): void {
    const mode = this.o.holdOverflow;
    if (mode === 'provisional' && slot >= 0) this.out(id, r, this.store.table.provisional(slot, x), 'fitting', 0, 'provisional');
    else if (mode === 'provisional') this.out(id, r, x, 'fitting', 0, 'raw');
    else if (mode === 'raw') this.out(id, r, x, 'fitting', 0, 'raw');
  }
}
