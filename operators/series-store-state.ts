import type { Scaler } from '../src/scalers/create.js';
import { saveScaler, type ScalerState } from '../src/state/scaler-state.js';
import { restoreSnapshot, SNAPSHOT_VERSION, type Snapshot } from '../src/state/snapshot.js';
import { INVALID_REASONS } from '../src/values.js';
import type { Diagnostics } from './diagnostics.js';
import type { InitialState } from './types.js';

/**
 * A {@link Snapshot} of scalers by series id, with each series' invalid-value counts taken from
 * the store's diagnostics (which count every refused value, not only those a scaler saw).
 */
export function snapshotOf(scalers: Iterable<readonly [string, Scaler]>, diag: Diagnostics): Snapshot {
  const series: Record<string, ScalerState> = {};
  for (const [id, scaler] of scalers) {
    const state = saveScaler(scaler);
    const d = diag.get(id);
    for (const r of INVALID_REASONS) state.invalid[r] = d ? d.invalid[r] : 0;
    series[id] = state;
  }
  return { schema: 'streamnorm/snapshot', schemaVersion: SNAPSHOT_VERSION, createdAt: new Date().toISOString(), series };
}

/** Scalers by series id from a {@link Snapshot} (validated; a bad one throws naming the field) or from scalers by id. */
export function scalersOf(state: InitialState): Iterable<readonly [string, Scaler]> {
  const snapshotLike = typeof state === 'object' && state !== null && !(Symbol.iterator in state);
  return snapshotLike ? restoreSnapshot(state as Snapshot).entries() : (state as Iterable<readonly [string, Scaler]>);
}
