import { fromJsonNumber, toJsonNumber, type JsonNumber } from '../json-number.js';

/**
 * Minimum, maximum and maximum absolute value of a stream; mergeable.
 *
 * Semantics: `update` takes finite numbers only and throws a `RangeError` otherwise, so NaN can
 * never win a comparison. With no values `min` is +Infinity, `max` is -Infinity and `maxAbs` is 0
 * (the identities of their merges); check `count` first.
 *
 * @example
 * ```ts
 * import { Extrema } from 'streamnorm';
 * const e = new Extrema().updateMany([3, -7, 5]);
 * e.min; // => -7
 * e.max; // => 5
 * e.maxAbs; // => 7
 * ```
 */
export class Extrema {
  /** Number of values seen. */
  count = 0;
  /** Smallest value seen (+Infinity when empty). */
  min = Infinity;
  /** Largest value seen (-Infinity when empty). */
  max = -Infinity;

  /** Largest absolute value seen (0 when empty). */
  get maxAbs(): number {
    return this.count === 0 ? 0 : Math.max(-this.min, this.max);
  }

  /** Adds one finite value. */
  update(x: number): this {
    if (x - x !== 0) throw new RangeError(`Extrema.update requires a finite number, got ${String(x)}`);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.count++;
    return this;
  }

  /** Adds every value of `xs` (all must be finite). */
  updateMany(xs: ArrayLike<number>): this {
    for (let i = 0; i < xs.length; i++) this.update(xs[i] as number);
    return this;
  }

  /** Merges `other` into this. */
  merge(other: Extrema): this {
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    this.count += other.count;
    return this;
  }

  /** Serializable state; the bounds of empty extrema (±Infinity) as "Infinity" / "-Infinity" ({@link toJsonNumber}). */
  toState(): ExtremaState {
    return { count: this.count, min: toJsonNumber(this.min), max: toJsonNumber(this.max) };
  }

  /** Restores a state from {@link Extrema.toState}; refuses min > max or non-finite bounds of non-empty extrema. */
  static fromState(state: ExtremaState): Extrema {
    const e = new Extrema();
    if (!Number.isInteger(state.count) || state.count < 0) throw new RangeError(`Extrema state: count must be a non-negative integer, got ${String(state.count)}`);
    if (state.count === 0) return e; // bounds "Infinity" / "-Infinity" (null in states of 0.1.0)
    const min = fromJsonNumber(state.min);
    const max = fromJsonNumber(state.max);
    if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max) || min > max) {
      throw new RangeError(`Extrema state: need finite min <= max, got min=${JSON.stringify(state.min)} max=${JSON.stringify(state.max)}`);
    }
    e.count = state.count;
    e.min = min;
    e.max = max;
    return e;
  }
}

/** Serializable state of an {@link Extrema}. */
export interface ExtremaState {
  count: number;
  /** The smallest value ("Infinity" when empty; null in states written by 0.1.0). */
  min: JsonNumber | null;
  /** The largest value ("-Infinity" when empty; null in states written by 0.1.0). */
  max: JsonNumber | null;
}
