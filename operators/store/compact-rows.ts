import { MEAN_VAR_ROW, meanVarRowMean, meanVarRowUpdate, meanVarRowVariance, newMeanVarRows, type MeanVarRows } from '../../src/stats/mean-var-row.js';
import { MeanVar, type MeanVarState } from '../../src/stats/mean-var.js';
import { growPages, inPage, pageOf } from './slot-pages.js';

/**
 * Doubles per row: {@link MeanVar}'s row, then one double holding the count of missing values (below
 * 2^32) plus 2^32 times the freeze epoch the fit started in (below 2^21; later epochs count as the
 * last one).
 */
const ROW = MEAN_VAR_ROW + 1;
const MISSING = MEAN_VAR_ROW;
const EPOCH_UNIT = 4294967296; // 2^32
/** The last freeze epoch a compact row can hold (2^21 − 1: a store's two-millionth freeze of every fit). */
export const MAX_EPOCH = 2097151;

/**
 * The running moments of many compact fits (standard scalers with default options) in one array
 * of doubles ({@link MeanVarRows}): per row {@link MeanVar}'s layout, run by {@link MeanVar}'s own row arithmetic (so
 * the statistics are the same bits as a `StandardScaler`'s), plus the count of missing values
 * refused in the window and the freeze epoch the fit started in (see `SeriesTable.isDue`). The only code that knows the row layout.
 *
 * Rows of finished fits are reused; the rows are kept in pages (`slot-pages.ts`: past the first
 * page, growth adds a page and copies nothing); when no row is in use they are released, so a store
 * of frozen series pays nothing for them. The free list is a typed array with room for every row,
 * grown when rows are added: a release never allocates (as a JS array it grew inside releases,
 * copying 870k entries in one freeze of a million-series sweep).
 */
export class CompactRows {
  private pages: MeanVarRows[] = [];
  private used = 0;
  private free = new Int32Array(0);
  private freeCount = 0;
  private inUse = 0;

  /** Rows in use. */
  get live(): number {
    return this.inUse;
  }

  /** Takes an empty row for a fit started in freeze epoch `epoch`; returns its index. */
  allocate(epoch: number): number {
    let row: number;
    if (this.freeCount === 0) {
      row = this.used++;
      growPages(this.pages, ROW, this.used, zeroRows, keepRows);
      if (this.used > this.free.length) {
        const free = new Int32Array(Math.max(64, Math.ceil(this.used * 1.5)));
        free.set(this.free);
        this.free = free;
      }
    } else {
      row = this.free[--this.freeCount] as number;
      const a = this.page(row);
      for (let i = inPage(row) * ROW; i < inPage(row) * ROW + ROW; i++) a[i] = 0;
    }
    this.page(row)[inPage(row) * ROW + MISSING] = Math.min(epoch, MAX_EPOCH) * EPOCH_UNIT;
    this.inUse++;
    return row;
  }

  /** Reads both ends of a row (both of its cache lines); returns a number made of what it read (see `SeriesTable.peek`). */
  peek(row: number): number {
    const a = this.page(row);
    const at = inPage(row) * ROW;
    return (a[at] as number) + (a[at + ROW - 1] as number);
  }

  /** The page holding `row`. */
  private page(row: number): MeanVarRows {
    return this.pages[pageOf(row)] as MeanVarRows;
  }

  /** The freeze epoch a row's fit started in. */
  epoch(row: number): number {
    return Math.floor((this.page(row)[inPage(row) * ROW + MISSING] as number) / EPOCH_UNIT);
  }

  /** Gives a row back. */
  release(row: number): void {
    this.free[this.freeCount++] = row;
    if (--this.inUse === 0) {
      this.pages = [];
      this.used = 0;
      this.free = new Int32Array(0);
      this.freeCount = 0;
    }
  }

  /** Learns a finite value into a row; returns the new count. */
  learn(row: number, x: number): number {
    const a = this.page(row);
    const at = inPage(row) * ROW;
    meanVarRowUpdate(a, at, x);
    return a[at] as number;
  }

  /**
   * The compact fit's per-reading step: learns the finite `r.value` into a row, then writes its
   * provisional output (the row's statistics so far; at zero spread NaN with `nanOnZero`, else
   * `x − mean`) to `out[0]` and the new count to `out[1]`.
   * Numbers go in inside an object and come out through a typed array: whether or not V8 inlines
   * this call, no double is boxed on the way.
   *
   * The output is `standardizeProvisional(x − mean, mean, variance, nanOnZero)` of the row's
   * `meanVarRowMean` and `meanVarRowVariance(…, 0)`, written out here; a test holds it to a
   * `StandardScaler`'s `transform`, bit for bit. As calls, those three are often left un-inlined
   * once the per-reading path has spent V8's inlining budget, boxing the doubles they pass and
   * return (traced at 1k series). Written out, with the tag masks of `slot-records.ts`, a fitting
   * reading through the per-item operator took 137 ns instead of 144 (1k series, medians of 8
   * processes each).
   */
  step(row: number, r: { readonly value: number }, nanOnZero: boolean, out: Float64Array): void {
    const a = this.page(row);
    const at = inPage(row) * ROW;
    const x = r.value;
    meanVarRowUpdate(a, at, x);
    const n = a[at] as number; // ≥ 1
    const mean = ((a[at + 2] as number) + (a[at + 3] as number)) / n; // SUM_HI, SUM_LO
    const spread = Math.sqrt((a[at + 5] as number) / n); // M2
    // isZeroSpread's rule (src/scalers/frozen.ts); `+ 0` turns −0 into 0.
    const zero = !(spread > 10 * Number.EPSILON * Math.abs(mean)) || spread === 0;
    out[0] = zero ? (nanOnZero ? NaN : x - mean + 0) : (x - mean) / spread + 0;
    out[1] = n;
  }

  /** Values learned by a row. */
  count(row: number): number {
    return this.page(row)[inPage(row) * ROW] as number;
  }

  /** The mean of a row's values (NaN when empty). */
  mean(row: number): number {
    return meanVarRowMean(this.page(row), inPage(row) * ROW);
  }

  /** The population variance of a row's values (NaN when empty). */
  variance(row: number): number {
    return meanVarRowVariance(this.page(row), inPage(row) * ROW, 0);
  }

  /** Counts one missing value refused in the row's window. */
  countMissing(row: number): void {
    const a = this.page(row);
    const at = inPage(row) * ROW + MISSING;
    a[at] = (a[at] as number) + 1;
  }

  /** Missing values refused in the row's window. */
  missing(row: number): number {
    return (this.page(row)[inPage(row) * ROW + MISSING] as number) % EPOCH_UNIT;
  }

  /** A row's moments as {@link MeanVar}'s state. */
  state(row: number): MeanVarState {
    return MeanVar.rowState(this.page(row), inPage(row) * ROW);
  }
}

/** A page of `n` rows, all zero, of doubles from the start (its element kind never changes). */
function zeroRows(n: number): MeanVarRows {
  const a = newMeanVarRows();
  for (let i = 0; i < n * ROW; i++) a.push(0);
  return a;
}

function keepRows(from: MeanVarRows, into: MeanVarRows): void {
  for (let i = 0; i < from.length; i++) into[i] = from[i] as number;
}
