import type { SeriesStore } from '../../operators/index.js';
import type { RunConfig } from '../cli/run-config.js';
import type { DashboardMetrics } from '../http/metrics.js';
import type { PipelineCounters } from '../http/source.js';
import type { Checkpointer } from './checkpointer.js';
import type { Input } from './inputs.js';
import type { Ledger } from './ledger.js';
import type { Outputs } from './outputs.js';
import type { PerSampleRows } from './per-sample-rows.js';
import type { ReadingProcessor } from './reading-processor.js';

/** The parts of a running bridge that its status line, dashboard counters and metrics read. */
export interface BridgeParts {
  started: number;
  received: () => number;
  store: SeriesStore;
  input: Input;
  outputs: Outputs;
  ledger: Ledger;
  checkpointer: Checkpointer;
  processor: ReadingProcessor;
  rows: PerSampleRows | undefined;
}

/** The dashboard's pipeline counters, keys by the config (each present key becomes a metric; nothing counted twice). */
export function pipelineCounters(config: RunConfig, parts: () => BridgeParts | undefined): () => PipelineCounters {
  return () => {
    const p = parts();
    const c = p?.outputs.counters;
    return {
      received: p?.received() ?? 0,
      malformed: p?.input.malformed() ?? 0,
      ...('mqtt' in config.input ? { deadLettered: p?.input.mqtt?.diagnostics.counters.deadLettered ?? 0 } : {}),
      ...(config.output.mqtt ? { published: c?.published ?? 0, publishFailures: c?.publishRefused ?? 0 } : {}),
      ...(config.output.influx ? { written: c?.written ?? 0, writeFailures: p?.outputs.influx?.report().failed ?? 0 } : {}),
    };
  };
}

/**
 * The delivery metrics: `streamnorm_unacknowledged_messages` (messages taken and not acknowledged),
 * `streamnorm_checkpoint_age_seconds` (since the latest checkpoint, or the start), and the outputs
 * and held readings waiting.
 */
export function addDeliveryMetrics(metrics: DashboardMetrics, p: BridgeParts): void {
  metrics.add({ name: 'streamnorm_unacknowledged_messages', help: 'Input messages taken and not yet acknowledged (bounded by delivery.maxUnacknowledged).', type: 'gauge', read: () => p.input.unacknowledged() });
  metrics.add({ name: 'streamnorm_checkpoint_age_seconds', help: 'Seconds since the state file was last written (since the start before the first write).', type: 'gauge', read: () => (Date.now() - p.checkpointer.lastAt) / 1000 });
  metrics.add({ name: 'streamnorm_outputs_pending', help: 'Outputs handed to a sink or waiting for a checkpoint, not yet confirmed.', type: 'gauge', read: () => p.outputs.pending });
  metrics.add({ name: 'streamnorm_held_readings', help: 'Readings held back for a later output: until their series freezes (whileFitting: hold) or their mini-batch closes (batchNorm in train mode).', type: 'gauge', read: () => p.processor.held?.size ?? 0 });
  const rows = p.rows;
  if (rows !== undefined) {
    metrics.add({
      name: 'streamnorm_per_sample_rows_total',
      help: 'Rows of the perSample stage by outcome: emitted (complete), partial (emitted without some fields, missing: rest), dropped.',
      type: 'counter',
      labelNames: ['outcome'],
      read: () => {
        const d = rows.diagnostics;
        return [[{ outcome: 'emitted' }, d.emitted - d.partial], [{ outcome: 'partial' }, d.partial], [{ outcome: 'dropped' }, d.dropped]] as const;
      },
    });
    metrics.add({ name: 'streamnorm_per_sample_unrowed_total', help: 'Outputs with no field tag, which cannot be in a perSample row (not sent).', type: 'counter', read: () => rows.unrowed });
  }
  metrics.add({ name: 'streamnorm_spilled_lines_total', help: 'InfluxDB lines kept in the spill file (written later with replaySpill).', type: 'counter', read: () => p.outputs.counters.spilled });
}

/** One status line. */
export function statusLine(p: BridgeParts): string {
  const d = p.store.diagnostics().totals;
  const c = p.outputs.counters;
  const influx = p.outputs.influx?.report();
  const parts = [
    `received ${p.received()}`,
    `series ${p.store.size} (${d.frozen} frozen)`,
    `mqtt published ${p.outputs.mqtt ? c.published : '-'} (${p.outputs.mqtt ? c.publishRefused : '-'} failed)`,
    `influx written ${influx?.written ?? '-'} (${influx?.failed ?? '-'} failed, ${influx ? c.spilled : '-'} spilled)`,
    `malformed ${p.input.malformed()}`,
    `invalid ${d.invalid.nan + d.invalid.null + d.invalid.infinite + d.invalid['not-a-number'] + d.invalid['out-of-domain']}`,
    `late ${d.skippedLate}, implausible time ${d.implausibleTime}`,
    ...p.processor.status(),
    ...(p.rows ? [`rows ${p.rows.diagnostics.emitted} (${p.rows.diagnostics.dropped} dropped, ${p.rows.diagnostics.partial} partial, ${p.rows.unrowed} outputs without a field)`] : []),
    `unacknowledged ${p.input.unacknowledged()}`,
  ];
  return `[${((Date.now() - p.started) / 1000).toFixed(0)} s] ${parts.join(', ')}`;
}
