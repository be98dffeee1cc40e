import { Subject } from 'rxjs';
import { CUSUM_DEFAULTS, type CusumOptions } from '../../src/drift/cusum.js';
import { driftStandard } from '../../src/drift/standardize.js';
import type { Scaler, ScalerSpec } from '../../src/scalers/create.js';
import type { FrozenParams } from '../../src/scalers/frozen.js';
import { refuseUnknownKeys } from '../../src/options.js';
import type { DiagnosticsReport } from './diagnostics.js';
import type { DriftColumns } from './drift-columns.js';
import { PsiWindows } from './psi-windows.js';
import type { SeriesStore } from './series-store.js';

/** What a drift alarm is about: a shift of the mean (`cusum`), of the shape (`psi`), a stuck sensor (`stuck`). */
export type DriftKind = 'cusum' | 'psi' | 'stuck';

/** One drift alarm, as {@link SeriesStore.drift$} emits it. */
export interface DriftAlarm {
  series: string;
  kind: DriftKind;
  /** The CUSUM sum (σ), the PSI, or the run of equal values that raised it. */
  score: number;
  /** The version of the statistics the series was serving. */
  version: number;
  /** Event time of the reading that raised it (absent when the reading had none). */
  time?: number;
}

/**
 * Drift options of a {@link SeriesStore}: the alarms every frozen series of `normalize` runs against
 * its frozen statistics (EWM and BatchNorm series have none: their statistics move by design).
 */
export interface DriftOptions {
  /** The two-sided CUSUM on the frozen z-score: allowance `k` and decision interval `h` in σ (default k 0.5, h 10). */
  cusum?: CusumOptions;
  /**
   * Whiten the CUSUM with an AR(1) model fitted in the training window, `eₜ = (zₜ − φzₜ₋₁)/√(1 − φ²)`,
   * for autocorrelated sensors (default false: in control, the plain CUSUM alarms 46 times as often
   * on AR(1) data with φ = 0.5 and 354 times with φ = 0.9 as on independent data; see the README).
   */
  ar1?: boolean;
  /** Readings in a row with one unchanged value after the freeze that make a `stuck` alarm (default 30; 0 turns it off). */
  stuckAfter?: number;
  /** Readings after a freeze or promotion before alarms count again (default 100). */
  cooldown?: number;
  /**
   * The shape check, opt-in: the population stability index of tumbling windows of `window`
   * readings (default 1,000) against the training window's deciles; a PSI above 0.25 is a `psi`
   * alarm. `true` for the defaults. See {@link PsiWindows} for the bytes it costs.
   */
  psi?: boolean | { window?: number };
}

const DRIFT_KEYS = ['cusum', 'ar1', 'stuckAfter', 'cooldown', 'psi'] as const;

/**
 * The statistics lifecycle of a store after the freeze: drift alarms per series (a CUSUM on the
 * frozen z-score and a stuck-value run, in {@link DriftColumns}), promotions waiting for approval,
 * and the versions a series served before (for inverses of older outputs).
 */
export class SeriesLifecycle {
  /** Drift state by slot; undefined when drift is off. */
  readonly columns: DriftColumns | undefined;
  /** The PSI windows; undefined unless `drift.psi` is on. */
  readonly psi: PsiWindows | undefined;
  readonly k: number;
  readonly h: number;
  readonly clip: number;
  readonly ar1: boolean;
  readonly stuckAfter: number;
  readonly cooldown: number;
  /** Alarms as they are raised. */
  readonly alarms = new Subject<DriftAlarm>();
  /** Frozen refit windows waiting for approval, by slot. */
  readonly waiting = new Map<number, FrozenParams>();
  /** Versions each series served before its current one, newest last (at most `keepVersions − 1`). */
  readonly history = new Map<string, FrozenParams[]>();

  constructor(
    drift: DriftOptions | false | undefined,
    readonly keepVersions: number,
    columns: () => DriftColumns,
  ) {
    if (!(Number.isInteger(keepVersions) && keepVersions >= 1)) throw new RangeError(`SeriesStore: keepVersions must be an integer >= 1, got ${String(keepVersions)}`);
    const o = drift === false ? {} : (drift ?? {});
    if (drift !== false && (typeof o !== 'object' || o === null)) throw new RangeError('SeriesStore: drift must be an object or false');
    refuseUnknownKeys(o, DRIFT_KEYS, 'SeriesStore: drift');
    if (o.cusum !== undefined) refuseUnknownKeys(o.cusum, ['k', 'h', 'clip'], 'SeriesStore: drift.cusum');
    this.k = o.cusum?.k ?? CUSUM_DEFAULTS.k;
    this.h = o.cusum?.h ?? CUSUM_DEFAULTS.h;
    this.clip = o.cusum?.clip ?? CUSUM_DEFAULTS.clip;
    if (!(this.clip > this.k)) throw new RangeError(`SeriesStore: drift.cusum.clip must be a number above k, got ${String(this.clip)}`);
    if (!(this.k >= 0 && Number.isFinite(this.k))) throw new RangeError(`SeriesStore: drift.cusum.k must be a finite number >= 0, got ${String(this.k)}`);
    if (!(this.h > 0 && Number.isFinite(this.h))) throw new RangeError(`SeriesStore: drift.cusum.h must be a finite number > 0, got ${String(this.h)}`);
    this.ar1 = o.ar1 ?? false;
    if (typeof this.ar1 !== 'boolean') throw new RangeError(`SeriesStore: drift.ar1 must be true or false, got ${JSON.stringify(this.ar1)}`);
    this.stuckAfter = o.stuckAfter ?? 30;
    if (!(Number.isInteger(this.stuckAfter) && this.stuckAfter >= 0)) throw new RangeError(`SeriesStore: drift.stuckAfter must be an integer >= 0, got ${String(this.stuckAfter)}`);
    this.cooldown = o.cooldown ?? 100;
    if (!(Number.isInteger(this.cooldown) && this.cooldown >= 0)) throw new RangeError(`SeriesStore: drift.cooldown must be an integer >= 0, got ${String(this.cooldown)}`);
    this.columns = drift === false ? undefined : columns();
    const psi = o.psi ?? false;
    if (typeof psi === 'object') refuseUnknownKeys(psi, ['window'], 'SeriesStore: drift.psi');
    else if (typeof psi !== 'boolean') throw new RangeError(`SeriesStore: drift.psi must be true, false or { window }, got ${JSON.stringify(psi)}`);
    this.psi = drift === false || psi === false ? undefined : new PsiWindows(typeof psi === 'object' ? (psi.window ?? 1000) : 1000);
  }

  /** Arms the alarms of a series frozen (or promoted) at event time `at` with `params` (fitted by `scaler`, when known). */
  arm(slot: number, params: FrozenParams, spec: ScalerSpec, at: number, scaler?: Scaler): void {
    const c = this.columns;
    if (c === undefined) return;
    this.psi?.arm(slot, scaler);
    const z = driftStandard(params, spec);
    const phi = this.ar1 ? c.windowPhi(slot) : 0;
    c.arm(slot, z.center, z.invScale, phi, this.cooldown, at);
  }

  /** Keeps the statistics a series served before a promotion (the oldest beyond `keepVersions` go). */
  remember(series: string, previous: FrozenParams): void {
    if (this.keepVersions === 1) return;
    let list = this.history.get(series);
    if (list === undefined) {
      list = [];
      this.history.set(series, list);
    }
    list.push(previous);
    if (list.length > this.keepVersions - 1) list.shift();
  }

  /** `report` with the notable drift scores of the store's frozen series (CUSUM ≥ 1 σ, PSI ≥ 0.1). */
  withDriftScores(report: DiagnosticsReport, store: SeriesStore): DiagnosticsReport {
    const columns = this.columns;
    if (columns === undefined) return report;
    for (const [id, slot] of store.index) {
      if (!store.table.isFrozen(slot)) continue;
      const cusum = columns.score(slot);
      const p = this.psi?.score(slot) ?? NaN;
      if (cusum >= 1 || p >= 0.1) report.drift[id] = p === p ? { cusum, psi: p } : { cusum };
    }
    return report;
  }

  /** The drift score of a slot (0 when drift is off). */
  score(slot: number): number {
    return this.columns === undefined ? 0 : this.columns.score(slot);
  }

  /** Raises an alarm: counted for the series, emitted on `drift$`. */
  raise(store: SeriesStore, alarm: DriftAlarm): void {
    store.diag.count(alarm.series, 'driftAlarms');
    store.diag.totals.alarms[alarm.kind]++;
    if (this.alarms.observed) this.alarms.next(alarm);
  }

  /** Starts a refit window for the frozen series at `slot` (none if it has one or waits for approval); true if started. */
  startRefit(store: SeriesStore, series: string, slot: number): boolean {
    const table = store.table;
    if (!table.isFrozen(slot) || table.hasShadow(slot) || this.waiting.has(slot)) return false;
    table.startShadow(slot, table.specs.create(table.specId(slot)));
    store.diag.count(series, 'refits');
    return true;
  }

  /**
   * Freezes the refit window of the series at `slot`: promoted at once (returned), or waiting for
   * approval (`approve` false: returns undefined, and the series goes on serving its current
   * statistics); undefined too when the window has no valid value yet (it is marked pending).
   */
  freezeRefit(store: SeriesStore, series: string, slot: number, approve: boolean): FrozenParams | undefined {
    const table = store.table;
    if (table.fitCount(slot) === 0) {
      table.setPending(slot, true);
      return undefined;
    }
    const at = table.windowTimes(slot)[1];
    const scaler = table.scalerOf(slot);
    const params = scaler.freeze(store.versions.next(slot));
    if (!approve) {
      this.waiting.set(slot, params);
      table.endShadow(slot, table.frozen(slot));
      store.diag.count(series, 'awaitingApproval');
      return undefined;
    }
    this.promote(store, series, slot, params, at, scaler);
    return params;
  }

  /** Promotes `params` for the series at `slot`: the current ones are kept for inverses, the alarms re-armed, `frozen$` told. */
  promote(store: SeriesStore, series: string, slot: number, params: FrozenParams, at: number, scaler?: Scaler): void {
    const table = store.table;
    this.remember(series, table.frozen(slot));
    this.waiting.delete(slot);
    table.endShadow(slot, params);
    this.arm(slot, params, table.specs.spec(table.specId(slot)), at, scaler);
    store.diag.count(series, 'promotions');
    store.versions.announce(series, params);
  }

  /** Forgets what the lifecycle keeps of a series leaving the store; returns the highest version it held. */
  forget(series: string, slot: number): number {
    const waiting = this.waiting.get(slot)?.version ?? 0;
    this.psi?.release(slot);
    this.waiting.delete(slot);
    this.history.delete(series);
    return waiting;
  }

  /** The statistics of version `version` of a series: current, or kept from before (undefined when unknown or too old). */
  paramsAt(store: SeriesStore, series: string, version: number): FrozenParams | undefined {
    const current = store.params(series);
    if (current?.version === version) return current;
    return this.history.get(series)?.find((p) => p.version === version);
  }
}
