import { psi, psiBin, psiBins } from '../../src/drift/psi.js';
import type { Scaler } from '../../src/scalers/create.js';
import { Quantiles } from '../../src/stats/quantiles.js';
import { fromJsonNumber } from '../../src/json-number.js';

/** One frozen series' PSI state: its training bins and the counts of the current window. */
export interface PsiWindow {
  edges: Float64Array;
  expected: Float64Array;
  counts: Uint32Array;
  n: number;
  /** PSI of the last full window (NaN before the first). */
  last: number;
}

/** The saved PSI state of one series. */
export interface SavedPsi {
  edges: number[];
  expected: number[];
  counts: number[];
  n: number;
  last: number | 'NaN';
}

/** Exact values a fitting sketch keeps before it turns into a KLL sketch, and the KLL's k. */
const SKETCH = { exactLimit: 512, sketchK: 64 } as const;

/**
 * The opt-in shape check of the drift alarms: the population stability index of tumbling windows of
 * `window` readings against the training window's deciles (see `psi` in the core).
 *
 * Bytes: the robust and quantile kinds have their deciles already; other kinds keep, only while they
 * fit and only with PSI on, a quantile sketch of the (pre-transformed) window: exact up to 512 values
 * (8 bytes each, 4 KB at most), then a KLL sketch with k = 64 (rank error about 2 %, under 2 KB). A
 * frozen series keeps its bins and counts: about 300 bytes. Fitting sketches are not in snapshots: a
 * series that resumes in the middle of its window has no PSI until its next freeze.
 */
export class PsiWindows {
  private readonly sketches = new Map<number, Quantiles>();
  private readonly windows = new Map<number, PsiWindow>();

  constructor(readonly window: number) {
    if (!(Number.isInteger(window) && window >= 10)) throw new RangeError(`SeriesStore: drift.psi.window must be an integer >= 10, got ${String(window)}`);
  }

  /** Learns a (pre-transformed) value of a fitting window (kinds without their own quantiles). */
  learn(slot: number, x: number): void {
    let q = this.sketches.get(slot);
    if (q === undefined) {
      q = new Quantiles(SKETCH);
      this.sketches.set(slot, q);
    }
    q.update(x);
  }

  /** Starts a new fitting window for a slot (forgets its sketch). */
  startWindow(slot: number): void {
    this.sketches.delete(slot);
  }

  /** At a freeze: the bins from the scaler's own quantiles (robust, quantile) or from the window's sketch. */
  arm(slot: number, scaler: Scaler | undefined): void {
    const own = scaler?.stats instanceof Quantiles ? scaler.stats : undefined;
    const q = own ?? this.sketches.get(slot);
    this.sketches.delete(slot);
    if (q === undefined || q.count < 10) {
      this.windows.delete(slot);
      return;
    }
    const bins = psiBins((p) => q.quantile(p));
    this.windows.set(slot, { ...bins, counts: new Uint32Array(bins.expected.length), n: 0, last: NaN });
  }

  /** Counts a (pre-transformed) value of a frozen series; returns the PSI when it closes a window, else −1. */
  observe(slot: number, x: number): number {
    const w = this.windows.get(slot);
    if (w === undefined) return -1;
    const bin = psiBin(w.edges, x);
    w.counts[bin] = (w.counts[bin] as number) + 1;
    if (++w.n < this.window) return -1;
    w.last = psi(w.expected, w.counts);
    w.counts.fill(0);
    w.n = 0;
    return w.last;
  }

  /** The PSI of the series' last full window (NaN before one, or without PSI). */
  score(slot: number): number {
    return this.windows.get(slot)?.last ?? NaN;
  }

  /** Forgets a slot. */
  release(slot: number): void {
    this.sketches.delete(slot);
    this.windows.delete(slot);
  }

  /** A frozen slot's state, for a snapshot. */
  save(slot: number): SavedPsi | undefined {
    const w = this.windows.get(slot);
    if (w === undefined) return undefined;
    return { edges: Array.from(w.edges), expected: Array.from(w.expected), counts: Array.from(w.counts), n: w.n, last: Number.isNaN(w.last) ? 'NaN' : w.last };
  }

  /** Loads a state saved by {@link PsiWindows.save} (checked; a bad one throws naming the field). */
  load(slot: number, saved: unknown, where: string): void {
    this.windows.set(slot, PsiWindows.parse(saved, where));
  }

  /** Checks a state saved by {@link PsiWindows.save}; throws naming the field. */
  static parse(saved: unknown, where: string): PsiWindow {
    const s = saved as Partial<SavedPsi> | null;
    const numbers = (v: unknown, n: number): v is number[] => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
    const bins = Array.isArray(s?.expected) ? s.expected.length : 0;
    if (s === null || bins < 1 || !numbers(s.expected, bins) || !numbers(s.edges, bins - 1) || !numbers(s.counts, bins)) throw new Error(`${where} must hold edges, expected and counts of one binning`);
    const last = fromJsonNumber(s.last);
    if (!Number.isInteger(s.n) || (s.n as number) < 0 || last === undefined) throw new Error(`${where}.n or .last is not a count and a number`);
    return { edges: Float64Array.from(s.edges), expected: Float64Array.from(s.expected), counts: Uint32Array.from(s.counts), n: s.n as number, last };
  }
}
