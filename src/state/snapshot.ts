import { KeyedScalers } from '../scalers/keyed.js';
import type { ScalerSpec } from '../scalers/create.js';
import { restoreScaler, saveScaler, type ScalerState } from './scaler-state.js';
import { fail, isRecord } from './validate.js';

/** Schema version of {@link Snapshot}. */
export const SNAPSHOT_VERSION = 1;

/** The saved state of many series: a versioned JSON document. */
export interface Snapshot {
  schema: 'streamnorm/snapshot';
  schemaVersion: number;
  /** When it was taken (ISO 8601). */
  createdAt: string;
  /** Spec new series are created from, when one spec serves all. */
  spec?: ScalerSpec;
  /** Every series' scaler state, by series id. */
  series: Record<string, ScalerState>;
}

/**
 * Saves every series of a {@link KeyedScalers} as a {@link Snapshot}.
 *
 * @example
 * ```ts
 * import { KeyedScalers, saveSnapshot, restoreSnapshot } from 'streamnorm';
 * const ks = new KeyedScalers({ kind: 'maxabs' });
 * ks.learn('a', -4);
 * ks.freeze();
 * const back = restoreSnapshot(JSON.parse(JSON.stringify(saveSnapshot(ks, { kind: 'maxabs' }))));
 * back.transform('a', 2); // => 0.5
 * ```
 */
export function saveSnapshot(keyed: KeyedScalers, spec?: ScalerSpec): Snapshot {
  const series: Record<string, ScalerState> = {};
  for (const [key, scaler] of keyed.entries()) series[key] = saveScaler(scaler);
  return { schema: 'streamnorm/snapshot', schemaVersion: SNAPSHOT_VERSION, createdAt: new Date().toISOString(), ...(spec ? { spec } : {}), series };
}

/**
 * Restores a {@link Snapshot}; refuses a wrong schema or version, or any bad series (the error
 * names the series and field). New series are created from the snapshot's `spec`, or `spec`.
 *
 * @example
 * ```ts
 * import { restoreSnapshot } from 'streamnorm';
 * const keyed = restoreSnapshot({ schema: 'streamnorm/snapshot', schemaVersion: 1, createdAt: '', series: {} });
 * keyed.size; // => 0
 * ```
 */
export function restoreSnapshot(snapshot: unknown, spec?: ScalerSpec): KeyedScalers {
  if (!isRecord(snapshot)) fail('snapshot', 'must be an object');
  if (snapshot.schema !== 'streamnorm/snapshot') fail('snapshot.schema', `must be "streamnorm/snapshot", got ${JSON.stringify(snapshot.schema)}`);
  if (snapshot.schemaVersion !== SNAPSHOT_VERSION) fail('snapshot.schemaVersion', `must be ${SNAPSHOT_VERSION}, got ${JSON.stringify(snapshot.schemaVersion)}`);
  if (!isRecord(snapshot.series)) fail('snapshot.series', 'must be an object keyed by series id');
  const baseSpec = spec ?? (snapshot.spec as ScalerSpec | undefined);
  const keyed = new KeyedScalers(baseSpec ?? { kind: 'standard' });
  for (const [key, state] of Object.entries(snapshot.series)) {
    keyed.set(key, restoreScaler(state, `snapshot.series[${JSON.stringify(key)}]`));
  }
  return keyed;
}
