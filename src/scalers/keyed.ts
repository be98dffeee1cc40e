import type { InvalidReason } from '../values.js';
import { createScaler, type Scaler, type ScalerSpec } from './create.js';
import type { FrozenParams } from './frozen.js';

/**
 * Many series, one scaler each, created on first sight from one spec (or a spec per key).
 *
 * Semantics: `learn` creates the series if new and returns what the scaler returns (undefined
 * when learned, else the invalid reason, counted in that series). `freeze` releases the fitting
 * statistics of the frozen series (a robust scaler's window can be 32 KB), so frozen series cost
 * only their {@link FrozenParams}. `transform` of an unknown key returns NaN; use `has` first.
 *
 * @example
 * ```ts
 * import { KeyedScalers } from 'streamnorm';
 * const ks = new KeyedScalers({ kind: 'standard' });
 * for (const v of [1, 2, 3]) ks.learn('temp', v);
 * for (const v of [100, 300]) ks.learn('pressure', v);
 * ks.freeze();
 * ks.transform('pressure', 300); // => 1
 * ks.size; // => 2
 * ```
 */
export class KeyedScalers {
  private readonly series = new Map<string, Scaler>();
  private readonly specFor: (key: string) => ScalerSpec;

  constructor(spec: ScalerSpec | ((key: string) => ScalerSpec)) {
    this.specFor = typeof spec === 'function' ? spec : () => spec;
    createScaler(this.specFor('')); // validate the spec up front
  }

  /** Number of series. */
  get size(): number {
    return this.series.size;
  }

  /** Whether a series exists. */
  has(key: string): boolean {
    return this.series.has(key);
  }

  /** The scaler of a series, if it exists. */
  get(key: string): Scaler | undefined {
    return this.series.get(key);
  }

  /** The scaler of a series, created from the spec if new. */
  getOrCreate(key: string): Scaler {
    let s = this.series.get(key);
    if (!s) {
      s = createScaler(this.specFor(key));
      this.series.set(key, s);
    }
    return s;
  }

  /** Puts a ready scaler (restored or imported) under a key, replacing any. */
  set(key: string, scaler: Scaler): this {
    this.series.set(key, scaler);
    return this;
  }

  /** Removes a series; true if it existed. */
  delete(key: string): boolean {
    return this.series.delete(key);
  }

  /** Learns one value of a series; see {@link BaseScaler.learn}. */
  learn(key: string, value: unknown): InvalidReason | undefined {
    return this.getOrCreate(key).learn(value);
  }

  /** Normalizes a value of a series (NaN for an unknown series). */
  transform(key: string, x: number): number {
    const s = this.series.get(key);
    return s ? s.transform(x) : NaN;
  }

  /** Maps a normalized value of a series back (NaN for an unknown series). */
  inverse(key: string, y: number): number {
    const s = this.series.get(key);
    return s ? s.inverse(y) : NaN;
  }

  /**
   * Freezes one series, or all when `key` is omitted, releasing their fitting statistics.
   * Returns the frozen parameters of the series frozen now or before.
   */
  freeze(key?: string): Map<string, FrozenParams> {
    const out = new Map<string, FrozenParams>();
    const freezeOne = (k: string, s: Scaler): void => {
      if (!s.frozen) {
        s.freeze();
        releaseStats(s);
      }
      out.set(k, s.frozen as FrozenParams);
    };
    if (key !== undefined) {
      const s = this.series.get(key);
      if (s) freezeOne(key, s);
    } else {
      for (const [k, s] of this.series) freezeOne(k, s);
    }
    return out;
  }

  /** Merges another set's fitting statistics into this one, series by series. */
  merge(other: KeyedScalers): this {
    for (const [k, s] of other.series) this.getOrCreate(k).merge(s as never);
    return this;
  }

  /** Iterates over `[key, scaler]`. */
  entries(): IterableIterator<[string, Scaler]> {
    return this.series.entries();
  }

  /** Iterates over the keys. */
  keys(): IterableIterator<string> {
    return this.series.keys();
  }
}

/** Drops a frozen scaler's fitting statistics, keeping its frozen parameters. */
function releaseStats(s: Scaler): void {
  const frozen = s.frozen;
  s.refit();
  s.frozen = frozen;
}
