import type { Normalized, OutputPhase } from '../../src/reading.js';
import { FLAG_CODES, PHASE_CODES } from './codes.js';

/** Outputs as columns: row `i` of every array is one output. */
export interface OutputColumns {
  /** Normalized values. */
  values: Float64Array;
  /** Raw values (NaN where the raw value was not a number). */
  raw: Float64Array;
  /** Event times (NaN where a reading had none). */
  times: Float64Array;
  /** Index into {@link PHASE_CODES}. */
  phase: Uint8Array;
  /** 0 for none, else 1 + index into {@link FLAG_CODES}. */
  flag: Uint8Array;
  /** Version of the statistics used. */
  version: Uint32Array;
}

/**
 * Row `i` of output columns as a {@link Normalized} of `series` (without tags or an invalid
 * value's `reason`, which columns do not carry). (Internal.)
 */
export function outputRow(c: OutputColumns, series: string, i: number): Normalized {
  const t = c.times[i] as number;
  const n: Normalized = { series, raw: c.raw[i], value: c.values[i] as number, phase: PHASE_CODES[c.phase[i] as number] as OutputPhase, version: c.version[i] as number };
  if (t === t) n.time = t;
  const f = c.flag[i] as number;
  if (f !== 0) n.flag = FLAG_CODES[f - 1];
  return n;
}

/**
 * Growable typed-array columns of outputs, one row per {@link Normalized}: what the columnar
 * outputs ({@link normalizeColumns}, `normalizeChunks` with `output: 'columns'`) are built in.
 * Row `i` is `values[i]`, `raw[i]`, … up to `length`; callers fill a row after {@link OutputRows.add}.
 */
export class OutputRows implements OutputColumns {
  /** Rows written. */
  length = 0;
  /** Normalized values. */
  values: Float64Array<ArrayBuffer>;
  /** Raw values (NaN where the raw value was not a number). */
  raw: Float64Array<ArrayBuffer>;
  /** Event times (NaN where a reading had none). */
  times: Float64Array<ArrayBuffer>;
  /** Index into {@link PHASE_CODES}. */
  phase: Uint8Array<ArrayBuffer>;
  /** 0 for none, else 1 + index into {@link FLAG_CODES}. */
  flag: Uint8Array<ArrayBuffer>;
  /** Version of the statistics used. */
  version: Uint32Array<ArrayBuffer>;

  constructor(capacity: number) {
    this.values = this.raw = this.times = new Float64Array(0);
    this.phase = this.flag = new Uint8Array(0);
    this.version = new Uint32Array(0);
    this.allocate(Math.max(capacity, 8));
  }

  /** Makes room for one more row and returns its index (the caller fills every column). */
  add(): number {
    if (this.length === this.values.length) this.grow();
    return this.length++;
  }

  /** Makes room for `rows` more rows (the caller writes them, then sets `length`). */
  reserve(rows: number): void {
    while (this.values.length < this.length + rows) this.grow();
  }

  /** Adds a row from an output object; returns its index. */
  addNormalized(n: Normalized): number {
    const i = this.add();
    this.values[i] = n.value;
    this.raw[i] = typeof n.raw === 'number' ? n.raw : NaN;
    this.times[i] = n.time ?? NaN;
    this.phase[i] = PHASE_CODES.indexOf(n.phase);
    this.flag[i] = n.flag === undefined ? 0 : FLAG_CODES.indexOf(n.flag) + 1;
    this.version[i] = n.version;
    return i;
  }

  /** Grows every column to `2 × length` rows (copying). */
  protected grow(): void {
    const { values, raw, times, phase, flag, version } = this;
    this.allocate(values.length * 2);
    this.values.set(values);
    this.raw.set(raw);
    this.times.set(times);
    this.phase.set(phase);
    this.flag.set(flag);
    this.version.set(version);
  }

  /** Points every column at a new buffer of `n` rows (one allocation: 30 bytes per row). */
  private allocate(n: number): void {
    const buffer = new ArrayBuffer(n * 30);
    this.values = new Float64Array(buffer, 0, n);
    this.raw = new Float64Array(buffer, n * 8, n);
    this.times = new Float64Array(buffer, n * 16, n);
    this.version = new Uint32Array(buffer, n * 24, n);
    this.phase = new Uint8Array(buffer, n * 28, n);
    this.flag = new Uint8Array(buffer, n * 29, n);
  }
}
