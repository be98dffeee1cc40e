import { KllSketch, type KllState } from './kll.js';
import { sortedQuantile } from './quantile-exact.js';

/** Options of {@link Quantiles}. */
export interface QuantilesOptions {
  /** Values kept exactly before switching to the sketch (default 4096). */
  exactLimit?: number;
  /** KLL accuracy parameter for the sketch mode (default 300: rank error below ~0.9%). */
  sketchK?: number;
}

/**
 * Quantiles of a stream: exact while small, a KLL sketch beyond.
 *
 * Under the hood: up to `exactLimit` values (default 4096) are kept, and quantiles are numpy's
 * linear interpolation of them, bit for bit. The value after that moves everything into a
 * {@link KllSketch}, whose rank error is below ~0.9% (k = 300) and whose size stays a few KB.
 * `mode` says which is in use.
 *
 * Semantics: finite values only (`RangeError` otherwise); NaN quantiles while empty. Merging two
 * exact states whose union fits stays exact; otherwise the result is a sketch.
 *
 * @example
 * ```ts
 * import { Quantiles } from 'streamnorm';
 * const q = new Quantiles().updateMany([5, 1, 4, 2, 3]);
 * q.quantile(0.5); // => 3
 * q.mode; // => 'exact'
 * ```
 */
export class Quantiles {
  readonly exactLimit: number;
  readonly sketchK: number;
  private buffer: number[] = [];
  private sortedUpTo = 0;
  private sketch: KllSketch | undefined;

  constructor(options: QuantilesOptions = {}) {
    const { exactLimit = 4096, sketchK = 300 } = options;
    if (!Number.isInteger(exactLimit) || exactLimit < 0) throw new RangeError(`Quantiles: exactLimit must be a non-negative integer, got ${exactLimit}`);
    this.exactLimit = exactLimit;
    this.sketchK = sketchK;
  }

  /** `'exact'` while every value is kept, `'sketch'` after the exact limit was passed. */
  get mode(): 'exact' | 'sketch' {
    return this.sketch ? 'sketch' : 'exact';
  }

  /** Number of values seen. */
  get count(): number {
    return this.sketch ? this.sketch.count : this.buffer.length;
  }

  /** Adds one finite value. */
  update(x: number): this {
    if (x - x !== 0) throw new RangeError(`Quantiles.update requires a finite number, got ${String(x)}`);
    if (this.sketch) {
      this.sketch.update(x);
      return this;
    }
    this.buffer.push(x);
    if (this.buffer.length > this.exactLimit) this.toSketch();
    return this;
  }

  /** Adds every value of `xs` (all must be finite). */
  updateMany(xs: ArrayLike<number>): this {
    for (let i = 0; i < xs.length; i++) this.update(xs[i] as number);
    return this;
  }

  /** The q-quantile, 0 <= q <= 1 (exact: numpy linear; sketch: within the rank error). */
  quantile(q: number): number {
    if (this.sketch) return this.sketch.quantile(q);
    this.sortBuffer();
    return sortedQuantile(this.buffer, q);
  }

  /** Merges `other` into this. */
  merge(other: Quantiles): this {
    if (!this.sketch && !other.sketch && this.buffer.length + other.buffer.length <= this.exactLimit) {
      for (const v of other.buffer) this.buffer.push(v);
      this.sortedUpTo = 0;
      return this;
    }
    if (!this.sketch) this.toSketch();
    const sketch = this.sketch as KllSketch;
    if (other.sketch) sketch.merge(other.sketch);
    else for (const v of other.buffer) sketch.update(v);
    return this;
  }

  /** Serializable state. */
  toState(): QuantilesState {
    return this.sketch
      ? { exactLimit: this.exactLimit, sketchK: this.sketchK, sketch: this.sketch.toState() }
      : { exactLimit: this.exactLimit, sketchK: this.sketchK, values: this.buffer.slice() };
  }

  /** Restores a state written by {@link Quantiles.toState}. */
  static fromState(state: QuantilesState): Quantiles {
    const q = new Quantiles({ exactLimit: state.exactLimit, sketchK: state.sketchK });
    if (state.sketch) {
      q.sketch = KllSketch.fromState(state.sketch);
    } else {
      const values = state.values;
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new RangeError('Quantiles state: values must be an array of finite numbers');
      }
      if (values.length > q.exactLimit) throw new RangeError(`Quantiles state: ${values.length} values exceed exactLimit ${q.exactLimit}`);
      q.buffer = values.slice();
    }
    return q;
  }

  /**
   * Sorts the exact buffer. A few values added since the last sort are inserted in place (binary
   * search), so a quantile asked after every new value (provisional outputs) costs O(n), not
   * O(n log n).
   */
  private sortBuffer(): void {
    const buf = this.buffer;
    const n = buf.length;
    if (this.sortedUpTo === n) return;
    if (n - this.sortedUpTo > 8) {
      buf.sort((a, b) => a - b);
    } else {
      for (let i = this.sortedUpTo; i < n; i++) {
        const v = buf[i] as number;
        let lo = 0;
        let hi = i;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if ((buf[mid] as number) <= v) lo = mid + 1;
          else hi = mid;
        }
        for (let j = i; j > lo; j--) buf[j] = buf[j - 1] as number;
        buf[lo] = v;
      }
    }
    this.sortedUpTo = n;
  }

  private toSketch(): void {
    const sketch = new KllSketch(this.sketchK);
    for (const v of this.buffer) sketch.update(v);
    this.sketch = sketch;
    this.buffer = [];
    this.sortedUpTo = 0;
  }
}

/** Serializable state of a {@link Quantiles}: either the exact values or a sketch. */
export interface QuantilesState {
  exactLimit: number;
  sketchK: number;
  values?: number[];
  sketch?: KllState;
}
