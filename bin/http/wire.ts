/**
 * What the dashboard server sends and the page reads: the JSON shapes of the Server-Sent Events
 * and of the JSON endpoints. Types only (no imports), so the page's own type check
 * (bin/http/static/tsconfig.json) reads this file without pulling in Node code.
 */

/**
 * One series' latest state as one array (compact: a snapshot of 10 000 series is one message):
 * `[series, phase, version, raw, value, time, flag, drift]`.
 * - `phase`: the store's phase (`fitting`, `frozen`) or the output's (`passthrough`).
 * - `raw`: a finite number, or the raw value as text (`"NaN"`, `"ERR"`), or null (missing).
 * - `value`: the normalized value, null when NaN.
 * - `time`: event time of the latest output (ms since the epoch), null when it had none.
 * - `flag`: the latest output's flag, or null.
 * - `drift`: the drift score, null until drift detection provides one.
 */
export type WireRow = [series: string, phase: string, version: number, raw: number | string | null, value: number | null, time: number | null, flag: string | null, drift: number | null];

/** A drift alarm, as the lifecycle reports it. */
export interface WireAlarm {
  series: string;
  kind: string;
  score: number;
  version: number;
  /** Event time of the reading that raised it, ms since the epoch (absent when it had none). */
  time?: number;
}

/** The overview numbers (sent with the first event and then about once a second). */
export interface WireOverview {
  /** Server time of these numbers, ms since the epoch. */
  at: number;
  /** ms since the dashboard started. */
  uptimeMs: number;
  /** Series in the store by phase, plus `passthrough` (series seen only as passthrough outputs). */
  series: Record<string, number>;
  /** Readings seen by the operators (store total). */
  readings: number;
  /** Readings per second over the last overview interval. */
  readingsPerSecond: number;
  /** Normalized outputs by phase (from the output tap). */
  outputs: Record<string, number>;
  /** Invalid values by reason (store totals). */
  invalid: Record<string, number>;
  /** Series frozen and evicted (store totals). */
  frozen: number;
  evicted: number;
  /** Pipeline counters outside the store, as the pipeline reports them (e.g. malformed, deadLettered). */
  counters: Record<string, number>;
  /** Alarms seen since start. */
  alarms: number;
}

/** The `snapshot` event: everything (sent on connect when no replay is possible, and after a stall). */
export interface WireSnapshot {
  /** Id of this server run (event ids are `${run}:${seq}`). */
  run: string;
  seq: number;
  /** Server time the event was built. */
  at: number;
  rows: WireRow[];
  overview: WireOverview;
  /** The latest alarms (newest last). */
  alarms: WireAlarm[];
}

/** The `updates` event: the latest row of every series that changed since the previous event. */
export interface WireUpdates {
  seq: number;
  at: number;
  rows: WireRow[];
  /** Series the dashboard forgot (idle, no longer in the store). */
  removed?: string[];
  overview?: WireOverview;
  alarms?: WireAlarm[];
}

/** `GET /api/meta`: what this dashboard offers. */
export interface WireMeta {
  title: string;
  run: string;
  /** Actions the control plane offers (`freeze`, and `refit`/`approve` when wired). */
  actions: string[];
  /** Whether drift scores are provided. */
  drift: boolean;
  /** Points of history kept per series. */
  historyPoints: number;
  /** Conflation interval of the event stream, ms. */
  intervalMs: number;
}

/** One version of a series' frozen statistics, with the wall-clock time it was seen. */
export interface WireVersion {
  version: number;
  kind: string;
  pre: string;
  center: number;
  scale: number;
  offset: number;
  count: number;
  zeroSpread: boolean;
  /** ms since the epoch (when the dashboard saw the freeze; null if frozen before it started). */
  at: number | null;
}

/** `GET /api/history?series=ID&after=N`: one series' state and its recent outputs. */
export interface WireHistory {
  series: string;
  row: WireRow;
  /** Output number of the newest point (pass as `after` to get only newer points). */
  last: number;
  /** Whether history is recorded for this series (false past the history budget until opened). */
  recorded: boolean;
  points: {
    /** Event time (or receive time when the output had none), ms since the epoch. */
    time: number[];
    raw: (number | null)[];
    value: (number | null)[];
    phase: string[];
    version: number[];
  };
  /** Current frozen statistics, if frozen. */
  params: WireVersion | null;
  /** Every version the dashboard saw, oldest first. */
  versions: WireVersion[];
  /** The series' counters from `store.diagnostics()` (null when it has none). */
  diagnostics: Record<string, unknown> | null;
  /** Version waiting for approval, when the lifecycle has one. */
  pending: number | null;
}

/** `POST /api/actions/{action}` body and answer. */
export interface WireActionRequest {
  series: string[];
}
export interface WireActionResult {
  action: string;
  /** Series the action applied to. */
  done: string[];
}
