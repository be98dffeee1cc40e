import type { FrozenParams } from '../../src/scalers/frozen.js';
import { SCALER_KINDS } from '../../src/scalers/create.js';
import { quantileMapOf } from '../../src/scalers/quantile-map.js';

/** The format tag of retained frozen-statistics messages. */
export const FROZEN_STATS_FORMAT = 'streamnorm.frozen/1';

/** One series' frozen statistics, as published and read back. */
export interface SeriesParams {
  series: string;
  params: FrozenParams;
}

const NUMBER_FIELDS = ['center', 'scale', 'invScale', 'offset', 'count', 'version'] as const;

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
    const v = unnum(p[f]);
    if (v === undefined) throw new Error(`stats message: ${f} is not a number`);
    numbers[f] = v;
  }
  let clip: readonly [number, number] | undefined;
  if (p.clip !== null && p.clip !== undefined) {
    const c = p.clip as unknown[];
    const lo = Array.isArray(c) && c.length === 2 ? unnum(c[0]) : undefined;
    const hi = Array.isArray(c) && c.length === 2 ? unnum(c[1]) : undefined;
    if (lo === undefined || hi === undefined) throw new Error('stats message: clip is not [low, high]');
    clip = Object.freeze([lo, hi] as const);
  }
  if (typeof p.zeroSpread !== 'boolean') throw new Error('stats message: zeroSpread is not a boolean');
  // the training moments (absent in messages of older versions) and the quantile kind's map
  const train: { trainMean?: number; trainStd?: number } = {};
  for (const f of ['trainMean', 'trainStd'] as const) {
    if (p[f] === undefined) continue;
    const v = unnum(p[f]);
    if (v === undefined) throw new Error(`stats message: ${f} is not a number`);
    train[f] = v;
  }
  let quantileMap: FrozenParams['quantileMap'];
  if (p.kind === 'quantile') {
    const m = p.quantileMap as Record<string, unknown> | null | undefined;
    if (m === null || typeof m !== 'object') throw new Error('stats message: quantileMap is required for the quantile kind');
    try {
      quantileMap = quantileMapOf(m.quantiles, m.references, m.output);
    } catch (e) {
      throw new Error(`stats message: quantileMap ${(e as Error).message}`);
    }
  }
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
    ...train,
    ...(quantileMap === undefined ? {} : { quantileMap }),
  });
  return { series: doc.series, params };
}
