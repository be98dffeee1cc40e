import type { ExtremaState } from '../stats/extrema.js';
import type { MeanVarState } from '../stats/mean-var.js';
import { createScaler, specOf, type Scaler, type ScalerSpec } from '../scalers/create.js';
import type { FrozenParams } from '../scalers/frozen.js';
import type { QuantileStatsState } from '../scalers/quantile.js';
import { INVALID_REASONS, emptyInvalidCounts, type InvalidCountsRecord } from '../values.js';
import { frozenParamsToJson, readFrozenParams, type FrozenParamsJson } from './frozen-params.js';
import { fail, isRecord } from './validate.js';

/** Schema version of {@link ScalerState}; bumped on incompatible changes. */
export const SCALER_STATE_VERSION = 1;

/**
 * The saved state of one scaler: a versioned JSON document. Restoring it with
 * {@link restoreScaler} gives bit-identical outputs.
 */
export interface ScalerState {
  schema: 'streamnorm/scaler';
  schemaVersion: number;
  spec: ScalerSpec;
  phase: 'fitting' | 'frozen';
  /** Version of the latest frozen statistics (0 before the first freeze). */
  version: number;
  invalid: InvalidCountsRecord;
  /** Fitting statistics of the current window. */
  stats: MeanVarState | ExtremaState | QuantileStatsState;
  /** Mean and variance of the window kept beside statistics that are not moments (`trainMean`); absent when unknown. */
  moments?: MeanVarState;
  /** The frozen statistics, when frozen (numbers that may not be finite as {@link JsonNumber}s). */
  frozen?: FrozenParamsJson;
}

/**
 * Saves a scaler's complete state as plain JSON-safe data.
 *
 * @example
 * ```ts
 * import { StandardScaler, saveScaler, restoreScaler } from 'streamnorm';
 * const s = new StandardScaler().learnMany([1, 2, 3]);
 * s.freeze();
 * const copy = restoreScaler(JSON.parse(JSON.stringify(saveScaler(s))));
 * copy.transform(4) === s.transform(4); // => true
 * copy.phase; // => 'frozen'
 * ```
 */
export function saveScaler(scaler: Scaler): ScalerState {
  const state: ScalerState = {
    schema: 'streamnorm/scaler',
    schemaVersion: SCALER_STATE_VERSION,
    spec: specOf(scaler),
    phase: scaler.phase,
    version: scaler.version,
    invalid: scaler.invalidCounts(),
    stats: scaler.statsState(),
  };
  const moments = scaler.momentsState();
  if (moments) state.moments = moments;
  if (scaler.frozen) state.frozen = frozenParamsToJson(scaler.frozen);
  return state;
}

/**
 * Restores a scaler from {@link saveScaler}'s output. Refuses a wrong schema or version, missing
 * fields, negative counts or variance, and frozen parameters that are not finite, with an `Error`
 * that names the field (prefixed by `where`).
 *
 * @example
 * ```ts
 * import { restoreScaler } from 'streamnorm';
 * let message = '';
 * try {
 *   restoreScaler({ schema: 'streamnorm/scaler', schemaVersion: 7 });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * message; // => 'scaler state.schemaVersion must be 1, got 7'
 * ```
 */
export function restoreScaler(state: unknown, where = 'scaler state'): Scaler {
  if (!isRecord(state)) fail(where, 'must be an object');
  if (state.schema !== 'streamnorm/scaler') fail(`${where}.schema`, `must be "streamnorm/scaler", got ${JSON.stringify(state.schema)}`);
  if (state.schemaVersion !== SCALER_STATE_VERSION) fail(`${where}.schemaVersion`, `must be ${SCALER_STATE_VERSION}, got ${JSON.stringify(state.schemaVersion)}`);
  if (!isRecord(state.spec)) fail(`${where}.spec`, 'must be an object with a kind');
  let scaler: Scaler;
  try {
    scaler = createScaler(state.spec as unknown as ScalerSpec);
  } catch (e) {
    fail(`${where}.spec`, (e as Error).message);
  }
  if (!Number.isInteger(state.version) || (state.version as number) < 0) fail(`${where}.version`, 'must be a non-negative integer');
  scaler.version = state.version as number;
  scaler.invalid = readInvalid(state.invalid, `${where}.invalid`);
  if (!isRecord(state.stats)) fail(`${where}.stats`, 'must be an object');
  try {
    // Each scaler validates its own statistics shape.
    (scaler as { restoreStats(s: unknown): void }).restoreStats(state.stats);
  } catch (e) {
    fail(`${where}.stats`, (e as Error).message);
  }
  if (state.moments !== undefined) {
    if (!isRecord(state.moments)) fail(`${where}.moments`, 'must be an object');
    try {
      scaler.restoreMoments(state.moments as unknown as MeanVarState);
    } catch (e) {
      fail(`${where}.moments`, (e as Error).message);
    }
  } else {
    scaler.restoreMoments(undefined);
  }
  if (state.phase === 'frozen') {
    scaler.frozen = readFrozen(state.frozen, scaler, `${where}.frozen`);
  } else if (state.phase !== 'fitting') {
    fail(`${where}.phase`, `must be "fitting" or "frozen", got ${JSON.stringify(state.phase)}`);
  }
  return scaler;
}

function readInvalid(value: unknown, where: string): InvalidCountsRecord {
  const counts = emptyInvalidCounts();
  if (value === undefined) return counts;
  if (!isRecord(value)) fail(where, 'must be an object of counts');
  for (const reason of INVALID_REASONS) {
    const n = value[reason] ?? 0;
    if (!Number.isInteger(n) || (n as number) < 0) fail(`${where}.${reason}`, 'must be a non-negative integer');
    counts[reason] = n as number;
  }
  return counts;
}

function readFrozen(value: unknown, scaler: Scaler, where: string): FrozenParams {
  if (value === undefined) fail(where, 'is required when phase is "frozen"');
  const quantileOutput = scaler.kind === 'quantile' ? scaler.options.outputDistribution : undefined;
  return readFrozenParams(value, where, { kind: scaler.kind, pre: scaler.options.pre, version: scaler.version, ...(quantileOutput === undefined ? {} : { quantileOutput }) });
}

