import { refuseUnknownKeys } from '../options.js';
import type { ScalerKind } from './frozen.js';
import { MaxAbsScaler, type MaxAbsOptions } from './maxabs.js';
import { MinMaxScaler, type MinMaxOptions } from './minmax.js';
import { QuantileScaler, type QuantileOptions } from './quantile.js';
import { RobustScaler, type RobustOptions } from './robust.js';
import { StandardScaler, type StandardOptions } from './standard.js';

/** Any scaler of the core. */
export type Scaler = StandardScaler | MinMaxScaler | MaxAbsScaler | RobustScaler | QuantileScaler;

/** A scaler kind with its options: the serializable description of how to build a scaler. */
export type ScalerSpec =
  | ({ kind: 'standard' } & StandardOptions)
  | ({ kind: 'minmax' } & MinMaxOptions)
  | ({ kind: 'maxabs' } & MaxAbsOptions)
  | ({ kind: 'robust' } & RobustOptions)
  | ({ kind: 'quantile' } & QuantileOptions);

/** The options part of recent specs, by content, frozen: scalers built from one spec share them. */
const OPTIONS_OF = new Map<string, object>();

/** The option keys of each kind's spec (with `kind`). */
const SPEC_KEYS: Record<ScalerKind, readonly string[]> = {
  standard: ['kind', 'pre', 'zeroSpread', 'clip', 'withMean', 'withStd'],
  minmax: ['kind', 'pre', 'zeroSpread', 'clip', 'featureRange'],
  maxabs: ['kind', 'pre', 'zeroSpread', 'clip'],
  robust: ['kind', 'pre', 'zeroSpread', 'clip', 'quantileRange', 'withCentering', 'withScaling', 'unitVariance', 'exactLimit', 'sketchK'],
  quantile: ['kind', 'pre', 'zeroSpread', 'clip', 'nQuantiles', 'outputDistribution', 'exactLimit', 'sketchK'],
};

/** Every scaler kind. */
export const SCALER_KINDS: readonly ScalerKind[] = ['standard', 'minmax', 'maxabs', 'robust', 'quantile'];

/**
 * Builds a scaler from a {@link ScalerSpec}; throws a `RangeError` naming the kinds for an unknown kind,
 * and naming the key for an option the kind does not have.
 *
 * @example
 * ```ts
 * import { createScaler } from 'streamnorm';
 * const s = createScaler({ kind: 'minmax', featureRange: [0, 10] });
 * s.learnMany([0, 5]).transform(5); // => 10
 * ```
 */
export function createScaler(spec: ScalerSpec): Scaler {
  const { kind } = spec;
  const key = JSON.stringify(spec);
  let options = OPTIONS_OF.get(key);
  if (options === undefined) {
    if (SPEC_KEYS[kind] !== undefined) refuseUnknownKeys(spec, SPEC_KEYS[kind], `${kind} scaler spec`);
    const { kind: _kind, ...rest } = spec;
    options = Object.freeze(rest);
    if (OPTIONS_OF.size >= 256) OPTIONS_OF.clear(); // bounded: specs made per series do not pile up
    OPTIONS_OF.set(key, options);
  }
  switch (kind) {
    case 'standard':
      return new StandardScaler(options as StandardOptions);
    case 'minmax':
      return new MinMaxScaler(options as MinMaxOptions);
    case 'maxabs':
      return new MaxAbsScaler(options as MaxAbsOptions);
    case 'robust':
      return new RobustScaler(options as RobustOptions);
    case 'quantile':
      return new QuantileScaler(options as QuantileOptions);
    default:
      throw new RangeError(`unknown scaler kind ${JSON.stringify(kind)}; expected one of ${SCALER_KINDS.join(', ')}`);
  }
}

/**
 * The spec (kind and options, defaults filled in) that rebuilds a scaler like `scaler`, without
 * its statistics.
 *
 * @example
 * ```ts
 * import { RobustScaler, specOf } from 'streamnorm';
 * specOf(new RobustScaler({ quantileRange: [10, 90] })).quantileRange; // => [10, 90]
 * ```
 */
export function specOf(scaler: Scaler): ScalerSpec {
  return { kind: scaler.kind, ...scaler.options } as ScalerSpec;
}
