import { MeanVar, type MeanVarState } from '../stats/mean-var.js';
import { resolveScalerOptions, type CommonScalerOptions } from './scaler-options.js';
import { emptyInvalidCounts, INVALID_REASONS, invalidReason, type InvalidCountsRecord, type InvalidReason } from '../values.js';
import { applyFrozen, invertFrozen, isZeroSpread, preTransform, type FrozenParams, type PreTransform, type ScalerKind } from './frozen.js';
import type { QuantileMap } from './quantile-map.js';

/** Location and spread a scaler derives from its statistics; the base class turns them into {@link FrozenParams}. */
export interface AffineFit {
  center: number;
  spread: number;
  /** Location used to judge whether the spread is zero (defaults to `center`). */
  location?: number;
  /** Multiplier of 1/spread (min-max feature range width), default 1. */
  gain?: number;
  offset?: number;
  /** The kind's own output range, used when the `clip` option is `true`. */
  clip?: readonly [number, number];
  /** A non-affine map (quantile kind): outputs are `map(pre(x))`, center and gain unused. */
  map?: QuantileMap;
}

/** What a scaler's statistics must offer: learn a value, merge another, and save themselves. */
export interface Statistic<State> {
  readonly count: number;
  update(x: number): unknown;
  merge(other: this): unknown;
  toState(): State;
}

/** The phase of a scaler: learning statistics, or serving fixed ones. */
export type Phase = 'fitting' | 'frozen';

/**
 * What all scalers share: validation and counting of invalid values, the pre-transform, the
 * fit → freeze → refit lifecycle with versions, and transform/inverse.
 *
 * Semantics:
 * - `learn` refuses invalid values (NaN, ±Infinity, null, non-numbers, values outside the
 *   pre-transform's domain): they never reach the statistics; each is counted in `invalid` by
 *   reason and the reason is returned.
 * - While fitting, `transform` uses the statistics so far (provisional); after `freeze()` it uses the
 *   frozen statistics, which never change. `learn` on a frozen scaler throws; `refit()` starts a new
 *   fitting window, and the next freeze has version + 1.
 * - Before any valid value, `params()` has center NaN, so outputs are NaN.
 *
 * @example
 * ```ts
 * import { BaseScaler, MaxAbsScaler } from 'streamnorm';
 * const s = new MaxAbsScaler();
 * s instanceof BaseScaler; // => true
 * s.learn('12'); // => 'not-a-number'
 * s.learn(4); // => undefined
 * s.freeze().version; // => 1
 * s.phase; // => 'frozen'
 * ```
 */
export abstract class BaseScaler<Options extends CommonScalerOptions, Stats extends Statistic<State>, State> {
  abstract readonly kind: ScalerKind;
  /** Statistics of the current window. */
  stats: Stats;
  /**
   * Counts of refused values per reason. The record is made at the first refusal or the first read
   * of this property: a scaler that has refused nothing holds none (64 bytes of a fitting
   * `StandardScaler`'s 376, measured). The library itself reads the counts through
   * {@link BaseScaler.invalidCounts}, which makes no record.
   */
  get invalid(): InvalidCountsRecord {
    return (this.refused ??= emptyInvalidCounts());
  }
  set invalid(counts: InvalidCountsRecord) {
    this.refused = counts;
  }
  private refused: InvalidCountsRecord | undefined = undefined;

  /** A copy of the counts of refused values (zeros when none), without making the scaler keep a record. */
  invalidCounts(): InvalidCountsRecord {
    return this.refused === undefined ? emptyInvalidCounts() : { ...this.refused };
  }

  /** Refused values of one reason so far (no record is made). */
  private refusedOf(reason: InvalidReason): number {
    return this.refused === undefined ? 0 : this.refused[reason];
  }
  /** The frozen statistics, once frozen. */
  frozen: FrozenParams | undefined;
  /** Version of the latest frozen statistics (0 before the first freeze). */
  version = 0;
  readonly options: Required<Options>;

  /**
   * @param hasRange whether the kind has an output range of its own, so that `clip: true` means it.
   */
  protected constructor(options: Options, defaults: Required<Omit<Options, keyof CommonScalerOptions>>, hasRange = false) {
    const resolved = resolveScalerOptions(options, defaults, hasRange);
    this.options = resolved;
    this.stats = this.newStats(resolved);
    this.moments = this.statsAreMoments ? undefined : new MeanVar();
  }

  /**
   * Builds empty statistics of the kind: a method, so that it lives on the class's prototype and
   * not in a field of every scaler (as did the function and the flag below before: 16 bytes of a
   * fitting `StandardScaler`, 312 → 296 measured).
   */
  protected abstract newStats(options: Required<Options>): Stats;

  /** Whether the statistics are a {@link MeanVar} themselves (standard), so no second one is kept. */
  private get statsAreMoments(): boolean {
    return this.stats instanceof MeanVar;
  }
  /**
   * Mean and variance of the values learned, kept beside the statistics of kinds whose statistics
   * are not moments, for `trainMean`/`trainStd`; undefined for the standard kind, and when a
   * restored state had none (then they are NaN until the next refit).
   */
  private moments: MeanVar | undefined;

  /** `fitting` until {@link BaseScaler.freeze}, then `frozen`. */
  get phase(): Phase {
    return this.frozen ? 'frozen' : 'fitting';
  }

  /** Valid values learned in the current window. */
  get count(): number {
    return this.stats.count;
  }

  /**
   * Learns one value if valid; returns undefined when learned, or the reason it was refused.
   * Throws if the scaler is frozen (call `refit()` first).
   */
  learn(value: unknown): InvalidReason | undefined {
    // A finite number goes straight on; the rest is classified out of line. A user's loop of
    // learn + transform then stays within V8's budget for inlining (counted in bytecode), without
    // which each value would be boxed on its way into a call.
    if (typeof value === 'number' && value - value === 0) return this.learnValid(value);
    return this.refuse(value);
  }

  /** Counts an invalid value (see {@link invalidReason}) and returns why; throws when frozen. */
  private refuse(value: unknown): InvalidReason {
    if (this.frozen) throw this.frozenError();
    const reason = invalidReason(value) as InvalidReason;
    this.invalid[reason]++;
    return reason;
  }

  /**
   * {@link BaseScaler.learn} for a value already known to be a finite number (the caller ran
   * `invalidReason`): only the pre-transform's domain is checked. Returns undefined when learned,
   * or `'out-of-domain'` (counted in `invalid`). Throws if the scaler is frozen.
   */
  learnValid(x: number): InvalidReason | undefined {
    if (this.frozen) throw this.frozenError();
    const pre = this.options.pre as PreTransform;
    const v = pre === 'none' ? x : preTransform(pre, x); // the test here keeps hot loops within V8's inlining budget
    if (v !== v) return this.refuseOutOfDomain();
    this.stats.update(v);
    this.moments?.update(v);
    return undefined;
  }

  /** Counts a value the pre-transform cannot take (out of line, as {@link BaseScaler.refuse}). */
  private refuseOutOfDomain(): 'out-of-domain' {
    this.invalid['out-of-domain']++;
    return 'out-of-domain';
  }

  private frozenError(): Error {
    return new Error(`${this.kind} scaler is frozen (version ${this.version}); call refit() to learn a new window`);
  }

  /** Learns every value of `values`; returns this. Invalid ones are counted in `invalid`. */
  learnMany(values: Iterable<unknown>): this {
    for (const v of values) this.learn(v);
    return this;
  }

  /** Statistics as they are now: the frozen ones when frozen, else provisional ones from the statistics so far. */
  params(): FrozenParams {
    return this.frozen ?? this.buildParams(this.version, false);
  }

  /**
   * Freezes the current statistics and returns them; idempotent while frozen. The new version is
   * `version` when given (it must be above the current one: a keyed store numbers versions so that
   * none is ever reused), else the current version + 1.
   */
  freeze(version?: number): FrozenParams {
    if (this.frozen) return this.frozen;
    if (version !== undefined && !(Number.isInteger(version) && version > this.version)) {
      throw new RangeError(`${this.kind} scaler: freeze(version) needs an integer above the current version ${this.version}, got ${String(version)}`);
    }
    this.version = version ?? this.version + 1;
    this.frozen = this.buildParams(this.version, true);
    return this.frozen;
  }

  /** Starts a new fitting window: statistics reset, version kept; the next freeze is version + 1. */
  refit(): this {
    this.frozen = undefined;
    this.stats = this.newStats(this.options);
    this.moments = this.statsAreMoments ? undefined : new MeanVar();
    return this;
  }

  /** Normalizes one value (NaN stays NaN). */
  transform(x: number): number {
    return applyFrozen(this.params(), x);
  }

  /** Maps a normalized value back to the raw scale. */
  inverse(y: number): number {
    return invertFrozen(this.params(), y);
  }

  /**
   * Merges another scaler's fitting statistics and invalid counts into this one. Refuses another
   * kind or other options (a log scaler's statistics are of other numbers than a plain one's).
   */
  merge(other: this): this {
    if (other.kind !== this.kind) throw new TypeError(`cannot merge a ${other.kind} scaler into a ${this.kind} scaler`);
    if (other.options !== this.options && JSON.stringify(other.options) !== JSON.stringify(this.options)) {
      throw new TypeError(`cannot merge ${this.kind} scalers with different options: ${JSON.stringify(other.options)} into ${JSON.stringify(this.options)}`);
    }
    if (this.frozen) throw new Error(`${this.kind} scaler is frozen; merge into a fitting scaler`);
    this.stats.merge(other.stats);
    if (this.moments && other.moments) this.moments.merge(other.moments);
    else if (!this.statsAreMoments) this.moments = undefined; // unknown on one side: unknown
    if (other.refused !== undefined) for (const r of INVALID_REASONS) this.invalid[r] += other.refused[r];
    return this;
  }

  /** Builds parameters from the statistics; `immutable` (frozen statistics) deep-freezes them. */
  protected buildParams(version: number, immutable: boolean): FrozenParams {
    const fit = this.fit();
    const zero = isZeroSpread(fit.spread, fit.location ?? fit.center);
    // A zero spread is replaced by 1 before the gain, as scikit-learn's _handle_zeros_in_scale does.
    const scale = fit.map ? 1 : (zero ? 1 : fit.spread) / (fit.gain ?? 1);
    const invScale = zero && this.options.zeroSpread === 'nan' ? NaN : 1 / scale;
    const option = this.options.clip;
    const clip = Array.isArray(option) ? option : option === true ? fit.clip : undefined;
    const moments = this.statsAreMoments ? (this.stats as unknown as MeanVar) : this.moments;
    const params: FrozenParams = {
      kind: this.kind,
      pre: this.options.pre as PreTransform,
      center: fit.center,
      scale,
      invScale,
      offset: fit.offset ?? 0,
      clip: clip ? [clip[0], clip[1]] : undefined,
      zeroSpread: zero && this.count > 0,
      count: this.count,
      missing: this.refusedOf('nan') + this.refusedOf('null'),
      version,
      trainMean: moments ? moments.mean : NaN,
      trainStd: moments ? Math.sqrt(moments.variance()) : NaN,
      ...(fit.map ? { quantileMap: fit.map } : {}),
    };
    if (immutable) {
      if (params.clip) Object.freeze(params.clip);
      Object.freeze(params);
    }
    return params;
  }

  /** The moments kept beside the statistics (see `trainMean`), for a snapshot; undefined when none. */
  momentsState(): MeanVarState | undefined {
    return this.moments?.toState();
  }

  /** Restores {@link BaseScaler.momentsState}'s output; undefined leaves the moments unknown. */
  restoreMoments(state: MeanVarState | undefined): void {
    if (this.statsAreMoments) return;
    this.moments = state === undefined ? undefined : MeanVar.fromState(state);
  }

  /** The statistics' state, for a snapshot. */
  statsState(): State {
    return this.stats.toState();
  }

  /** Replaces the statistics with ones restored from {@link BaseScaler.statsState}'s output (validated). */
  restoreStats(state: State): void {
    this.stats = this.statsFromState(state);
  }

  /** Location and spread from the current statistics. */
  protected abstract fit(): AffineFit;
  /** Statistics rebuilt from a saved state; throws a `RangeError` for a bad one. */
  protected abstract statsFromState(state: State): Stats;
}
