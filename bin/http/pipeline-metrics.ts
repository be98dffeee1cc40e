import type { DashboardMetrics, MetricLabels, MetricSource } from './metrics.js';
import type { EventStream } from './event-stream.js';
import type { SeriesBoard } from './series-board.js';
import type { DashboardSource, PipelineCounters } from './source.js';

/** Metric name and help of each {@link PipelineCounters} key. */
export const COUNTER_METRICS: Readonly<Record<keyof PipelineCounters, readonly [string, string]>> = {
  received: ['streamnorm_received_readings_total', 'Readings taken from the input.'],
  malformed: ['streamnorm_malformed_total', 'Messages or fields the source refused as malformed.'],
  deadLettered: ['streamnorm_dead_letters_total', 'Refused messages republished to the dead-letter topic.'],
  published: ['streamnorm_published_total', 'Normalized readings published to MQTT and acknowledged.'],
  publishFailures: ['streamnorm_publish_failures_total', 'MQTT publishes of normalized readings that failed.'],
  written: ['streamnorm_written_lines_total', 'Lines InfluxDB acknowledged.'],
  writeFailures: ['streamnorm_write_failures_total', 'Lines that could not be written to InfluxDB.'],
};

/** Store totals that have metrics of their own; every other numeric total is an `event` of `streamnorm_diagnostic_events_total`. */
const OWN_METRIC = new Set(['readings', 'evicted', 'frozen', 'droppedInvalid', 'driftAlarms', 'promotions', 'refits']);

/** The store's other counters (outOfOrder, missingTime, holdOverflows, passedRaw, ...), whatever the store reports. */
function events(totals: object): [MetricLabels, number][] {
  return Object.entries(totals).flatMap(([event, n]): [MetricLabels, number][] => (typeof n === 'number' && !OWN_METRIC.has(event) ? [[{ event }, n]] : []));
}

const labelled = <K extends string>(label: string, values: Readonly<Record<K, number>>): [MetricLabels, number][] => Object.entries<number>(values).map(([k, v]) => [{ [label]: k }, v]);

/**
 * Registers the pipeline's metrics: the store's counters (read from `store.diagnostics()` once per
 * scrape, so they are the store's numbers, not a second count), series by phase, outputs by phase
 * (from the output tap), the pipeline counters the source gives, and the dashboard's own.
 */
export function registerPipelineMetrics(metrics: DashboardMetrics, source: DashboardSource, board: SeriesBoard, stream: EventStream): void {
  const totals = metrics.perScrape(() => source.store.diagnostics().totals);
  const store = source.store;
  const sources: MetricSource[] = [
    { name: 'streamnorm_readings_total', help: 'Readings seen by the normalizing operators (store diagnostics).', type: 'counter', read: () => totals().readings },
    { name: 'streamnorm_outputs_total', help: 'Normalized outputs by phase (fitting, frozen, passthrough).', type: 'counter', labelNames: ['phase'], read: () => labelled('phase', board.outputsByPhase) },
    { name: 'streamnorm_invalid_total', help: 'Invalid values by reason (store diagnostics).', type: 'counter', labelNames: ['reason'], read: () => labelled('reason', totals().invalid) },
    { name: 'streamnorm_invalid_dropped_total', help: 'Invalid values not emitted (invalid: drop).', type: 'counter', read: () => totals().droppedInvalid },
    {
      name: 'streamnorm_diagnostic_events_total',
      help: 'Other counters of the store diagnostics, by name (outOfOrder, missingTime, holdOverflows, passedRaw, ...).',
      type: 'counter',
      labelNames: ['event'],
      read: () => events(totals()),
    },
    { name: 'streamnorm_evictions_total', help: 'Series evicted as idle.', type: 'counter', read: () => totals().evicted },
    { name: 'streamnorm_freezes_total', help: 'Series frozen, including restored ones.', type: 'counter', read: () => totals().frozen },
    { name: 'streamnorm_drift_alarms_total', help: 'Drift alarms on frozen statistics, by kind (cusum, psi, stuck).', type: 'counter', labelNames: ['kind'], read: () => labelled('kind', totals().alarms) },
    { name: 'streamnorm_refits_total', help: 'Refit windows started (on an alarm, a schedule or by hand).', type: 'counter', read: () => totals().refits },
    { name: 'streamnorm_promotions_total', help: 'New statistics promoted after a refit.', type: 'counter', read: () => totals().promotions },
    {
      name: 'streamnorm_series',
      help: 'Series in the store by phase.',
      type: 'gauge',
      labelNames: ['phase'],
      read: () => {
        const byPhase: Record<string, number> = { fitting: 0, frozen: 0 };
        for (const id of store.keys()) {
          const p = store.phase(id) ?? 'unknown';
          byPhase[p] = (byPhase[p] ?? 0) + 1;
        }
        return labelled('phase', byPhase);
      },
    },
    { name: 'streamnorm_dashboard_clients', help: 'Pages connected to the event stream.', type: 'gauge', read: () => stream.stats().clients },
    {
      name: 'streamnorm_dashboard_connections_total',
      help: 'Event-stream connections by how they started: replay (after Last-Event-ID) or snapshot.',
      type: 'counter',
      labelNames: ['start'],
      read: () => [
        [{ start: 'replay' }, stream.stats().replays],
        [{ start: 'snapshot' }, stream.stats().snapshots],
      ],
    },
    { name: 'streamnorm_dashboard_resyncs_total', help: 'Snapshots sent to pages whose socket fell behind.', type: 'counter', read: () => stream.stats().resyncs },
  ];
  if (source.counters !== undefined) {
    const counters = metrics.perScrape(source.counters);
    for (const key of Object.keys(source.counters()) as (keyof PipelineCounters)[]) {
      const [name, help] = COUNTER_METRICS[key] ?? [];
      if (name === undefined || help === undefined) continue;
      sources.push({ name, help, type: 'counter', read: () => counters()[key] ?? 0 });
    }
  }
  for (const s of sources) metrics.add(s);
}
