import { specOf, type Scaler } from '../../src/scalers/create.js';
import { readSnapshot, saveSnapshot, type RestoredSeries, type SeriesExtra, type SeriesLifecycleState, type Snapshot } from '../../src/state/snapshot.js';
import type { RunningStats } from '../../src/state/running-state.js';
import { INVALID_REASONS } from '../../src/values.js';
import type { InitialState } from '../types.js';
import type { SeriesStore } from './series-store.js';
import { PsiWindows } from './psi-windows.js';

/** Every series of a store as the snapshot writer of the core takes them. */
function* entries(store: SeriesStore): Generator<[string, Scaler | RunningStats, SeriesExtra]> {
  const table = store.table;
  for (const [id, slot] of store.index) {
    const counters = store.diag.saved(id);
    const extra = counters === undefined ? {} : { counters };
    if (table.isRunning(slot)) {
      yield [id, table.running<RunningStats>(slot), extra];
    } else if (table.isFitting(slot)) {
      yield [id, table.scalerOf(slot), { ...extra, window: windowOf(store, slot) }];
    } else {
      const params = table.frozen(slot);
      const scaler = table.specs.create(table.specId(slot));
      scaler.version = params.version;
      scaler.frozen = params;
      yield [id, scaler, { ...extra, lifecycle: lifecycleOf(store, id, slot) }];
    }
  }
}

function windowOf(store: SeriesStore, slot: number): { first: number | null; last: number | null; pending: boolean } {
  const [first, last] = store.table.windowTimes(slot);
  return { first: first === first ? first : null, last: last === last ? last : null, pending: store.table.isPending(slot) };
}

function lifecycleOf(store: SeriesStore, id: string, slot: number): SeriesLifecycleState {
  const life = store.lifecycle;
  const out: SeriesLifecycleState = {};
  if (life.columns !== undefined) out.drift = life.columns.save(slot);
  if (store.table.hasShadow(slot)) out.refit = { scaler: store.table.scalerOf(slot), window: windowOf(store, slot) };
  const waiting = life.waiting.get(slot);
  if (waiting !== undefined) out.waiting = waiting;
  const history = life.history.get(id);
  if (history !== undefined) out.history = history;
  const psi = life.psi?.save(slot);
  if (psi !== undefined) out.psi = psi;
  return out;
}

/** A store's {@link Snapshot}: every series, the counters and the version floor. */
export function snapshotOf(store: SeriesStore, versionFloor: number): Snapshot {
  return saveSnapshot({ series: entries(store), versionFloor, totals: store.diag.report().totals });
}

/**
 * Loads a snapshot (read and checked whole first) or scalers by id into a store; returns the
 * snapshot's version floor (0 for scalers by id). Totals are loaded only into a fresh store.
 * Scalers by id (imports) whose version is at or below the store's floor are renumbered above it.
 */
export function restoreInto(store: SeriesStore, state: InitialState, floor: number): number {
  const snapshotLike = typeof state === 'object' && state !== null && !(Symbol.iterator in state);
  const fresh = store.size === 0 && store.diag.totals.readings === 0;
  if (snapshotLike) {
    const read = readSnapshot(state as Snapshot);
    // Checked whole before anything changes: the parts the core reader passes through unread too.
    for (const [id, entry] of read.series) if (entry.lifecycle?.psi !== undefined) PsiWindows.parse(entry.lifecycle.psi, psiWhere(id));
    for (const [id, entry] of read.series) put(store, id, entry);
    if (fresh && read.totals !== undefined) store.diag.loadTotals(read.totals);
    return read.versionFloor;
  }
  const byId = [...(state as Iterable<readonly [string, Scaler]>)];
  for (const [id, scaler] of byId) {
    if (scaler.frozen && scaler.frozen.version <= floor) {
      scaler.version = floor + 1;
      scaler.frozen = Object.freeze({ ...scaler.frozen, version: floor + 1 });
    }
    put(store, id, { scaler });
    const invalid = scaler.invalidCounts();
    for (const r of INVALID_REASONS) if (invalid[r] > 0) store.diag.invalid(id, r, false, invalid[r]);
  }
  return 0;
}

function put(store: SeriesStore, id: string, entry: RestoredSeries): void {
  const { scaler, running, window, counters, lifecycle } = entry;
  store.delete(id);
  if (scaler?.frozen) {
    const slot = store.versions.setFrozen(id, scaler.frozen, specOf(scaler));
    if (lifecycle !== undefined) putLifecycle(store, id, slot, lifecycle);
  } else if (scaler !== undefined) {
    const slot = store.add(id, store.table.specs.intern(specOf(scaler)));
    store.table.startFitting(slot, scaler);
    if (window !== undefined) {
      store.table.setWindowTimes(slot, window.first ?? NaN, window.last ?? NaN);
      store.table.setPending(slot, window.pending);
    }
  } else if (running !== undefined) {
    store.table.startRunning(store.add(id, 0), running);
  }
  if (counters !== undefined) store.diag.load(id, counters);
}

function putLifecycle(store: SeriesStore, id: string, slot: number, l: SeriesLifecycleState): void {
  const life = store.lifecycle;
  if (l.drift !== undefined && life.columns !== undefined) life.columns.load(slot, l.drift);
  if (l.refit !== undefined) {
    store.table.startShadow(slot, l.refit.scaler);
    store.table.setWindowTimes(slot, l.refit.window.first ?? NaN, l.refit.window.last ?? NaN);
    store.table.setPending(slot, l.refit.window.pending);
  }
  if (l.waiting !== undefined) life.waiting.set(slot, l.waiting);
  if (l.history !== undefined) life.history.set(id, [...l.history]);
  if (l.psi !== undefined && life.psi !== undefined) life.psi.load(slot, l.psi, psiWhere(id));
}

function psiWhere(id: string): string {
  return `snapshot.series[${JSON.stringify(id)}].lifecycle.psi`;
}
