/**
 * streamnorm core: statistics and scalers as plain classes and functions. No RxJS, no I/O:
 * usable in a worker thread, a browser or any runtime.
 *
 * @packageDocumentation
 */
export { invalidReason, emptyInvalidCounts, totalInvalid, addInvalidCounts, INVALID_REASONS } from './values.js';
export type { InvalidReason, InvalidCountsRecord } from './values.js';
export { toJsonNumber, fromJsonNumber } from './json-number.js';
export type { JsonNumber } from './json-number.js';

export { MeanVar } from './stats/mean-var.js';
export type { MeanVarState } from './stats/mean-var.js';
export { Extrema } from './stats/extrema.js';
export type { ExtremaState } from './stats/extrema.js';
export { ExpMoments } from './stats/exp-moments.js';
export type { ExpMomentsOptions } from './stats/exp-moments.js';
export { sortedQuantile } from './stats/quantile-exact.js';
export { KllSketch } from './stats/kll.js';
export type { KllState } from './stats/kll.js';
export { Quantiles } from './stats/quantiles.js';
export type { QuantilesOptions, QuantilesState } from './stats/quantiles.js';
export { normalPpf, erfc } from './stats/normal-ppf.js';

export { applyFrozen, invertFrozen, isZeroSpread } from './scalers/frozen.js';
export type { FrozenParams, ScalerKind, PreTransform, ZeroSpreadPolicy } from './scalers/frozen.js';
export { BaseScaler } from './scalers/base.js';
export type { CommonScalerOptions, AffineFit, Phase } from './scalers/base.js';
export { StandardScaler } from './scalers/standard.js';
export type { StandardOptions } from './scalers/standard.js';
export { MinMaxScaler } from './scalers/minmax.js';
export type { MinMaxOptions } from './scalers/minmax.js';
export { MaxAbsScaler } from './scalers/maxabs.js';
export type { MaxAbsOptions } from './scalers/maxabs.js';
export { RobustScaler } from './scalers/robust.js';
export type { RobustOptions } from './scalers/robust.js';
export { createScaler, specOf, SCALER_KINDS } from './scalers/create.js';
export type { Scaler, ScalerSpec } from './scalers/create.js';
export { KeyedScalers } from './scalers/keyed.js';

export { saveScaler, restoreScaler, SCALER_STATE_VERSION } from './state/scaler-state.js';
export type { ScalerState } from './state/scaler-state.js';
export { saveSnapshot, restoreSnapshot, SNAPSHOT_VERSION } from './state/snapshot.js';
export type { Snapshot } from './state/snapshot.js';
export { toSklearn, fromSklearn, fromSklearnFeatures } from './state/sklearn.js';
export type { SklearnAttributes, ScalerOptionsOf } from './state/sklearn.js';

export { BatchNormStats } from './batchnorm.js';
export type { BatchNormOptions, BatchNormState } from './batchnorm.js';

export type { Reading, Normalized, OutputPhase, OutputFlag } from './reading.js';
