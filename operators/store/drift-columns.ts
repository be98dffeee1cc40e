import { affine } from '../../src/scalers/frozen.js';
import { growDoubles, inPage, pageOf } from './slot-pages.js';

/**
 * The parameters of {@link DriftColumns.observeRun}: the CUSUM's `k` and `clip`, the score `h` above
 * which a value's follow-up checks must run, and the stuck-run length (0: off). One object per
 * subscription, passed as one argument: doubles passed to a call that is not inlined are boxed (an
 * allocation per reading on the hot path).
 */
export interface DriftCheck {
  readonly k: number;
  readonly clip: number;
  readonly h: number;
  readonly stuckAfter: number;
}

/**
 * The per-series state of the drift alarms, by slot: the only code that knows its layout. One row
 * of {@link ROW} doubles per slot (80 bytes), in pages of `Float64Array`s (`slot-pages.ts`):
 *
 * - frozen: `[S⁺, S⁻, center, invScale, phi, prevZ, lastValue, run, cooldown, frozenAt]`: the CUSUM
 *   sums; how values are standardized (`z = (x − center) · invScale`; NaN: no alarm); the AR(1)
 *   coefficient the CUSUM whitens with (0: none) and the previous z; the latest value and how many
 *   readings in a row had it (the stuck-sensor check); readings left in the cool-down after a
 *   promotion; the event time of the freeze (NaN when unknown).
 * - fitting, with AR(1) whitening on: `[n, shift, Σd, Σd², Σdₜdₜ₋₁, prevD, …]` with `d = x − shift`,
 *   the lag-1 autocorrelation of the window, exact enough at large offsets because of the shift.
 */
export class DriftColumns {
  private readonly pages: Float64Array<ArrayBuffer>[] = [];

  /** Grows to `n` slots (adds pages; copies nothing). */
  grow(n: number): void {
    growDoubles(this.pages, ROW, n);
  }

  /** The page of rows holding `slot`. */
  private page(slot: number): Float64Array<ArrayBuffer> {
    return this.pages[pageOf(slot)] as Float64Array<ArrayBuffer>;
  }

  /** Starts a fitting window (AR(1) sums at zero). */
  startWindow(slot: number): void {
    this.page(slot).fill(0, inPage(slot) * ROW, inPage(slot) * ROW + ROW);
  }

  /** Learns a (pre-transformed) value of a fitting window into the AR(1) sums. */
  learnWindow(slot: number, x: number): void {
    const a = inPage(slot) * ROW;
    const r = this.page(slot);
    const n = r[a] as number;
    if (n === 0) r[a + 1] = x;
    const d = x - (r[a + 1] as number);
    r[a + 2] = (r[a + 2] as number) + d;
    r[a + 3] = (r[a + 3] as number) + d * d;
    if (n > 0) r[a + 4] = (r[a + 4] as number) + d * (r[a + 5] as number);
    r[a + 5] = d;
    r[a] = n + 1;
  }

  /**
   * The window's lag-1 autocorrelation `Σ(dₜ − m)(dₜ₋₁ − m) / Σ(dₜ − m)²`, clamped to [0, 0.99]
   * (0 for fewer than 3 values or no spread).
   */
  windowPhi(slot: number): number {
    const a = inPage(slot) * ROW;
    const r = this.page(slot);
    const n = r[a] as number;
    if (n < 3) return 0;
    const sum = r[a + 2] as number;
    const m = sum / n;
    const first = 0; // d of the first value is 0 by construction
    const last = r[a + 5] as number;
    const ss = (r[a + 3] as number) - sum * m;
    // Σ(dₜ − m)(dₜ₋₁ − m) over t = 2..n: Σdₜdₜ₋₁ − m(Σ_{t≥2} dₜ + Σ_{t≤n−1} dₜ) + (n − 1)m².
    const cross = (r[a + 4] as number) - m * (sum - first + sum - last) + (n - 1) * m * m;
    if (!(ss > 0)) return 0;
    return Math.min(0.99, Math.max(0, cross / ss));
  }

  /** Arms a frozen series: how to standardize, the AR(1) coefficient, sums at zero, a cool-down, the freeze time. */
  arm(slot: number, center: number, invScale: number, phi: number, cooldown: number, frozenAt: number): void {
    const a = inPage(slot) * ROW;
    const r = this.page(slot);
    r.fill(0, a, a + ROW);
    r[a + CENTER] = center;
    r[a + INV_SCALE] = invScale;
    r[a + PHI] = phi;
    r[a + LAST] = NaN;
    r[a + COOLDOWN] = cooldown;
    r[a + FROZEN_AT] = frozenAt;
  }

  /**
   * Observes one (pre-transformed) value of a frozen series: {@link DriftColumns.observeRun} over
   * that value alone. Returns 0 when one of its checks may fire (its score in
   * {@link DriftColumns.runScore}), −1 otherwise. Small enough to be inlined, so the value is not
   * boxed on the way.
   */
  observeOne(slot: number, x: number, check: DriftCheck): number {
    this.one[0] = x;
    return this.observeRun(slot, this.one, 0, 1, check);
  }

  /**
   * {@link DriftColumns.observeOne} of `r.value`, the per-reading hot path (a plain frozen series):
   * {@link DriftColumns.observeRun}'s step, written out for one value. Through `observeRun` one
   * reading paid for a loop, its value stored to and loaded from a scratch array, a square root
   * when there is no whitening and six stores: a chunk at 1k series took 72.7 ns a reading, 69.4
   * this way (medians of 6 processes). No call in here may stay un-inlined (a double passed to one is
   * boxed), so the arithmetic is written out as in `observeRun`; a test checks that the rows and
   * returns are `observeRun`'s, bit for bit. The value goes in inside the reading, never boxed.
   */
  observeReading(slot: number, reading: { readonly value: number }, check: DriftCheck): number {
    const a = inPage(slot) * ROW;
    const r = this.page(slot);
    const x = reading.value;
    let up = r[a] as number;
    let down = r[a + 1] as number;
    if (x === r[a + LAST]) r[a + RUN] = (r[a + RUN] as number) + 1;
    else {
      r[a + LAST] = x;
      r[a + RUN] = 1;
    }
    const inv = r[a + INV_SCALE] as number;
    if (inv === inv) {
      let z = affine(x, r[a + CENTER] as number, inv, 0);
      const phi = r[a + PHI] as number;
      if (phi !== 0) {
        const p = r[a + PREV_Z] as number;
        r[a + PREV_Z] = z;
        z = (z - phi * p) / Math.sqrt(1 - phi * phi);
      }
      const cool = r[a + COOLDOWN] as number;
      if (cool > 0) r[a + COOLDOWN] = cool - 1;
      else if (z === z) {
        const { k, clip } = check;
        const c = z > clip ? clip : z < -clip ? -clip : z;
        const u = up + c - k;
        const uPos = (u + Math.abs(u)) * 0.5;
        up = uPos - uPos === 0 ? uPos : Math.max(0, u);
        const d = down - c - k;
        const dPos = (d + Math.abs(d)) * 0.5;
        down = dPos - dPos === 0 ? dPos : Math.max(0, d);
        r[a] = up;
        r[a + 1] = down;
      }
    }
    const h = check.h;
    const stuckAfter = check.stuckAfter;
    if (up > h || down > h || (stuckAfter > 0 && (r[a + RUN] as number) >= stuckAfter)) {
      this.runScore = up > down ? up : down;
      return 0;
    }
    return -1;
  }

  /** The score of the value {@link DriftColumns.observeRun} stopped at. */
  runScore = 0;
  private readonly one = new Float64Array(1);

  /**
   * Observes `xs[from…end)` in order: for each value the CUSUM step on its z-score (whitened when
   * `phi` is set; during the cool-down the sums stay at zero) and the stuck-value run, stopping at the first value
   * whose checks may fire (a score above `check.h`, or with `check.stuckAfter` > 0 a run that long):
   * returns its index, its score in {@link DriftColumns.runScore}; −1 when none did. The row's fields
   * are read once and written back once per call. The home of the step: {@link
   * DriftColumns.observeReading} writes it out again for one reading, and a test holds the two equal.
   */
  observeRun(slot: number, xs: ArrayLike<number>, from: number, end: number, check: DriftCheck): number {
    const { k, clip, h, stuckAfter } = check;
    const a = inPage(slot) * ROW;
    const r = this.page(slot);
    const center = r[a + CENTER] as number;
    const inv = r[a + INV_SCALE] as number;
    const phi = r[a + PHI] as number;
    const whiten = Math.sqrt(1 - phi * phi);
    let up = r[a] as number;
    let down = r[a + 1] as number;
    let last = r[a + LAST] as number;
    let run = r[a + RUN] as number;
    let prev = r[a + PREV_Z] as number;
    let cool = r[a + COOLDOWN] as number;
    let stop = -1;
    for (let j = from; j < end; j++) {
      const x = xs[j] as number;
      if (x === last) run++;
      else {
        last = x;
        run = 1;
      }
      if (inv === inv) {
        let z = affine(x, center, inv, 0); // the frozen transform's formula, offset 0
        if (phi !== 0) {
          const p = prev;
          prev = z;
          z = (z - phi * p) / whiten;
        }
        if (cool > 0) cool--;
        else if (z === z) {
          // cusumStep's arithmetic (src/drift/cusum.ts), written out: in this loop no call may stay
          // un-inlined (a double passed to one is boxed), and V8 decides inlining from feedback that
          // the cool-down after a freeze withholds. max(0, v) without a branch on the sign (an
          // in-control sum sits at 0 about half the time, so that branch is mispredicted on every
          // other value: 3× slower over a column): (v + |v|) / 2 is exact for finite |v| < 2^1023,
          // the rest (overflow, ±∞, NaN) takes Math.max. A test checks the sums against cusumStep.
          const c = z > clip ? clip : z < -clip ? -clip : z;
          const u = up + c - k;
          const uPos = (u + Math.abs(u)) * 0.5;
          up = uPos - uPos === 0 ? uPos : Math.max(0, u);
          const d = down - c - k;
          const dPos = (d + Math.abs(d)) * 0.5;
          down = dPos - dPos === 0 ? dPos : Math.max(0, d);
        }
      }
      // The score is the larger sum; each is compared with h on its own (a branch on which of the
      // two is larger would be mispredicted about every other value).
      if (up > h || down > h || (stuckAfter > 0 && run >= stuckAfter)) {
        this.runScore = up > down ? up : down;
        stop = j;
        break;
      }
    }
    r[a] = up;
    r[a + 1] = down;
    r[a + LAST] = last;
    r[a + RUN] = run;
    r[a + PREV_Z] = prev;
    r[a + COOLDOWN] = cool;
    return stop;
  }

  /** Reads both cache lines of a slot's row; returns a number made of what it read (see `SeriesTable.peek`). */
  peek(slot: number): number {
    const r = this.page(slot);
    const a = inPage(slot) * ROW;
    return (r[a] as number) + (r[a + ROW - 1] as number);
  }

  /** The current CUSUM score (the larger sum). */
  score(slot: number): number {
    const r = this.page(slot);
    const a = inPage(slot) * ROW;
    return Math.max(r[a] as number, r[a + 1] as number);
  }

  /** Readings in a row with the latest value. */
  run(slot: number): number {
    return this.page(slot)[inPage(slot) * ROW + RUN] as number;
  }

  /** Restarts the CUSUM sums (after an alarm has been raised). */
  resetSums(slot: number): void {
    this.page(slot)[inPage(slot) * ROW] = 0;
    this.page(slot)[inPage(slot) * ROW + 1] = 0;
  }

  /** Restarts the stuck-value run (after its alarm). */
  resetRun(slot: number): void {
    this.page(slot)[inPage(slot) * ROW + RUN] = 0;
  }

  /** Whether the slot's values can be standardized (not a zero spread, training moments known). */
  armed(slot: number): boolean {
    const inv = this.page(slot)[inPage(slot) * ROW + INV_SCALE] as number;
    return inv === inv;
  }

  /** Sets the event time the refit schedule counts from. */
  setFrozenAt(slot: number, t: number): void {
    this.page(slot)[inPage(slot) * ROW + FROZEN_AT] = t;
  }

  /** The event time of the slot's freeze or latest promotion (NaN when unknown). */
  frozenAt(slot: number): number {
    return this.page(slot)[inPage(slot) * ROW + FROZEN_AT] as number;
  }

  /** A slot's row, for a snapshot. */
  save(slot: number): number[] {
    return Array.from(this.page(slot).subarray(inPage(slot) * ROW, inPage(slot) * ROW + ROW));
  }

  /** Loads a row saved by {@link DriftColumns.save} (a wrong length is refused). */
  load(slot: number, row: readonly number[]): void {
    if (row.length !== ROW) throw new RangeError(`drift state must hold ${ROW} numbers, got ${row.length}`);
    this.page(slot).set(row, inPage(slot) * ROW);
  }
}

const ROW = 10;
const CENTER = 2;
const INV_SCALE = 3;
const PHI = 4;
const PREV_Z = 5;
const LAST = 6;
const RUN = 7;
const COOLDOWN = 8;
const FROZEN_AT = 9;
