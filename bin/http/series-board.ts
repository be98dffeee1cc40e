import { Subscription } from 'rxjs';
import type { FrozenParams, Normalized } from '../../src/index.js';
import { HistoryRing } from './history-ring.js';
import type { DashboardSource, DriftAlarm } from './source.js';
import type { WireHistory, WireOverview, WireRow, WireVersion } from './wire.js';
import { finiteOrNull, wireRaw, wireVersion } from './wire-values.js';

/** Options of {@link SeriesBoard}. */
export interface BoardOptions {
  /** Outputs kept per series for the chart (default 300). */
  historyPoints?: number;
  /** Series whose history is recorded from their first output (default 1000). */
  historySeries?: number;
  /** Further series whose history starts when the page opens them (default 100, least recently opened dropped). */
  openedSeries?: number;
  /** A series no longer in the store and silent this long is forgotten (default 10 min). */
  forgetAfterMs?: number;
  /** Alarms kept for the overview (default 200). */
  maxAlarms?: number;
  /** Versions kept per series (default 16). */
  maxVersions?: number;
  /** Wall clock, ms (default `Date.now`). */
  now?: () => number;
}

/** Output phases by code, as the history ring stores them. */
const PHASES = ['fitting', 'frozen', 'passthrough'] as const;
const PHASE_CODE: Readonly<Record<string, number>> = { fitting: 0, frozen: 1, passthrough: 2 };

/** The latest output of one series (and its history ring, when recorded). */
interface Entry {
  raw: unknown;
  value: number;
  phase: string;
  version: number;
  flag: string | undefined;
  time: number | undefined;
  /** Wall clock of the latest output. */
  seenAt: number;
  ring: HistoryRing | undefined;
  /** Whether the ring came from the automatic budget (else: opened by the page). */
  autoRing: boolean;
}

/**
 * The dashboard's model of the pipeline: the latest output of every series (from the output tap),
 * joined at read time with the store's phase and statistics, which stay the one source of truth.
 * Records which series changed since the last {@link SeriesBoard.takeUpdates} (the event stream
 * conflates on it), a bounded history per series for the chart, the versions seen per series, and
 * the recent alarms.
 *
 * Memory: about 150 bytes per series, plus 38 bytes per history point for the series that record
 * history (`historySeries` + `openedSeries` at most).
 */
export class SeriesBoard {
  private readonly entries = new Map<string, Entry>();
  private dirty = new Set<string>();
  private removed: string[] = [];
  private readonly versions = new Map<string, WireVersion[]>();
  private readonly opened = new Map<string, true>();
  private autoRings = 0;
  private outputs = 0;
  /** Normalized outputs by phase (from the tap). */
  readonly outputsByPhase: Record<string, number> = { fitting: 0, frozen: 0, passthrough: 0 };
  private readonly alarms: DriftAlarm[] = [];
  private newAlarms: DriftAlarm[] = [];
  /** Alarms seen since start. */
  alarmCount = 0;
  private readonly sub = new Subscription();
  private readonly points: number;
  private readonly historySeries: number;
  private readonly openedSeries: number;
  private readonly forgetAfterMs: number;
  private readonly maxAlarms: number;
  private readonly maxVersions: number;
  readonly now: () => number;
  private readonly started: number;
  private rate = { at: 0, readings: 0, perSecond: 0 };

  constructor(
    private readonly source: DashboardSource,
    options: BoardOptions = {},
  ) {
    this.points = options.historyPoints ?? 300;
    this.historySeries = options.historySeries ?? 1000;
    this.openedSeries = options.openedSeries ?? 100;
    this.forgetAfterMs = options.forgetAfterMs ?? 600_000;
    this.maxAlarms = options.maxAlarms ?? 200;
    this.maxVersions = options.maxVersions ?? 16;
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.rate = { at: this.started, readings: source.store.diagnostics().totals.readings, perSecond: 0 };
  }

  /** Points kept per series. */
  get historyPoints(): number {
    return this.points;
  }

  /** Subscribes to the output tap, the store's freezes and the alarms. */
  start(): this {
    this.sub.add(this.source.normalized$.subscribe({ next: (n) => this.record(n), error: () => undefined }));
    let initial = true; // freezes from before the start: the store's current ones are read from it
    this.sub.add(
      this.source.store.frozen$.subscribe((f) => {
        // Freezes from before the start: the versions the store kept, with no time of their own.
        if (initial) for (const h of f.history ?? []) this.frozen(f.series, h, null);
        else this.frozen(f.series, f.params, this.now());
      }),
    );
    initial = false;
    if (this.source.alarms$) this.sub.add(this.source.alarms$.subscribe({ next: (a) => this.alarm(a), error: () => undefined }));
    return this;
  }

  /** Unsubscribes from everything. */
  stop(): void {
    this.sub.unsubscribe();
  }

  /** Records one output (the hot path: a map lookup, a few writes, a ring push). */
  record(n: Normalized): void {
    const at = this.now();
    let e = this.entries.get(n.series);
    if (e === undefined) {
      const auto = this.autoRings < this.historySeries;
      if (auto) this.autoRings++;
      e = { raw: n.raw, value: n.value, phase: n.phase, version: n.version, flag: n.flag, time: n.time, seenAt: at, ring: auto ? new HistoryRing(this.points) : undefined, autoRing: auto };
      this.entries.set(n.series, e);
    } else {
      e.raw = n.raw;
      e.value = n.value;
      e.phase = n.phase;
      e.version = n.version;
      e.flag = n.flag;
      e.time = n.time;
      e.seenAt = at;
    }
    this.outputs++;
    this.outputsByPhase[n.phase] = (this.outputsByPhase[n.phase] ?? 0) + 1;
    if (e.ring !== undefined) {
      const raw = typeof n.raw === 'number' && Number.isFinite(n.raw) ? n.raw : NaN;
      e.ring.push(this.outputs, n.time ?? at, raw, n.value, PHASE_CODE[n.phase] ?? 3, n.version);
    }
    this.dirty.add(n.series);
  }

  private frozen(series: string, params: FrozenParams, at: number | null): void {
    let list = this.versions.get(series);
    if (list === undefined) this.versions.set(series, (list = []));
    list.push(wireVersion(params, at));
    if (list.length > this.maxVersions) list.shift();
    this.dirty.add(series);
  }

  private alarm(a: DriftAlarm): void {
    this.alarmCount++;
    this.alarms.push(a);
    if (this.alarms.length > this.maxAlarms) this.alarms.shift();
    this.newAlarms.push(a);
    if (this.newAlarms.length > this.maxAlarms) this.newAlarms.shift();
    this.dirty.add(a.series);
  }

  /** The latest row of a series (phase and version from the store when it has the series). */
  row(series: string): WireRow {
    const e = this.entries.get(series);
    const store = this.source.store;
    const phase = store.phase(series);
    const version = phase === 'frozen' ? (store.params(series)?.version ?? 0) : (e?.version ?? 0);
    const drift = this.source.driftScore?.(series);
    return [series, phase ?? e?.phase ?? 'unknown', version, e ? wireRaw(e.raw) : null, finiteOrNull(e?.value), finiteOrNull(e?.time), e?.flag ?? null, finiteOrNull(drift)];
  }

  /** Every series: the store's, then those seen only in the outputs. */
  rows(): WireRow[] {
    const out: WireRow[] = [];
    const store = this.source.store;
    for (const id of store.keys()) out.push(this.row(id));
    for (const id of this.entries.keys()) if (store.phase(id) === undefined) out.push(this.row(id));
    return out;
  }

  /** The rows of the series that changed since the last call, the forgotten ones and new alarms. */
  takeUpdates(): { rows: WireRow[]; removed: string[]; alarms: DriftAlarm[] } {
    const ids = this.dirty;
    this.dirty = new Set();
    const rows: WireRow[] = [];
    for (const id of ids) rows.push(this.row(id));
    const removed = this.removed;
    const alarms = this.newAlarms;
    this.removed = [];
    this.newAlarms = [];
    return { rows, removed, alarms };
  }

  /** Whether anything changed since the last {@link SeriesBoard.takeUpdates}. */
  get changed(): boolean {
    return this.dirty.size > 0 || this.removed.length > 0 || this.newAlarms.length > 0;
  }

  /** The latest alarms, oldest first. */
  recentAlarms(): DriftAlarm[] {
    return [...this.alarms];
  }

  /** Forgets series that left the store and have been silent for `forgetAfterMs`. */
  sweep(): void {
    const limit = this.now() - this.forgetAfterMs;
    for (const [id, e] of this.entries) {
      if (e.seenAt >= limit || this.source.store.phase(id) !== undefined) continue;
      if (e.autoRing) this.autoRings--;
      this.entries.delete(id);
      this.versions.delete(id);
      this.opened.delete(id);
      this.dirty.delete(id);
      this.removed.push(id);
    }
  }

  /** One series' state and history after output number `after`; undefined for an unknown series. */
  history(series: string, after = 0): WireHistory | undefined {
    const store = this.source.store;
    const e = this.entries.get(series);
    if (e === undefined && store.phase(series) === undefined) return undefined;
    if (e !== undefined && e.ring === undefined) this.open(series, e);
    else if (e !== undefined && !e.autoRing) {
      this.opened.delete(series); // most recently opened last
      this.opened.set(series, true);
    }
    const params = store.params(series);
    const seen = this.versions.get(series) ?? [];
    const current = params ? (seen.find((v) => v.version === params.version) ?? wireVersion(params, null)) : null;
    const versions = current && !seen.includes(current) ? [current, ...seen] : seen;
    const ring = e?.ring;
    return {
      series,
      row: this.row(series),
      last: ring?.last ?? 0,
      recorded: ring !== undefined && ring.last > 0,
      points: ring ? ring.since(after, PHASES) : { time: [], raw: [], value: [], phase: [], version: [] },
      params: current,
      versions,
      diagnostics: (store.diagnostics().series[series] as unknown as Record<string, unknown> | undefined) ?? null,
      pending: this.source.pendingVersion?.(series) ?? null,
    };
  }

  /** Starts recording a series the page opened (past the automatic budget). */
  private open(series: string, e: Entry): void {
    e.ring = new HistoryRing(this.points);
    this.opened.set(series, true);
    if (this.opened.size <= this.openedSeries) return;
    const [oldest] = this.opened.keys();
    if (oldest === undefined) return;
    this.opened.delete(oldest);
    const old = this.entries.get(oldest);
    if (old !== undefined && !old.autoRing) old.ring = undefined;
  }

  /** The overview numbers (counts the store's series by phase: O(series)). */
  overview(counters: Record<string, number>): WireOverview {
    const store = this.source.store;
    const at = this.now();
    const series: Record<string, number> = { fitting: 0, frozen: 0, passthrough: 0 };
    for (const id of store.keys()) {
      const p = store.phase(id) ?? 'unknown';
      series[p] = (series[p] ?? 0) + 1;
    }
    for (const [id, e] of this.entries) if (e.phase === 'passthrough' && store.phase(id) === undefined) series.passthrough = (series.passthrough ?? 0) + 1;
    const totals = store.diagnostics().totals;
    const dt = (at - this.rate.at) / 1000;
    if (dt >= 0.5) this.rate = { at, readings: totals.readings, perSecond: Math.max(0, (totals.readings - this.rate.readings) / dt) };
    return {
      at,
      uptimeMs: at - this.started,
      series,
      readings: totals.readings,
      readingsPerSecond: this.rate.perSecond,
      outputs: { ...this.outputsByPhase },
      invalid: { ...totals.invalid },
      frozen: totals.frozen,
      evicted: totals.evicted,
      counters,
      alarms: this.alarmCount,
    };
  }
}
