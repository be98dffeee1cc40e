import { MEAN_VAR_ROW, meanVarRowMean, meanVarRowUpdate, meanVarRowVariance } from '../../src/stats/mean-var-row.js';
import { MeanVar, type MeanVarState } from '../../src/stats/mean-var.js';

/** Doubles per row: {@link MeanVar}'s row, then the count of missing values. */
const ROW = MEAN_VAR_ROW + 1;
const MISSING = MEAN_VAR_ROW;

/**
 * The running moments of many compact fits (standard scalers with default options) in one
 * `Float64Array`: per row {@link MeanVar}'s layout, run by {@link MeanVar}'s own row arithmetic (so
 * the statistics are the same bits as a `StandardScaler`'s), plus the count of missing values
 * refused in the window. The only code that knows the row layout.
 *
 * Rows of finished fits are reused; when no row is in use the array is released, so a store of
 * frozen series pays nothing for it.
 */
export class CompactRows {
  private rows: Float64Array<ArrayBuffer> = new Float64Array(0);
  private used = 0;
  private readonly free: number[] = [];
  private inUse = 0;

  /** Rows in use. */
  get live(): number {
    return this.inUse;
  }

  /** Takes an empty row; returns its index. */
  allocate(): number {
    let row = this.free.pop();
    if (row === undefined) {
      if ((this.used + 1) * ROW > this.rows.length) {
        const rows = new Float64Array(Math.max(64 * ROW, this.rows.length * 2));
        rows.set(this.rows);
        this.rows = rows;
      }
      row = this.used++;
    }
    this.rows.fill(0, row * ROW, row * ROW + ROW);
    this.inUse++;
    return row;
  }

  /** Gives a row back. */
  release(row: number): void {
    this.free.push(row);
    if (--this.inUse === 0) {
      this.rows = new Float64Array(0);
      this.used = 0;
      this.free.length = 0;
    }
  }

  /** Learns a finite value into a row; returns the new count. */
  learn(row: number, x: number): number {
    const at = row * ROW;
    meanVarRowUpdate(this.rows, at, x);
    return this.rows[at] as number;
  }

  /** Values learned by a row. */
  count(row: number): number {
    return this.rows[row * ROW] as number;
  }

  /** The mean of a row's values (NaN when empty). */
  mean(row: number): number {
    return meanVarRowMean(this.rows, row * ROW);
  }

  /** The population variance of a row's values (NaN when empty). */
  variance(row: number): number {
    return meanVarRowVariance(this.rows, row * ROW, 0);
  }

  /** Counts one missing value refused in the row's window. */
  countMissing(row: number): void {
    const at = row * ROW + MISSING;
    this.rows[at] = (this.rows[at] as number) + 1;
  }

  /** Missing values refused in the row's window. */
  missing(row: number): number {
    return this.rows[row * ROW + MISSING] as number;
  }

  /** A row's moments as {@link MeanVar}'s state. */
  state(row: number): MeanVarState {
    return MeanVar.rowState(this.rows, row * ROW);
  }
}
