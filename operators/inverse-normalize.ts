import type { OperatorFunction } from 'rxjs';
import { invertFrozen, type FrozenParams } from '../src/scalers/frozen.js';
import { operate } from './internal/operate.js';
import { refuseUnknownKeys } from '../src/options.js';
import type { SeriesStore } from './store/series-store.js';

/** Where {@link inverseNormalize} finds the frozen statistics of a series. */
export type InverseSource =
  | { store: SeriesStore }
  | { params: ReadonlyMap<string, FrozenParams> | ((series: string) => FrozenParams | undefined) };

/** Options of {@link inverseNormalize}. */
export type InverseNormalizeOptions = InverseSource & {
  /**
   * A series with no frozen statistics (unknown or still fitting): `nan` (default: value NaN,
   * version 0), `drop`, or `error` (an error notification naming the series).
   */
  unknown?: 'nan' | 'drop' | 'error';
};

/** An input of {@link inverseNormalize} with its value mapped back to the raw scale. */
export type Denormalized<T> = Omit<T, 'value'> & {
  /** The value on the raw scale. */
  value: number;
  /** The normalized value that came in. */
  normalized: number;
  /** Version of the statistics used (0 when there were none). */
  version: number;
};

/**
 * Maps normalized values (a model's predictions, say) back to the raw scale with the same frozen
 * statistics that normalized the inputs.
 *
 * Each item names its series; its `value` goes through the inverse of that series' frozen
 * transform, `x = unpre((y − offset) · scale + center)`. Other fields pass unchanged.
 *
 * ```
 * predictions: --{s: 0.5}--{u: 1}--|
 *   inverseNormalize({ store })          s frozen (mean 10, std 2); u unknown
 * outputs:     --{s: 11}----{u: NaN}--|
 * ```
 *
 * Semantics:
 * 1. Only frozen statistics are used: they never change, so a prediction made at any time maps
 *    back with the numbers its inputs were normalized with. An item that names a `version` (an
 *    output of `normalize`, or a prediction that carries its input's version) is inverted with that
 *    version, even after a refit promoted a newer one, as long as the store keeps it
 *    (`keepVersions`); otherwise with the current statistics. The output's `version` says which.
 * 2. A series without frozen statistics (or a version no longer kept) follows `unknown` (default
 *    NaN). NaN in gives NaN out. With `params` (a Map or function) the version is not looked up.
 * 3. The store is read at each item, so series that freeze later are served from then on.
 * 4. An exception of a `params` function becomes an error notification; unsubscribing stops a
 *    synchronous source.
 *
 * @example
 * ```ts
 * import { of, lastValueFrom, toArray } from 'rxjs';
 * import { SeriesStore, StandardScaler, inverseNormalize } from 'streamnorm';
 * const s = new StandardScaler().learnMany([8, 12]);
 * s.freeze();
 * const store = new SeriesStore({ initial: [['temp', s]] });
 * const out = await lastValueFrom(of({ series: 'temp', value: 0.5 }).pipe(inverseNormalize({ store }), toArray()));
 * out; // => [{ series: 'temp', value: 11, normalized: 0.5, version: 1 }]
 * ```
 *
 * @see {@link normalize}, whose store holds the statistics.
 *
 * @param options The store (or frozen parameters by series) and the unknown-series policy.
 * @returns An operator from `{ series, value }` items to {@link Denormalized} items.
 */
export function inverseNormalize<T extends { series: string; value: number }>(options: InverseNormalizeOptions): OperatorFunction<T, Denormalized<T>> {
  refuseUnknownKeys(options, ['store', 'params', 'unknown'], 'inverseNormalize');
  const unknown = options.unknown ?? 'nan';
  if (unknown !== 'nan' && unknown !== 'drop' && unknown !== 'error') throw new RangeError(`inverseNormalize: unknown must be 'nan', 'drop' or 'error', got ${JSON.stringify(unknown)}`);
  let lookup: (series: string, version: number | undefined) => FrozenParams | undefined;
  if ('store' in options) {
    const store = options.store;
    lookup = (series, version) => (version === undefined ? store.params(series) : store.paramsAt(series, version));
  } else if (typeof options.params === 'function') {
    const f = options.params;
    lookup = (series) => f(series);
  } else if (options.params instanceof Map) {
    const map = options.params;
    lookup = (series) => map.get(series);
  } else {
    throw new RangeError('inverseNormalize: give { store } or { params }');
  }
  return operate<T, Denormalized<T>>((destination) => ({
    next: (item) => {
      const named = (item as { version?: unknown }).version;
      const p = lookup(item.series, typeof named === 'number' && named > 0 ? named : undefined);
      if (p === undefined) {
        if (unknown === 'drop') return;
        if (unknown === 'error') throw new Error(`inverseNormalize: no frozen statistics for series ${JSON.stringify(item.series)}`);
        destination.next({ ...item, value: NaN, normalized: item.value, version: 0 });
        return;
      }
      destination.next({ ...item, value: invertFrozen(p, item.value), normalized: item.value, version: p.version });
    },
  }));
}
