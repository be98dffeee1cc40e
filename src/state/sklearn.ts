import { Extrema } from '../stats/extrema.js';
import { MeanVar } from '../stats/mean-var.js';
import { createScaler, specOf, type Scaler, type ScalerSpec } from '../scalers/create.js';
import { isZeroSpread, type FrozenParams, type ScalerKind } from '../scalers/frozen.js';
import { NORMAL_HIGH, NORMAL_LOW, quantileMapMoments, quantileMapOf, type QuantileMap } from '../scalers/quantile-map.js';
import { fail, isRecord } from './validate.js';

/**
 * scikit-learn's fitted attributes of one feature, by their Python names (`mean_`, `var_`,
 * `scale_`, `n_samples_seen_`, `data_min_`, `data_max_`, `data_range_`, `min_`, `max_abs_`,
 * `center_`), as scalars; arrays of length 1 are accepted too. `null` stands for Python's `None`.
 * The quantile kind's `quantiles_` and `references_` are arrays (`quantiles_` flat, or its
 * (n_quantiles, 1) shape), with `n_quantiles_`.
 */
export type SklearnAttributes = Record<string, number | null | readonly (number | null | readonly number[])[] | undefined>;

/**
 * Exports a scaler's statistics under scikit-learn's attribute names, for one feature, so that
 * `setattr(scaler, name, np.array([value]))` in Python reproduces it.
 *
 * Semantics: a frozen scaler exports its frozen statistics (see {@link frozenToSklearn}), a fitting
 * one its statistics so far. `scale_` is the divisor scikit-learn uses (its min-max `scale_` is a
 * multiplier, as in scikit-learn); a zero spread exports scale 1 as scikit-learn would.
 * `n_samples_seen_` follows scikit-learn per kind: `StandardScaler` counts valid values,
 * `MinMaxScaler` and `MaxAbsScaler` count rows, missing values (NaN, null) included. The quantile
 * kind exports `quantiles_` and `references_` as flat arrays (in Python
 * `np.array(v).reshape(-1, 1)` for `quantiles_`) and `n_quantiles_`; empty arrays before any value.
 *
 * @example
 * ```ts
 * import { StandardScaler, toSklearn } from 'streamnorm';
 * const s = new StandardScaler().learnMany([1, 2, 3, 4]);
 * toSklearn(s); // => { mean_: 2.5, var_: 1.25, scale_: 1.118033988749895, n_samples_seen_: 4 }
 * ```
 */
export function toSklearn(scaler: Scaler): Record<string, number | null | number[]> {
  if (scaler.frozen) return frozenToSklearn(scaler.frozen, specOf(scaler));
  const p = scaler.params();
  const invalid = scaler.invalidCounts();
  const rows = scaler.count + invalid.nan + invalid.null;
  switch (scaler.kind) {
    case 'standard': {
      const { withMean, withStd } = scaler.options;
      const stats = scaler.stats;
      return {
        mean_: withMean || withStd ? stats.mean : null,
        var_: withStd ? stats.variance() : null,
        scale_: withStd ? p.scale : null,
        n_samples_seen_: stats.count,
      };
    }
    case 'minmax': {
      const [lo] = scaler.options.featureRange;
      const multiplier = p.invScale;
      return {
        data_min_: p.center,
        data_max_: scaler.stats.count ? scaler.stats.max : NaN,
        data_range_: scaler.stats.count ? scaler.stats.max - scaler.stats.min : NaN,
        scale_: multiplier,
        min_: lo - p.center * multiplier,
        n_samples_seen_: rows,
      };
    }
    case 'maxabs':
      return { max_abs_: scaler.stats.maxAbs, scale_: p.scale, n_samples_seen_: rows };
    case 'robust':
      return { center_: scaler.options.withCentering ? p.center : null, scale_: scaler.options.withScaling ? p.scale : null };
    case 'quantile': {
      const m = p.quantileMap;
      return { quantiles_: m ? m.quantiles.slice() : [], references_: m ? m.references.slice() : [], n_quantiles_: m ? m.quantiles.length : 0 };
    }
  }
}

/**
 * scikit-learn's attributes of frozen statistics (of a scaler built from `spec`): what a store
 * keeps of a frozen series is enough to export it.
 *
 * The frozen statistics keep the scale, not the variance: `var_` is `scale_²` (within an ulp of the
 * variance the scale came from; 0 for a zero spread) and min-max's `data_range_` is the scale times
 * the feature range's width. With `withMean: false` the mean is not kept, so `mean_` is null.
 *
 * @example
 * ```ts
 * import { StandardScaler, frozenToSklearn } from 'streamnorm';
 * const frozen = new StandardScaler().learnMany([1, 3]).freeze();
 * frozenToSklearn(frozen, { kind: 'standard' }); // => { mean_: 2, var_: 1, scale_: 1, n_samples_seen_: 2 }
 * ```
 */
export function frozenToSklearn(p: FrozenParams, spec: ScalerSpec): Record<string, number | null | number[]> {
  const rows = p.count + p.missing;
  switch (spec.kind) {
    case 'standard': {
      const withMean = spec.withMean ?? true;
      const withStd = spec.withStd ?? true;
      return {
        mean_: withMean ? p.center : null,
        var_: withStd ? (p.zeroSpread ? 0 : p.scale * p.scale) : null,
        scale_: withStd ? p.scale : null,
        n_samples_seen_: p.count,
      };
    }
    case 'minmax': {
      const [lo, hi] = spec.featureRange ?? [0, 1];
      const range = p.zeroSpread ? 0 : p.scale * (hi - lo);
      return { data_min_: p.center, data_max_: p.center + range, data_range_: range, scale_: p.invScale, min_: lo - p.center * p.invScale, n_samples_seen_: rows };
    }
    case 'maxabs':
      return { max_abs_: p.zeroSpread ? 0 : p.scale, scale_: p.scale, n_samples_seen_: rows };
    case 'robust':
      return { center_: (spec.withCentering ?? true) ? p.center : null, scale_: (spec.withScaling ?? true) ? p.scale : null };
    case 'quantile': {
      const m = p.quantileMap;
      return { quantiles_: m ? m.quantiles.slice() : [], references_: m ? m.references.slice() : [], n_quantiles_: m ? m.quantiles.length : 0 };
    }
  }
}

/**
 * Builds a frozen scaler from scikit-learn's fitted attributes of one feature; its transform is
 * scikit-learn's to within an ulp or two, so a scaler fitted in Python serves here unchanged.
 *
 * `options` are the Python constructor's (`with_mean`, `feature_range`, ...) in our spelling, e.g.
 * `{ featureRange: [-1, 1] }`. Refuses missing attributes, negative variances or non-positive
 * scales with an error naming the attribute.
 *
 * @example
 * ```ts
 * import { fromSklearn } from 'streamnorm';
 * const s = fromSklearn('standard', { mean_: [10], var_: [4], scale_: [2], n_samples_seen_: 100 });
 * s.phase; // => 'frozen'
 * s.transform(14); // => 2
 * // QuantileTransformer: quantiles_ of shape (n_quantiles, 1), or flat
 * const q = fromSklearn('quantile', { quantiles_: [[0], [1], [4]], references_: [0, 0.5, 1] });
 * q.transform(2.5); // => 0.75
 * ```
 */
export function fromSklearn<K extends ScalerKind>(kind: K, attributes: SklearnAttributes, options: ScalerOptionsOf<K> = {} as ScalerOptionsOf<K>): Scaler {
  if (!isRecord(attributes)) fail('scikit-learn attributes', 'must be an object');
  const scaler = createScaler({ ...options, kind } as ScalerSpec);
  const get = (name: string, optional = false): number | null => scalarAttribute(attributes, name, optional);
  const n = get('n_samples_seen_', true);
  const count = n === null ? 0 : n;
  if (!Number.isInteger(count) || count < 0) fail('n_samples_seen_', `must be a non-negative integer, got ${count}`);
  let center = 0;
  let scale = 1;
  let offset = 0;
  let map: QuantileMap | undefined;
  let train = { mean: NaN, std: NaN };
  switch (scaler.kind) {
    case 'standard': {
      const mean = get('mean_', !scaler.options.withMean);
      const variance = get('var_', !scaler.options.withStd);
      if (variance !== null && !(variance >= 0)) fail('var_', `must be >= 0, got ${variance}`);
      center = scaler.options.withMean ? (mean as number) : 0;
      scale = scaler.options.withStd ? positive(get('scale_'), 'scale_') : 1;
      scaler.stats = MeanVar.fromMoments(count, mean ?? 0, variance ?? 0);
      train = { mean: mean ?? NaN, std: variance === null ? NaN : Math.sqrt(variance) };
      break;
    }
    case 'minmax': {
      const dataMin = get('data_min_') as number;
      const dataMax = get('data_max_') as number;
      if (!(dataMin <= dataMax)) fail('data_min_', `must be <= data_max_ (${dataMax}), got ${dataMin}`);
      center = dataMin;
      scale = 1 / positive(get('scale_'), 'scale_');
      offset = scaler.options.featureRange[0];
      scaler.stats = Extrema.fromState({ count: Math.max(count, 1), min: dataMin, max: dataMax });
      break;
    }
    case 'maxabs': {
      const maxAbs = get('max_abs_') as number;
      if (!(maxAbs >= 0)) fail('max_abs_', `must be >= 0, got ${maxAbs}`);
      scale = positive(get('scale_'), 'scale_');
      scaler.stats = Extrema.fromState({ count: Math.max(count, 1), min: -maxAbs, max: maxAbs });
      break;
    }
    case 'robust':
      center = scaler.options.withCentering ? (get('center_') as number) : 0;
      scale = scaler.options.withScaling ? positive(get('scale_'), 'scale_') : 1;
      break;
    case 'quantile':
      map = quantileMapAttributes(attributes, scaler.options.outputDistribution);
      center = NaN;
      train = quantileMapMoments(map);
      break;
  }
  if (!Number.isFinite(center) && !map) fail(kind === 'robust' ? 'center_' : 'mean_', `must be finite, got ${center}`);
  const last = map ? (map.quantiles[map.quantiles.length - 1] as number) : 0;
  const zero = map ? isZeroSpread(last - (map.quantiles[0] as number), Math.max(Math.abs(map.quantiles[0] as number), Math.abs(last))) : false;
  const option = scaler.options.clip;
  const range = scaler.kind === 'minmax' ? scaler.options.featureRange : scaler.kind === 'quantile' && map?.output === 'normal' ? ([NORMAL_LOW, NORMAL_HIGH] as const) : ([0, 1] as const);
  const clip = Array.isArray(option) ? option : option === true ? range : undefined;
  scaler.version = 1;
  const frozen: FrozenParams = Object.freeze({
    kind,
    pre: scaler.options.pre,
    center,
    scale,
    invScale: zero && scaler.options.zeroSpread === 'nan' ? NaN : 1 / scale,
    offset,
    clip: clip ? (Object.freeze([clip[0], clip[1]]) as readonly [number, number]) : undefined,
    zeroSpread: zero,
    count,
    missing: 0,
    version: 1,
    trainMean: train.mean,
    trainStd: train.std,
    ...(map ? { quantileMap: map } : {}),
  });
  scaler.frozen = frozen;
  return scaler;
}

/** The options of the scaler of kind `K` (its spec without `kind`). */
export type ScalerOptionsOf<K extends ScalerKind> = Omit<Extract<ScalerSpec, { kind: K }>, 'kind'>;

/** The quantile map from `quantiles_` (flat or (n, 1)), `references_` and the optional `n_quantiles_`. */
function quantileMapAttributes(attributes: SklearnAttributes, output: 'uniform' | 'normal'): QuantileMap {
  const flat = (name: string): unknown => {
    const v = attributes[name];
    if (v === undefined || v === null) fail(name, 'is missing');
    if (!Array.isArray(v)) fail(name, 'must be an array');
    return v.map((x: unknown) => {
      if (!Array.isArray(x)) return x;
      if (x.length !== 1) fail(name, `must hold one feature (use fromSklearnFeatures for ${x.length})`);
      return x[0] as unknown;
    });
  };
  let map: QuantileMap;
  try {
    map = quantileMapOf(flat('quantiles_'), flat('references_'), output);
  } catch (e) {
    fail('quantiles_/references_', (e as Error).message);
  }
  const n = attributes.n_quantiles_;
  if (n !== undefined && n !== null && n !== map.quantiles.length) fail('n_quantiles_', `must equal the length of quantiles_ (${map.quantiles.length}), got ${JSON.stringify(n)}`);
  return map;
}

function positive(value: number | null, name: string): number {
  if (value === null || !(value > 0) || !Number.isFinite(value)) fail(name, `must be a finite number > 0, got ${String(value)}`);
  return value;
}

function scalarAttribute(attributes: SklearnAttributes, name: string, optional: boolean): number | null {
  let v = attributes[name];
  if (Array.isArray(v)) {
    if (v.length !== 1) fail(name, `must hold one feature (use fromSklearnFeatures for ${v.length})`);
    v = v[0];
  }
  if (v === undefined || v === null) {
    if (optional) return null;
    fail(name, 'is missing');
  }
  if (typeof v !== 'number' || Number.isNaN(v)) fail(name, `must be a number, got ${JSON.stringify(v)}`);
  return v as number;
}

/**
 * Imports a multi-feature scikit-learn scaler as one frozen scaler per feature, keyed by
 * `feature_names_in_` when present (or by `featureNames`, or "0", "1", ...).
 *
 * @example
 * ```ts
 * import { fromSklearnFeatures } from 'streamnorm';
 * const m = fromSklearnFeatures('maxabs', { max_abs_: [2, 10], scale_: [2, 10], feature_names_in_: ['a', 'b'] });
 * m.get('b')?.transform(5); // => 0.5
 * ```
 */
export function fromSklearnFeatures<K extends ScalerKind>(
  kind: K,
  attributes: Record<string, unknown>,
  featureNames?: readonly string[],
  options: ScalerOptionsOf<K> = {} as ScalerOptionsOf<K>,
): Map<string, Scaler> {
  const names = featureNames ?? (attributes.feature_names_in_ as string[] | undefined);
  // quantiles_ is (n_quantiles, n_features) and references_ is shared: columns, not rows, are features
  const columns = kind === 'quantile';
  const q = attributes.quantiles_;
  if (columns && !(Array.isArray(q) && Array.isArray(q[0]))) fail('quantiles_', 'must be an array of rows (n_quantiles, n_features)');
  const width = Object.entries(attributes).find(([k, v]) => k !== 'feature_names_in_' && Array.isArray(v))?.[1] as unknown[] | undefined;
  const n = columns ? ((q as unknown[][])[0] as unknown[]).length : (width?.length ?? 1);
  if (names && names.length !== n) fail('feature_names_in_', `has ${names.length} names for ${n} features`);
  const out = new Map<string, Scaler>();
  for (let i = 0; i < n; i++) {
    const one: SklearnAttributes = {};
    for (const [k, v] of Object.entries(attributes)) {
      if (k === 'feature_names_in_') continue;
      if (columns) one[k] = k === 'quantiles_' ? (v as unknown[][]).map((row) => (Array.isArray(row) ? (row[i] as number) : NaN)) : (v as SklearnAttributes[string]);
      else one[k] = Array.isArray(v) ? (v[i] as number | null) : (v as number | null);
    }
    out.set(names?.[i] ?? String(i), fromSklearn(kind, one, options));
  }
  return out;
}
