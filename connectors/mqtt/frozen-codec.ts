import type { FrozenParams } from '../../src/scalers/frozen.js';
import { SCALER_KINDS } from '../../src/scalers/create.js';
import { fromJsonNumber, toJsonNumber } from '../../src/json-number.js';

/** The format tag of retained frozen-statistics messages. */
export const FROZEN_STATS_FORMAT = 'streamnorm.frozen/1';

/** One series' frozen statistics, as published and read back. */
export interface SeriesParams {
  series: string;
  params: FrozenParams;
}

const NUMBER_FIELDS = ['center', 'scale', 'invScale', 'offset', 'count', 'version'] as const;

/**
 * Encodes frozen statistics as the JSON of a retained stats message:
 * `{ format: 'streamnorm.frozen/1', series, params }`. Non-finite numbers (an `invScale` of NaN
 * under the `nan` zero-spread policy) are written as the strings `"NaN"`, `"Infinity"`,
 * `"-Infinity"`, as everywhere streamnorm writes JSON (see `toJsonNumber`); `clip` is `null` when
 * there is none.
 *
 * @example
 * ```ts
 * import { StandardScaler } from 'streamnorm';
 * import { decodeFrozenStats, encodeFrozenStats } from 'streamnorm/mqtt';
 * const params = new StandardScaler().learnMany([1, 2, 3]).freeze();
 * const back = decodeFrozenStats(encodeFrozenStats('s1/temp', params));
 * [back.series, back.params.center, back.params.version]; // => ['s1/temp', 2, 1]
 * ```
 */
export function encodeFrozenStats(series: string, params: FrozenParams): string {
  return JSON.stringify({
    format: FROZEN_STATS_FORMAT,
    series,
    params: {
      kind: params.kind,
      pre: params.pre,
      center: toJsonNumber(params.center),
      scale: toJsonNumber(params.scale),
      invScale: toJsonNumber(params.invScale),
      offset: toJsonNumber(params.offset),
      clip: params.clip === undefined ? null : [toJsonNumber(params.clip[0]), toJsonNumber(params.clip[1])],
      zeroSpread: params.zeroSpread,
      count: params.count,
      version: params.version,
    },
  });
}

/**
 * Decodes a retained stats message into frozen (immutable) statistics. Throws an Error naming
 * the first bad field, so a reader can count it instead of serving wrong numbers.
 *
 * @example
 * ```ts
 * import { decodeFrozenStats } from 'streamnorm/mqtt';
 * const text = '{"format":"streamnorm.frozen/1","series":"s","params":{"kind":"standard","pre":"none","center":2,"scale":1,"invScale":"NaN","offset":0,"clip":null,"zeroSpread":true,"count":3,"version":1}}';
 * const { series, params } = decodeFrozenStats(text);
 * [series, params.center, params.invScale, params.clip]; // => ['s', 2, NaN, undefined]
 * ```
 */
export function decodeFrozenStats(text: string): SeriesParams {
  const doc = JSON.parse(text) as { format?: unknown; series?: unknown; params?: Record<string, unknown> } | null;
  if (doc === null || typeof doc !== 'object' || doc.format !== FROZEN_STATS_FORMAT) {
    throw new Error(`not a ${FROZEN_STATS_FORMAT} message`);
  }
  if (typeof doc.series !== 'string') throw new Error('stats message: series is not a string');
  const p = doc.params;
  if (p === null || typeof p !== 'object') throw new Error('stats message: params missing');
  if (!SCALER_KINDS.includes(p.kind as never)) throw new Error(`stats message: unknown kind ${JSON.stringify(p.kind)}`);
  if (p.pre !== 'none' && p.pre !== 'log' && p.pre !== 'log1p') throw new Error(`stats message: unknown pre ${JSON.stringify(p.pre)}`);
  const numbers: Partial<Record<(typeof NUMBER_FIELDS)[number], number>> = {};
  for (const f of NUMBER_FIELDS) {
    const v = fromJsonNumber(p[f]);
    if (v === undefined) throw new Error(`stats message: ${f} is not a number`);
    numbers[f] = v;
  }
  let clip: readonly [number, number] | undefined;
  if (p.clip !== null && p.clip !== undefined) {
    const c = p.clip as unknown[];
    const lo = Array.isArray(c) && c.length === 2 ? fromJsonNumber(c[0]) : undefined;
    const hi = Array.isArray(c) && c.length === 2 ? fromJsonNumber(c[1]) : undefined;
    if (lo === undefined || hi === undefined) throw new Error('stats message: clip is not [low, high]');
    clip = Object.freeze([lo, hi] as const);
  }
  if (typeof p.zeroSpread !== 'boolean') throw new Error('stats message: zeroSpread is not a boolean');
  const params: FrozenParams = Object.freeze({
    kind: p.kind as FrozenParams['kind'],
    pre: p.pre,
    center: numbers.center as number,
    scale: numbers.scale as number,
    invScale: numbers.invScale as number,
    offset: numbers.offset as number,
    clip,
    zeroSpread: p.zeroSpread,
    count: numbers.count as number,
    version: numbers.version as number,
  });
  return { series: doc.series, params };
}
