import { applyFrozen, type FrozenParams, type Normalized, type Reading } from '../../src/index.js';
import type { SeriesStore } from '../../operators/index.js';
import type { Entry, Ledger } from './ledger.js';

/**
 * `whileFitting: 'hold'` in the bridge: training windows held back and released, transformed with
 * the frozen statistics (`flag: 'held'`, as the operator's own hold), when their series freezes.
 *
 * Why the bridge holds instead of the operator: a held reading's message must stay
 * unacknowledged until its output is confirmed, so the bridge has to know which message each held
 * reading came from, and at the bound on unacknowledged messages it must be able to release a
 * window early (by `holdOverflow`) rather than wait for a freeze that needs input it no longer
 * takes. The operator runs with `whileFitting: 'drop'` (it learns and freezes exactly as with
 * `hold`); this class keeps the readings with their ledger entries.
 *
 * Semantics as the operator's: at most `holdLimit` readings per series, then the window and every
 * further value until the freeze go by the `holdOverflow` fallback (`provisional`: the statistics
 * so far; `raw`; `drop`), counted; a window of an evicted series passes raw (dropped under
 * `drop`). At shutdown windows are not flushed: their messages stay unacknowledged, and after a
 * restart the broker sends them again (not learned twice: `late: 'skip'`) and they are held anew.
 */
export class BridgeHold {
  /** Counters: windows overflowed (`holdLimit`), of them at the bound, and values passed by the fallback. */
  readonly counters = { overflows: 0, atBound: 0, overflowValues: 0, evictedValues: 0 };
  private readonly windows = new Map<string, { held: { r: Reading; entry: Entry }[]; overflowed: boolean }>();

  constructor(
    private readonly o: { holdLimit: number; holdOverflow: 'provisional' | 'raw' | 'drop' },
    private readonly store: SeriesStore,
    private readonly ledger: Ledger,
    private readonly emit: (o: Normalized, entry: Entry) => void,
  ) {}

  /** Readings held now, all series. */
  get size(): number {
    let n = 0;
    for (const w of this.windows.values()) n += w.held.length;
    return n;
  }

  /** Whether series `id` has a window (held or overflowed). */
  has(id: string): boolean {
    return this.windows.has(id);
  }

  /** Holds reading `r` (valid, learned, no output) of the fitting series `id`, or passes it by the fallback. */
  hold(id: string, r: Reading, entry: Entry): void {
    let w = this.windows.get(id);
    if (w === undefined) {
      w = { held: [], overflowed: false };
      this.windows.set(id, w);
    }
    if (!w.overflowed && w.held.length < this.o.holdLimit) {
      entry.pending++;
      entry.held++;
      w.held.push({ r, entry });
      return;
    }
    if (!w.overflowed) this.overflow(id, false);
    this.counters.overflowValues++;
    this.fallback(id, r, entry);
  }

  /** Series `id` froze with `params`: its window is emitted with them, then the window is gone. */
  release(id: string, params: FrozenParams): void {
    const w = this.windows.get(id);
    if (w === undefined) return;
    this.windows.delete(id);
    for (const { r, entry } of w.held) this.releaseOne(id, r, entry, params, true);
  }

  /** Emits reading `r` of `id` as held with `params` (`owned`: it counted as held in `entry`). */
  releaseOne(id: string, r: Reading, entry: Entry, params: FrozenParams, owned = false): void {
    const value = applyFrozen(params, r.value as number);
    // Out of the pre-transform's domain: never learned nor held by the operator's rules; dropped here.
    if (!(value !== value && params.invScale === params.invScale)) {
      this.emit({ series: id, raw: r.value, value, time: r.time, tags: r.tags, phase: 'frozen', version: params.version, flag: 'held' } as Normalized, entry);
    }
    if (owned) this.unhold(entry);
  }

  /** The window of the series holding the oldest held reading is released by the fallback (the bound is reached). */
  breakAtBound(): boolean {
    let oldest: { id: string; seq: number } | undefined;
    for (const [id, w] of this.windows) {
      const first = w.held[0];
      if (first !== undefined && (oldest === undefined || first.entry.seq < oldest.seq)) oldest = { id, seq: first.entry.seq };
    }
    if (oldest === undefined) return false;
    this.overflow(oldest.id, true);
    return true;
  }

  /** Windows of series no longer in the store (evicted as idle) pass raw, or are dropped under `drop`. */
  sweepEvicted(): void {
    for (const [id, w] of this.windows) {
      if (this.store.has(id)) continue;
      this.windows.delete(id);
      for (const { r, entry } of w.held) {
        this.counters.evictedValues++;
        if (this.o.holdOverflow !== 'drop') this.emit({ series: id, raw: r.value, value: r.value as number, time: r.time, tags: r.tags, phase: 'fitting', version: 0, flag: 'raw' } as Normalized, entry);
        this.unhold(entry);
      }
    }
  }

  private overflow(id: string, atBound: boolean): void {
    const w = this.windows.get(id);
    if (w === undefined) return;
    this.counters.overflows++;
    if (atBound) this.counters.atBound++;
    w.overflowed = true;
    const held = w.held;
    w.held = [];
    for (const { r, entry } of held) {
      this.counters.overflowValues++;
      this.fallback(id, r, entry);
      this.unhold(entry);
    }
  }

  private fallback(id: string, r: Reading, entry: Entry): void {
    const x = r.value as number;
    const mode = this.o.holdOverflow;
    if (mode === 'drop') return;
    const scaler = mode === 'provisional' ? this.store.fitting(id) : undefined;
    if (scaler !== undefined) this.emit({ series: id, raw: x, value: scaler.transform(x), time: r.time, tags: r.tags, phase: 'fitting', version: 0, flag: 'provisional' } as Normalized, entry);
    else this.emit({ series: id, raw: x, value: x, time: r.time, tags: r.tags, phase: 'fitting', version: 0, flag: 'raw' } as Normalized, entry);
  }

  private unhold(entry: Entry): void {
    entry.held--;
    this.ledger.done(entry);
  }
}
