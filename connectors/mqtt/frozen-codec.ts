import type { FrozenParams } from '../../src/scalers/frozen.js';
import { frozenParamsToJson, readFrozenParams } from '../../src/state/frozen-params.js';

/** The format tag of retained frozen-statistics messages. */
export const FROZEN_STATS_FORMAT = 'streamnorm.frozen/1';

/** One series' frozen statistics, as published and read back. */
export interface SeriesParams {
  series: string;
  params: FrozenParams;
  /** The versions the series served before, oldest first (the store keeps `keepVersions − 1`); absent when none. */
  history?: readonly FrozenParams[];
}

/**
 * Encodes frozen statistics as the JSON of a retained stats message:
 * `{ format: 'streamnorm.frozen/1', series, params }`, the params written as snapshots write them:
 * non-finite numbers (an `invScale` of NaN under the `nan` zero-spread policy) as the strings
 * `"NaN"`, `"Infinity"`, `"-Infinity"` (see `toJsonNumber`), no `clip` when there is none, the
 * training moments (`trainMean`, `trainStd`) and the quantile kind's `quantileMap` along; with
 * `history`, the versions served before (so a reader can invert outputs of an older version).
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
export function encodeFrozenStats(series: string, params: FrozenParams, history?: readonly FrozenParams[]): string {
  const doc = { format: FROZEN_STATS_FORMAT, series, params: frozenParamsToJson(params) };
  return JSON.stringify(history === undefined || history.length === 0 ? doc : { ...doc, history: history.map(frozenParamsToJson) });
}

/**
 * Decodes a retained stats message into frozen (immutable) statistics, checked by the same
 * validator as snapshots (a scale ≤ 0, an `invScale` that is not `1 / scale`, a quantile kind
 * without its map are refused). Throws an Error naming the first bad field, so a reader can count
 * it instead of serving wrong numbers. Messages of streamnorm 0.1 (no `missing`, `clip: null`)
 * are read as they are.
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
  const doc = JSON.parse(text) as { format?: unknown; series?: unknown; params?: unknown; history?: unknown } | null;
  if (doc === null || typeof doc !== 'object' || doc.format !== FROZEN_STATS_FORMAT) {
    throw new Error(`not a ${FROZEN_STATS_FORMAT} message`);
  }
  if (typeof doc.series !== 'string') throw new Error('stats message: series is not a string');
  if (doc.params === undefined || doc.params === null) throw new Error('stats message: params missing');
  const params = readFrozenParams(doc.params, 'stats message: params');
  if (doc.history === undefined) return { series: doc.series, params };
  if (!Array.isArray(doc.history)) throw new Error('stats message: history must be a list of frozen statistics');
  const history = doc.history.map((h, i) => readFrozenParams(h, `stats message: history[${i}]`, { kind: params.kind }));
  if (history.some((h) => h.version >= params.version)) throw new Error(`stats message: history must hold versions below ${params.version}`);
  return { series: doc.series, params, history };
}
