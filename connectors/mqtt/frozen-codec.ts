import type { FrozenParams } from '../../src/scalers/frozen.js';
import { readFrozenParams } from '../../src/state/frozen-params.js';

/** The format tag of retained frozen-statistics messages. */
export const FROZEN_STATS_FORMAT = 'streamnorm.frozen/1';

/** One series' frozen statistics, as published and read back. */
export interface SeriesParams {
  series: string;
  params: FrozenParams;
}

const NUMBER_FIELDS = ['center', 'scale', 'invScale', 'offset', 'count', 'missing', 'version', 'trainMean', 'trainStd'] as const;

function num(x: number): number | string {
  return Number.isFinite(x) ? x : x !== x ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

function unnum(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  return x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : undefined;
}

/**
 * Encodes frozen statistics as the JSON of a retained stats message:
 * `{ format: 'streamnorm.frozen/1', series, params }`. Non-finite numbers (an `invScale` of NaN
 * under the `nan` zero-spread policy) are written as the strings `"NaN"`, `"Infinity"`,
 * `"-Infinity"`; `clip` is `null` when there is none. The training moments (`trainMean`,
 * `trainStd`) and the quantile kind's `quantileMap` go along.
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
      center: num(params.center),
      scale: num(params.scale),
      invScale: num(params.invScale),
      offset: num(params.offset),
      clip: params.clip === undefined ? null : [num(params.clip[0]), num(params.clip[1])],
      zeroSpread: params.zeroSpread,
      count: params.count,
      missing: params.missing,
      version: params.version,
      ...(params.trainMean === undefined ? {} : { trainMean: num(params.trainMean), trainStd: num(params.trainStd ?? NaN) }),
      ...(params.quantileMap === undefined ? {} : { quantileMap: params.quantileMap }),
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
  const doc = JSON.parse(text) as { format?: unknown; series?: unknown; params?: unknown } | null;
  if (doc === null || typeof doc !== 'object' || doc.format !== FROZEN_STATS_FORMAT) {
    throw new Error(`not a ${FROZEN_STATS_FORMAT} message`);
  }
  if (typeof doc.series !== 'string') throw new Error('stats message: series is not a string');
  const p = doc.params;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new Error('stats message: params missing');
  const decoded: Record<string, unknown> = { ...(p as Record<string, unknown>) };
  for (const f of NUMBER_FIELDS) decoded[f] = unnum(decoded[f]) ?? decoded[f];
  if (Array.isArray(decoded.clip)) decoded.clip = decoded.clip.map((c: unknown) => unnum(c) ?? c);
  return { series: doc.series, params: readFrozenParams(decoded, 'stats message: params') };
}
