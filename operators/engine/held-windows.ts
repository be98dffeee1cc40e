import type { OutputFlag, OutputPhase, Reading } from '../../src/reading.js';
import { applyFrozen, type FrozenParams } from '../../src/scalers/frozen.js';
import type { CounterName } from '../store/diagnostics.js';
import type { ResolvedNormalizeOptions } from './options.js';
import type { SeriesStore } from '../store/series-store.js';

/** How held windows emit: one output for reading `r` of series `id`. */
export type HeldOutput = (id: string, r: Reading, value: number, phase: OutputPhase, version: number, flag: OutputFlag | undefined) => void;

/** A held training window of one series; `readings` undefined once it was released (a tombstone). */
interface HeldWindow {
  readings: Reading[] | undefined;
  /** The window hit `holdLimit`: values go by the `holdOverflow` fallback until the freeze. */
  overflowed: boolean;
}

/** Entries of the draining map moved per operation (see {@link HeldWindows}). */
const MIGRATE_PER_OP = 8;
/** A map this large or larger is compacted once fewer than a quarter of its entries are live... */
const COMPACT_FROM = 4096;
/**
 * ...and no more than this many are (or fewer than 1/64): the fresh map grows by doubling too, and
 * each doubling rehashes it in one call, so it must stay small while a bulk release goes on.
 */
const COMPACT_LIVE = 16_384;

/**
 * The training windows one subscription holds under `whileFitting: 'hold'`: readings kept until
 * their series freezes, then emitted with the frozen statistics (flag `held`).
 *
 * Semantics: at most `holdLimit` readings per series; past it the window is flushed by the
 * `holdOverflow` fallback and so is every further value until the freeze (both counted). At
 * completion, windows of frozen series are released and the others flushed; at unsubscription
 * or error the values that can no longer be emitted are counted; a window of an evicted series
 * passes raw.
 *
 * Memory layout, known here only: a released window stays in the map as a tombstone instead of
 * being deleted. V8 shrinks a `Map` inside `delete` once it is a quarter full, rehashing every
 * remaining entry in that one call: releasing a million windows stalled a reading 12–18 ms at
 * 262,144 left. Tombstones are dropped with the whole map when no window is live, and a map that
 * is mostly tombstones is compacted a few entries per operation: it becomes the draining map, its
 * live windows move to a fresh one {@link MIGRATE_PER_OP} at a time, and it is dropped when done.
 * Tombstones are bounded: at most 3 per live window, or 63 past {@link COMPACT_LIVE} live ones.
 */
export class HeldWindows {
  private held = new Map<string, HeldWindow>();
  /** A map being compacted into `held` (lookups try `held` first), and where its migration stands. */
  private draining: Map<string, HeldWindow> | undefined;
  private migration: Iterator<[string, HeldWindow]> | undefined;
  private live = 0;

  constructor(
    private readonly o: ResolvedNormalizeOptions,
    private readonly store: SeriesStore,
    private readonly out: HeldOutput,
  ) {}

  /** Number of series with a window. */
  get size(): number {
    return this.live;
  }

  /** The live window of `id`, if any. */
  private find(id: string): HeldWindow | undefined {
    let w = this.held.get(id);
    if (w === undefined && this.draining !== undefined) {
      w = this.draining.get(id);
      if (w !== undefined && w.readings !== undefined) this.held.set(id, w);
    }
    return w === undefined || w.readings === undefined ? undefined : w;
  }

  /** Holds a valid value of the fitting series at `slot` (−1: not in the store yet) or passes it by the fallback past `holdLimit`. */
  hold(id: string, slot: number, r: Reading, x: number): void {
    let w = this.find(id);
    if (w === undefined) {
      w = this.held.get(id);
      if (w === undefined) this.held.set(id, (w = { readings: [], overflowed: false }));
      else w.readings = []; // a tombstone of this series comes back to life
      w.overflowed = false;
      this.live++;
      this.migrate();
    }
    const readings = w.readings as Reading[];
    if (!w.overflowed && readings.length < this.o.holdLimit) {
      readings.push(r);
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

  /** Takes the window of `id` out (a tombstone stays), returning its readings. */
  private take(id: string): Reading[] | undefined {
    const w = this.find(id);
    if (w === undefined) return undefined;
    const readings = w.readings;
    w.readings = undefined;
    if (--this.live === 0) {
      this.held = new Map(); // every entry a tombstone: drop them all at once
      this.draining = this.migration = undefined;
    } else this.migrate();
    return readings;
  }

  /** Moves a few live windows of the draining map; starts draining a map that is mostly tombstones. */
  private migrate(): void {
    const it = this.migration;
    if (it === undefined) {
      const size = this.held.size;
      if (size >= COMPACT_FROM && this.live * 4 < size && (this.live <= COMPACT_LIVE || this.live * 64 < size)) {
        this.draining = this.held;
        this.held = new Map();
        this.migration = this.draining.entries();
      }
      return;
    }
    for (let k = 0; k < MIGRATE_PER_OP; k++) {
      const e = it.next();
      if (e.done === true) {
        this.draining = this.migration = undefined;
        return;
      }
      const [id, w] = e.value;
      if (w.readings !== undefined && !this.held.has(id)) this.held.set(id, w);
    }
  }

  /** Every live window, each once. */
  private *windows(): Generator<[string, HeldWindow]> {
    for (const e of this.held) if (e[1].readings !== undefined) yield e;
    if (this.draining !== undefined) for (const e of this.draining) if (e[1].readings !== undefined && this.held.get(e[0]) !== e[1]) yield e;
  }

  /** Drops every window. */
  private clear(): void {
    this.held = new Map();
    this.draining = this.migration = undefined;
    this.live = 0;
  }

  /** Emits the window of `id`, if any, with the statistics it froze with. */
  release(id: string, params: FrozenParams): void {
    const readings = this.take(id);
    if (readings === undefined) return;
    for (const r of readings) this.out(id, r, applyFrozen(params, r.value as number), 'frozen', params.version, 'held');
  }

  /** Emits the window of a series found frozen (frozen by another subscription of the store). */
  releaseIfFrozen(id: string, slot: number): void {
    if (this.find(id) !== undefined) this.release(id, this.store.table.frozen(slot));
  }

  /** At source completion: releases windows of frozen series, flushes the others by the fallback. */
  complete(): void {
    for (const [id, w] of [...this.windows()]) {
      const slot = this.store.index.get(id);
      if (slot !== undefined && this.store.table.isFrozen(slot)) this.release(id, this.store.table.frozen(slot));
      else this.flush(id, w, 'flushedOnComplete');
    }
    this.clear();
  }

  /** At unsubscription or error: counts held values that can no longer be emitted. */
  finalize(): void {
    for (const [id, w] of this.windows()) this.store.diag.count(id, 'discardedOnUnsubscribe', (w.readings as Reading[]).length);
    this.clear();
  }

  /** A series was evicted: its statistics are gone, so its held values can only pass raw. */
  evicted(id: string): void {
    const readings = this.take(id);
    if (readings === undefined) return;
    this.store.diag.count(id, 'flushedOnEvict', readings.length);
    if (this.o.holdOverflow === 'drop') return;
    for (const r of readings) this.out(id, r, r.value as number, 'fitting', 0, 'raw');
  }

  /** Emits a window by the `holdOverflow` fallback, counting its values under `counter`. */
  private flush(id: string, w: HeldWindow, counter: CounterName): void {
    const slot = this.store.index.get(id);
    const readings = w.readings ?? [];
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
