import type { SeriesStore } from '../../operators/index.js';
import type { MqttEvent } from '../../connectors/mqtt/index.js';
import { CliError } from '../cli/args.js';
import { classifyConnectError, connectError } from '../cli/broker-check.js';
import type { RunConfig } from '../cli/run-config.js';
import { connectionState, influxReady, startCliDashboard, storeControl, storeLifecycle, type CliDashboard, type HttpConfig } from '../http/cli.js';
import { Checkpointer } from './checkpointer.js';
import { openInput } from './inputs.js';
import { Ledger } from './ledger.js';
import { Outputs } from './outputs.js';
import { bridgeStages } from './stages.js';
import { shutdownSequence } from './shutdown.js';
import { addDeliveryMetrics, pipelineCounters, statusLine, type BridgeParts } from './status.js';

import { BRIDGE_NORMALIZE_DEFAULTS } from './defaults.js';

export { BRIDGE_NORMALIZE_DEFAULTS };

/** How long `run` goes on and how often it says so. */
export interface RunTiming {
  durationMs: number | undefined;
  statusMs: number;
}

/**
 * The bridge: input → normalize → outputs, with at-least-once delivery end to end (see
 * `Ledger`, `Outputs`, `Checkpointer`, `Processor`): each input message is acknowledged once its
 * outputs are confirmed and what a fit learned from it is checkpointed; at most
 * `delivery.maxUnacknowledged` messages are unacknowledged (then the broker keeps the rest).
 * Resolves to the exit code once stopped (SIGINT/SIGTERM, `--duration`, or an error).
 */
export async function bridge(config: RunConfig, store: SeriesStore, out: (l: string) => void, timing: RunTiming, http: HttpConfig | undefined, resumed?: { bridge?: unknown }): Promise<number> {
  const started = Date.now();
  let received = 0;
  const { idleEvictMs: _evict, ...normalizeOptions } = { ...BRIDGE_NORMALIZE_DEFAULTS, ...config.normalize };
  if (normalizeOptions.whileFitting === 'hold' && normalizeOptions.holdLimit === undefined) normalizeOptions.holdLimit = Math.min(10_000, config.delivery.maxUnacknowledged);
  const [inState, outState] = [connectionState(), connectionState()];
  const fatal = (what: string, url: string) => (e: MqttEvent) => {
    if (e.type === 'error' && e.fatal) shutdown.stop(connectError(url, classifyConnectError(e.error), what));
  };
  const inputUrl = 'mqtt' in config.input ? config.input.mqtt.connect.url : '';
  const outputUrl = config.output.mqtt?.connect.url ?? '';

  // The dashboard first: a busy port is an error before any connection is made.
  const ref: { parts?: BridgeParts } = {};
  const readiness = {
    ...('mqtt' in config.input ? { 'mqtt-in': inState.connected } : {}),
    ...(config.output.mqtt ? { 'mqtt-out': outState.connected } : {}),
    ...(config.output.influx ? { influx: () => (outputs.influx ? influxReady(outputs.influx)() : false) } : {}),
  };
  const dash: CliDashboard | undefined = http
    ? await startCliDashboard(http, { title: 'streamnorm run', store, control: storeControl(store), lifecycle: storeLifecycle(store), counters: pipelineCounters(config, () => ref.parts), readiness }, out)
    : undefined;
  const ledger = new Ledger(config.state !== undefined, (n) => checkpointer.learned(n));
  const outputs = new Outputs(config, ledger, out, (e) => shutdown.stop(e), (e, which) => {
    if (which === 'mqtt-out') outState.onEvent(e);
    fatal('the output MQTT broker', outputUrl)(e);
  });
  const checkpointer = new Checkpointer(config.state?.file, () => ({ ...store.snapshot(), bridge: processor.bridgeState() }), ledger, { intervalMs: config.state?.checkpointIntervalMs ?? 30_000, delayMs: config.delivery.checkpointDelayMs, bound: config.delivery.maxUnacknowledged }, () => outputs.open(), out);
  const stages = bridgeStages(
    config,
    normalizeOptions,
    store,
    ledger,
    (o, entry) => {
      dash?.tap(o);
      outputs.send(o, entry);
    },
    (f) => {
      if (checkpointer.enabled) {
        outputs.gate();
        checkpointer.now();
      }
      outputs.sendStats(f);
    },
    (e) => shutdown.stop(new CliError(`stopped on an error: ${e.message}`, 1)),
  );
  const processor = stages.processor;
  processor.restoreBridgeState(resumed?.bridge);
  // At the bound with nothing in flight, if only held readings keep the oldest message (a window
  // that cannot fill: its series' next readings are behind the bound, at the broker), the window
  // holding it is released by holdOverflow (counted). The bound counts messages not acknowledged
  // yet, settled or not: the broker sends no more while that many wait (Receive Maximum).
  const holdWatch = processor.held
    ? setInterval(() => {
        if (input.unacknowledged() < config.delivery.maxUnacknowledged || outputs.pending > 0 || ledger.waitingForCheckpoint > 0) return;
        while (processor.blockedByHolds() && processor.held?.breakAtBound());
      }, 50)
    : undefined;
  const input = openInput(
    config,
    (e) => {
      inState.onEvent(e);
      fatal('the input MQTT broker', inputUrl)(e);
    },
    () => undefined,
    (e) => shutdown.stop(new CliError(`stopped on an error: ${e.message}`, 1)),
  );
  const parts: BridgeParts = { started, received: () => received, store, input, outputs, ledger, checkpointer, processor, rows: stages.rows };
  ref.parts = parts;
  if (dash) addDeliveryMetrics(dash.dashboard.metrics, parts);
  const statusTimer = timing.statusMs > 0 ? setInterval(() => out(statusLine(parts)), timing.statusMs) : undefined;

  const shutdown = shutdownSequence(
    {
      stopInput: () => {
        clearInterval(statusTimer);
        clearInterval(holdWatch);
        input.stopTaking();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      },
      drained: () => outputs.idle(),
      checkpoint: () => {
        checkpointer.stop();
        checkpointer.write();
        processor.stop();
      },
      close: async (abandon) => {
        await outputs.close(abandon);
        await input.end();
        await dash?.close();
      },
      report: (inTime) => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        out(`stopped: ${statusLine(parts)}`);
        if (!inTime) out(`outputs not confirmed within ${config.delivery.drainTimeoutMs} ms: their messages stay unacknowledged and come again after a restart`);
        const report = outputs.influx?.report();
        if (report && report.failed > 0) out(`influx: ${report.failed} lines could not be written${config.output.influx?.spill ? ` (${report.spilled} kept in ${config.output.influx.spill}; replay with replaySpill)` : ''}`);
        if (config.state) out(`state checkpointed to ${config.state.file}`);
      },
    },
    config.delivery.drainTimeoutMs,
  );
  const onSignal = (): void => shutdown.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (timing.durationMs !== undefined) setTimeout(onSignal, timing.durationMs).unref();

  input.start((readings, settle, dup) => {
    const entry = ledger.openEntry(settle);
    received += readings.length;
    stages.take(readings, entry, dup);
    ledger.done(entry);
  });
  return shutdown.finished;
}
