import { SCALER_KINDS } from '../scalers/create.js';
import type { FrozenParams, PreTransform, ScalerKind } from '../scalers/frozen.js';
import { quantileMapOf, type QuantileMap } from '../scalers/quantile-map.js';
import { fromJsonNumber, toJsonNumber, type JsonNumber } from '../json-number.js';
import { fail, isRecord } from './validate.js';

const PRE_TRANSFORMS: readonly PreTransform[] = ['none', 'log', 'log1p'];
const FROZEN_KEYS: readonly string[] = ['kind', 'pre', 'center', 'scale', 'invScale', 'offset', 'clip', 'zeroSpread', 'count', 'missing', 'version', 'trainMean', 'trainStd', 'quantileMap'];

/** {@link FrozenParams} as JSON carries them: the numbers that may not be finite as {@link JsonNumber}s. */
export type FrozenParamsJson = Omit<FrozenParams, 'center' | 'invScale' | 'clip' | 'trainMean' | 'trainStd' | 'quantileMap'> & {
  center: JsonNumber;
  invScale: JsonNumber;
  clip?: [number, number];
  trainMean?: JsonNumber;
  trainStd?: JsonNumber;
  quantileMap?: { quantiles: number[]; references: number[]; output: 'uniform' | 'normal' };
};

/**
 * The one writer of frozen statistics as JSON (snapshots, the stats topic): plain data, NaN and
 * ±Infinity as {@link JsonNumber} strings, `clip` absent when there is none. {@link readFrozenParams}
 * reads it back exactly. (Internal: not exported from the package.)
 */
export function frozenParamsToJson(p: FrozenParams): FrozenParamsJson {
  const { clip, quantileMap, trainMean, trainStd, center, invScale, ...rest } = p;
  const out: FrozenParamsJson = { ...rest, center: toJsonNumber(center), invScale: toJsonNumber(invScale) };
  if (clip !== undefined) out.clip = [clip[0], clip[1]];
  if (trainMean !== undefined) out.trainMean = toJsonNumber(trainMean);
  if (trainStd !== undefined) out.trainStd = toJsonNumber(trainStd);
  if (quantileMap !== undefined) out.quantileMap = { quantiles: quantileMap.quantiles.slice(), references: quantileMap.references.slice(), output: quantileMap.output };
  return out;
}

/** What a frozen-statistics document must agree with: the series' scaler kind, pre-transform and version. */
export interface FrozenExpectation {
  kind?: ScalerKind;
  pre?: PreTransform;
  version?: number;
  /** The quantile kind's output distribution its spec names. */
  quantileOutput?: 'uniform' | 'normal';
}

/**
 * The one validator of frozen statistics read from outside (snapshots, the MQTT stats topic): every
 * field present and of its type, `scale > 0` and finite, `invScale` equal to `1 / scale` (or NaN
 * with a zero spread under the `nan` policy), `clip` an ordered pair, counts whole numbers, and
 * kind, pre-transform and version equal to what the series says; the quantile kind's map (its
 * `center` is NaN), the training moments (`trainMean`, `trainStd`: a number, or NaN when unknown).
 * Throws an `Error` naming the field (prefixed by `where`); returns deeply frozen parameters. A
 * missing `missing` (0.1 documents) reads 0. Numbers that may be NaN are {@link JsonNumber}s ("NaN");
 * `null`, as 0.1 wrote NaN, reads NaN there too. (Internal: not exported from the package.)
 */
export function readFrozenParams(value: unknown, where: string, expect: FrozenExpectation = {}): FrozenParams {
  if (!isRecord(value)) fail(where, 'must be an object');
  for (const key of Object.keys(value)) if (!FROZEN_KEYS.includes(key)) fail(`${where}.${key}`, `is not a field of frozen statistics (expected ${FROZEN_KEYS.join(', ')})`);
  const num = (key: string): number => {
    const v = value[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where}.${key}`, `must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  };
  const whole = (key: string, min: number, fallback?: number): number => {
    const v = value[key] ?? fallback;
    if (!Number.isInteger(v) || (v as number) < min) fail(`${where}.${key}`, `must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const kind = value.kind as ScalerKind;
  if (!SCALER_KINDS.includes(kind)) fail(`${where}.kind`, `must be one of ${SCALER_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  if (expect.kind !== undefined && kind !== expect.kind) fail(`${where}.kind`, `is ${JSON.stringify(kind)} but the series' scaler is ${JSON.stringify(expect.kind)}`);
  const pre = value.pre as PreTransform;
  if (!PRE_TRANSFORMS.includes(pre)) fail(`${where}.pre`, `must be one of ${PRE_TRANSFORMS.join(', ')}, got ${JSON.stringify(pre)}`);
  if (expect.pre !== undefined && pre !== expect.pre) fail(`${where}.pre`, `is ${JSON.stringify(pre)} but the series' scaler has ${JSON.stringify(expect.pre)}`);
  let quantileMap: QuantileMap | undefined;
  if (kind === 'quantile') {
    const m = value.quantileMap;
    if (!isRecord(m)) fail(`${where}.quantileMap`, 'is required for the quantile kind');
    try {
      quantileMap = quantileMapOf(m.quantiles, m.references, m.output);
    } catch (e) {
      fail(`${where}.quantileMap`, (e as Error).message);
    }
    if (expect.quantileOutput !== undefined && quantileMap.output !== expect.quantileOutput) fail(`${where}.quantileMap.output`, `must be the spec's outputDistribution ${JSON.stringify(expect.quantileOutput)}`);
  }
  const center = quantileMap !== undefined && (value.center === null || Number.isNaN(fromJsonNumber(value.center))) ? NaN : num('center');
  const scale = num('scale');
  if (!(scale > 0)) fail(`${where}.scale`, `must be > 0, got ${scale}`);
  const zeroSpread = value.zeroSpread;
  if (typeof zeroSpread !== 'boolean') fail(`${where}.zeroSpread`, `must be true or false, got ${JSON.stringify(zeroSpread)}`);
  const rawInv = value.invScale;
  const invScale = rawInv === null ? NaN : fromJsonNumber(rawInv);
  if (invScale === undefined) fail(`${where}.invScale`, `must be a number, got ${JSON.stringify(rawInv)}`);
  if (invScale !== invScale ? !zeroSpread : invScale !== 1 / scale) {
    fail(`${where}.invScale`, `must be 1 / scale (${1 / scale})${zeroSpread ? ' or NaN' : ''}, got ${String(invScale)}`);
  }
  const offset = num('offset');
  const clip = value.clip;
  let clipPair: readonly [number, number] | undefined;
  if (clip !== undefined && clip !== null) {
    if (!(Array.isArray(clip) && clip.length === 2 && clip.every((c) => typeof c === 'number' && Number.isFinite(c)) && (clip[0] as number) <= (clip[1] as number))) {
      fail(`${where}.clip`, `must be [lo, hi] with lo <= hi, or absent, got ${JSON.stringify(clip)}`);
    }
    clipPair = Object.freeze([clip[0] as number, clip[1] as number] as const);
  }
  const count = whole('count', 0);
  const missing = whole('missing', 0, 0);
  const version = whole('version', 1);
  if (expect.version !== undefined && version !== expect.version) fail(`${where}.version`, `is ${version} but the series is at version ${expect.version}`);
  const moment = (key: 'trainMean' | 'trainStd'): number => {
    const v = value[key];
    if (v === undefined || v === null) return NaN;
    const x = fromJsonNumber(v);
    if (x === undefined) fail(`${where}.${key}`, `must be a number, "NaN" or null, got ${JSON.stringify(v)}`);
    return x;
  };
  const trainMean = moment('trainMean');
  const trainStd = moment('trainStd');
  return Object.freeze({ kind, pre, center, scale, invScale, offset, clip: clipPair, zeroSpread, count, missing, version, trainMean, trainStd, ...(quantileMap === undefined ? {} : { quantileMap }) });
}
