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
export type { ExpMomentsOptions, ExpMomentsState } from './stats/exp-moments.js';
export { sortedQuantile } from './stats/quantile-exact.js';
export { KllSketch } from './stats/kll.js';
export type { KllState } from './stats/kll.js';
export { Quantiles } from './stats/quantiles.js';
export type { QuantilesOptions, QuantilesState } from './stats/quantiles.js';
export { normalPpf } from './stats/normal-ppf.js';

export { applyFrozen, invertFrozen, isZeroSpread, wasClipped } from './scalers/frozen.js';
export type { FrozenParams, ScalerKind, PreTransform, ZeroSpreadPolicy } from './scalers/frozen.js';
export { BaseScaler } from './scalers/base.js';
export type { AffineFit, Phase } from './scalers/base.js';
export type { CommonScalerOptions } from './scalers/scaler-options.js';
export { StandardScaler } from './scalers/standard.js';
export type { StandardOptions } from './scalers/standard.js';
export { MinMaxScaler } from './scalers/minmax.js';
export type { MinMaxOptions } from './scalers/minmax.js';
export { MaxAbsScaler } from './scalers/maxabs.js';
export type { MaxAbsOptions } from './scalers/maxabs.js';
export { RobustScaler } from './scalers/robust.js';
export type { RobustOptions } from './scalers/robust.js';
export { QuantileScaler } from './scalers/quantile.js';
export type { QuantileOptions, QuantileStatsState } from './scalers/quantile.js';
export type { QuantileMap } from './scalers/quantile-map.js';
export { createScaler, specOf, SCALER_KINDS } from './scalers/create.js';
export type { Scaler, ScalerSpec } from './scalers/create.js';
export { KeyedScalers } from './scalers/keyed.js';

export { saveScaler, restoreScaler, SCALER_STATE_VERSION } from './state/scaler-state.js';
export type { ScalerState } from './state/scaler-state.js';
export { saveSnapshot, readSnapshot, restoreSnapshot, SNAPSHOT_VERSION } from './state/snapshot.js';
export type { Snapshot, SnapshotContent, SeriesState, FitWindow, RestoredSnapshot, RestoredSeries } from './state/snapshot.js';
export { saveRunning, restoreRunning, RUNNING_STATE_VERSION } from './state/running-state.js';
export type { RunningState, RunningStats } from './state/running-state.js';
export { toSklearn, frozenToSklearn, fromSklearn, fromSklearnFeatures } from './state/sklearn.js';
export type { SklearnAttributes, ScalerOptionsOf } from './state/sklearn.js';

export { cusumStep, siegmundArl, cusumArl, CUSUM_DEFAULTS } from './drift/cusum.js';
export type { CusumOptions } from './drift/cusum.js';
export { psi, psiBins, psiBin, PSI_FLOOR, PSI_MODERATE, PSI_MAJOR } from './drift/psi.js';
export type { PsiBins } from './drift/psi.js';
export { driftStandard } from './drift/standardize.js';

export { BatchNormStats } from './batchnorm.js';
export type { BatchNormOptions, BatchNormState } from './batchnorm.js';

export { PerSampleNorm } from './per-sample/layer-norm.js';
export type { PerSampleNormOptions } from './per-sample/layer-norm.js';

export type { Reading, Normalized, OutputPhase, OutputFlag } from './reading.js';
