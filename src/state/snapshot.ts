import { KeyedScalers } from '../scalers/keyed.js';
import type { Scaler, ScalerSpec } from '../scalers/create.js';
import type { FrozenParams } from '../scalers/frozen.js';
import { restoreRunning, saveRunning, type RunningState, type RunningStats } from './running-state.js';
import { restoreScaler, saveScaler, type ScalerState } from './scaler-state.js';
import { fromJsonNumber, toJsonNumber, type JsonNumber } from '../json-number.js';
import { frozenParamsToJson, readFrozenParams, type FrozenParamsJson } from './frozen-params.js';
import { fail, isRecord } from './validate.js';

/** Schema version of {@link Snapshot} (1 was streamnorm 0.1's; it is migrated on restore). */
export const SNAPSHOT_VERSION = 2;

/** Where a fitting series' window stands: what a restart needs to freeze at the same reading. */
export interface FitWindow {
  /** Event time of the window's first reading (null while unknown). */
  first: number | null;
  /** Latest event time learned (null while unknown). */
  last: number | null;
  /** A freeze point came before any valid value: freeze at the next one. */
  pending: boolean;
}

/** What a frozen series keeps of its lifecycle after the freeze, as saved. */
export interface SavedLifecycle {
  /** The drift alarms' state (the store's row; NaN as "NaN", see {@link JsonNumber}). */
  drift?: JsonNumber[];
  /** A refit window under way: its scaler's state and where the window stands. */
  refit?: { state: ScalerState; window: FitWindow };
  /** Statistics of a finished refit waiting for approval. */
  waiting?: FrozenParamsJson;
  /** Versions served before the current one, oldest first. */
  history?: FrozenParamsJson[];
  /** The PSI windows' state (the store's; checked when it is loaded). */
  psi?: unknown;
}

/** A frozen series' lifecycle as the writer takes it and the reader gives it back. */
export interface SeriesLifecycleState {
  drift?: readonly number[];
  refit?: { scaler: Scaler; window: FitWindow };
  waiting?: FrozenParams;
  history?: readonly FrozenParams[];
  psi?: unknown;
}

/** One series in a {@link Snapshot}: a scaler's state (with its window or lifecycle), or running statistics. */
export type SeriesState =
  | (ScalerState & { window?: FitWindow; lifecycle?: SavedLifecycle; counters?: Record<string, unknown> })
  | (RunningState & { counters?: Record<string, unknown> });

/** What the writer takes beside a series' statistics. */
export interface SeriesExtra {
  window?: FitWindow;
  lifecycle?: SeriesLifecycleState;
  counters?: Record<string, unknown>;
}

/** The saved state of many series: a versioned JSON document. */
export interface Snapshot {
  schema: 'streamnorm/snapshot';
  schemaVersion: number;
  /** When it was taken (ISO 8601). */
  createdAt: string;
  /** Spec new series are created from, when one spec serves all. */
  spec?: ScalerSpec;
  /**
   * Every version a series of the saving store ever had, other than the ones saved here, is at or
   * below this: a store that restores the snapshot numbers new versions above it, so a (series,
   * version) pair names one set of statistics forever.
   */
  versionFloor?: number;
  /** Every series' state, by series id. */
  series: Record<string, SeriesState>;
  /** Store-wide counters (the operators' diagnostics totals). */
  totals?: Record<string, unknown>;
}

/** What {@link saveSnapshot} writes: series by id, and the store-wide parts. */
export interface SnapshotContent {
  series: Iterable<readonly [string, Scaler | RunningStats, SeriesExtra?]>;
  versionFloor?: number;
  spec?: ScalerSpec;
  totals?: Record<string, unknown>;
}

/** One series read back from a {@link Snapshot}. */
export interface RestoredSeries {
  scaler?: Scaler;
  running?: RunningStats;
  window?: FitWindow;
  lifecycle?: SeriesLifecycleState;
  counters?: Record<string, unknown>;
}

/** A {@link Snapshot} read back and checked. */
export interface RestoredSnapshot {
  versionFloor: number;
  spec?: ScalerSpec;
  series: Map<string, RestoredSeries>;
  totals?: Record<string, unknown>;
}

/**
 * Saves series as a {@link Snapshot}: the one writer of snapshots, for a {@link KeyedScalers} and
 * for the operators' store alike.
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
export function saveSnapshot(source: KeyedScalers | SnapshotContent, spec?: ScalerSpec): Snapshot {
  const content: SnapshotContent = source instanceof KeyedScalers ? { series: source.entries(), ...(spec ? { spec } : {}) } : source;
  const series: Record<string, SeriesState> = {};
  let floor = content.versionFloor ?? 0;
  for (const [id, stats, extra] of content.series) {
    const state: SeriesState = 'phase' in stats ? saveScaler(stats) : saveRunning(stats);
    if (extra?.window !== undefined && state.schema === 'streamnorm/scaler') state.window = extra.window;
    if (extra?.lifecycle !== undefined && state.schema === 'streamnorm/scaler') state.lifecycle = saveLifecycle(extra.lifecycle);
    if (extra?.counters !== undefined) state.counters = extra.counters;
    if ('version' in stats && stats.version > floor && source instanceof KeyedScalers) floor = stats.version;
    series[id] = state;
  }
  const doc: Snapshot = { schema: 'streamnorm/snapshot', schemaVersion: SNAPSHOT_VERSION, createdAt: new Date().toISOString(), versionFloor: floor, series };
  if (content.spec !== undefined) doc.spec = content.spec;
  if (content.totals !== undefined) doc.totals = content.totals;
  return doc;
}

/**
 * Reads a {@link Snapshot} back, checked: a wrong schema, an unknown schema version or any bad
 * series is refused with an `Error` that names the field. A 0.1 snapshot (schema version 1) is
 * migrated: its versions were per series, so they stay, and the floor is 0.
 *
 * @example
 * ```ts
 * import { readSnapshot } from 'streamnorm';
 * const back = readSnapshot({ schema: 'streamnorm/snapshot', schemaVersion: 2, createdAt: '', versionFloor: 4, series: {} });
 * [back.versionFloor, back.series.size]; // => [4, 0]
 * ```
 */
export function readSnapshot(snapshot: unknown): RestoredSnapshot {
  if (!isRecord(snapshot)) fail('snapshot', 'must be an object');
  if (snapshot.schema !== 'streamnorm/snapshot') fail('snapshot.schema', `must be "streamnorm/snapshot", got ${JSON.stringify(snapshot.schema)}`);
  const v = snapshot.schemaVersion;
  if (v !== 1 && v !== SNAPSHOT_VERSION) fail('snapshot.schemaVersion', `must be 1 (0.1, migrated) or ${SNAPSHOT_VERSION}, got ${JSON.stringify(v)}`);
  if (!isRecord(snapshot.series)) fail('snapshot.series', 'must be an object keyed by series id');
  const floor = snapshot.versionFloor ?? 0;
  if (!Number.isInteger(floor) || (floor as number) < 0) fail('snapshot.versionFloor', `must be an integer >= 0, got ${JSON.stringify(floor)}`);
  const out: RestoredSnapshot = { versionFloor: floor as number, series: new Map() };
  if (snapshot.spec !== undefined) out.spec = snapshot.spec as ScalerSpec;
  if (snapshot.totals !== undefined) {
    if (!isRecord(snapshot.totals)) fail('snapshot.totals', 'must be an object');
    out.totals = snapshot.totals;
  }
  for (const [id, state] of Object.entries(snapshot.series)) {
    const where = `snapshot.series[${JSON.stringify(id)}]`;
    if (!isRecord(state)) fail(where, 'must be an object');
    const entry: RestoredSeries = {};
    if (state.schema === 'streamnorm/running') entry.running = restoreRunning(state, where);
    else {
      entry.scaler = restoreScaler(state, where);
      if (state.window !== undefined) entry.window = readWindow(state.window, `${where}.window`, entry.scaler.phase === 'fitting');
      if (state.lifecycle !== undefined) entry.lifecycle = readLifecycle(state.lifecycle, `${where}.lifecycle`, entry.scaler);
    }
    if (state.counters !== undefined) {
      if (!isRecord(state.counters)) fail(`${where}.counters`, 'must be an object');
      entry.counters = state.counters;
    } else if (v === 1 && entry.scaler !== undefined) {
      entry.counters = { invalid: entry.scaler.invalidCounts() }; // 0.1 kept invalid counts in the scaler state
    }
    out.series.set(id, entry);
  }
  return out;
}

/**
 * Restores a {@link Snapshot} into a {@link KeyedScalers}; refuses what {@link readSnapshot}
 * refuses, and running statistics (restore those into a `SeriesStore`). New series are created
 * from the snapshot's `spec`, or `spec`.
 *
 * @example
 * ```ts
 * import { restoreSnapshot } from 'streamnorm';
 * const keyed = restoreSnapshot({ schema: 'streamnorm/snapshot', schemaVersion: 2, createdAt: '', series: {} });
 * keyed.size; // => 0
 * ```
 */
export function restoreSnapshot(snapshot: unknown, spec?: ScalerSpec): KeyedScalers {
  const read = readSnapshot(snapshot);
  const keyed = new KeyedScalers(spec ?? read.spec ?? { kind: 'standard' });
  for (const [id, entry] of read.series) {
    if (entry.scaler === undefined) fail(`snapshot.series[${JSON.stringify(id)}]`, 'holds running statistics (EWM or BatchNorm): restore it into a SeriesStore');
    keyed.set(id, entry.scaler);
  }
  return keyed;
}

function readWindow(value: unknown, where: string, fitting: boolean): FitWindow {
  if (!isRecord(value)) fail(where, 'must be an object');
  if (!fitting) fail(where, 'is only for a fitting series');
  const time = (key: 'first' | 'last'): number | null => {
    const t = value[key];
    if (t !== null && !(typeof t === 'number' && Number.isFinite(t))) fail(`${where}.${key}`, `must be a finite number or null, got ${JSON.stringify(t)}`);
    return t;
  };
  if (typeof value.pending !== 'boolean') fail(`${where}.pending`, `must be true or false, got ${JSON.stringify(value.pending)}`);
  return { first: time('first'), last: time('last'), pending: value.pending };
}

function saveLifecycle(l: SeriesLifecycleState): SavedLifecycle {
  const out: SavedLifecycle = {};
  if (l.drift !== undefined) out.drift = l.drift.map(toJsonNumber);
  if (l.refit !== undefined) out.refit = { state: saveScaler(l.refit.scaler), window: l.refit.window };
  if (l.waiting !== undefined) out.waiting = frozenParamsToJson(l.waiting);
  if (l.history !== undefined && l.history.length > 0) out.history = l.history.map(frozenParamsToJson);
  if (l.psi !== undefined) out.psi = l.psi;
  return out;
}

function readLifecycle(value: unknown, where: string, scaler: Scaler): SeriesLifecycleState {
  if (!isRecord(value)) fail(where, 'must be an object');
  if (scaler.phase !== 'frozen') fail(where, 'is only for a frozen series');
  const expect = { kind: scaler.kind, pre: scaler.options.pre };
  const out: SeriesLifecycleState = {};
  if (value.drift !== undefined) {
    const drift = Array.isArray(value.drift) ? value.drift.map(fromJsonNumber) : undefined;
    if (drift === undefined || drift.some((x) => x === undefined)) fail(`${where}.drift`, 'must be an array of numbers ("NaN" for NaN)');
    out.drift = drift as number[];
  }
  if (value.refit !== undefined) {
    if (!isRecord(value.refit)) fail(`${where}.refit`, 'must be an object');
    const refit = restoreScaler(value.refit.state, `${where}.refit.state`);
    if (refit.phase !== 'fitting' || refit.kind !== scaler.kind) fail(`${where}.refit.state`, `must be a fitting ${scaler.kind} scaler`);
    out.refit = { scaler: refit, window: readWindow(value.refit.window, `${where}.refit.window`, true) };
  }
  if (value.waiting !== undefined) {
    out.waiting = readFrozenParams(value.waiting, `${where}.waiting`, expect);
    if (out.waiting.version <= scaler.version) fail(`${where}.waiting.version`, `must be above the series' version ${scaler.version}`);
  }
  if (value.history !== undefined) {
    if (!Array.isArray(value.history)) fail(`${where}.history`, 'must be an array');
    out.history = value.history.map((h: unknown, i: number) => readFrozenParams(h, `${where}.history[${i}]`, expect));
    if (out.history.some((h) => h.version >= scaler.version)) fail(`${where}.history`, `must hold versions below the series' version ${scaler.version}`);
  }
  if (value.psi !== undefined) out.psi = value.psi;
  return out;
}
