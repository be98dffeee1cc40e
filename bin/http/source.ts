import type { DriftAlarm } from '../../operators/index.js';
import type { Observable } from 'rxjs';
import type { Normalized } from '../../src/index.js';
import type { SeriesStore } from '../../operators/index.js';

/**
 * The part of a {@link SeriesStore} the dashboard reads. A `SeriesStore` is one; anything with the
 * same methods (a store wrapped by the lifecycle) works too.
 */
export type DashboardStore = Pick<SeriesStore, 'diagnostics' | 'frozen$' | 'phase' | 'params' | 'keys' | 'size'>;

/** Result of a control-plane action: the series it applied to. */
export type ActionResult = readonly string[] | Promise<readonly string[]>;

/**
 * What the page may do. Only `freeze` exists today (`store.freeze(ids)`); `refit` and `approve`
 * come with the statistics lifecycle. An action that is absent is not offered: the page hides its
 * button and `POST /api/actions/{action}` answers 404.
 */
export interface ControlPlane {
  /** Freezes the named fitting series now; returns the ids frozen. */
  freeze(ids: readonly string[]): ActionResult;
  /** Starts a refit (a shadow fit) of the named series; returns the ids that started one. */
  refit?(ids: readonly string[]): ActionResult;
  /** Approves the pending promotion of the named series; returns the ids promoted. */
  approve?(ids: readonly string[]): ActionResult;
}

/** The names of the control plane's actions. */
export const ACTIONS = ['freeze', 'refit', 'approve'] as const;
/** One control-plane action name. */
export type ActionName = (typeof ACTIONS)[number];

/** A drift alarm, as the store's `drift$` emits it. */
export type { DriftAlarm } from '../../operators/index.js';

/**
 * Counters of the pipeline outside the store (connectors' counts), read when the overview is
 * built and at each scrape. Give the ones the pipeline has; each present key becomes a metric.
 */
export interface PipelineCounters {
  /** Readings taken from the input. */
  received?: number;
  /** Messages or fields the source refused (malformed). */
  malformed?: number;
  /** Refused messages republished to the dead-letter topic. */
  deadLettered?: number;
  /** Normalized readings the MQTT sink published (acknowledged). */
  published?: number;
  /** MQTT publishes that failed. */
  publishFailures?: number;
  /** Lines InfluxDB acknowledged. */
  written?: number;
  /** Lines that could not be written to InfluxDB. */
  writeFailures?: number;
}

/**
 * Everything the dashboard reads: the store, a tap of the normalized output stream, and the
 * optional parts (control plane, pipeline counters, and the lifecycle's drift scores, pending
 * promotions and alarms).
 */
export interface DashboardSource {
  store: DashboardStore;
  /** Every normalized output (a hot tap of the pipeline; the dashboard subscribes once). */
  normalized$: Observable<Normalized>;
  /** Actions the page offers; none when absent (a read-only dashboard). */
  control?: ControlPlane;
  counters?: () => PipelineCounters;
  /** Drift alarms as they happen. */
  alarms$?: Observable<DriftAlarm>;
  /** A series' drift score, or undefined while it has none. */
  driftScore?: (series: string) => number | undefined;
  /** The version of a series waiting for approval, or undefined. */
  pendingVersion?: (series: string) => number | undefined;
}

/**
 * Readiness probes by name (`mqtt-in`, `mqtt-out`, `influx`): `/readyz` answers 200 when every
 * probe says true, else 503 naming the ones that do not. A probe that throws counts as false.
 */
export type ReadinessProbes = Readonly<Record<string, () => boolean | Promise<boolean>>>;
