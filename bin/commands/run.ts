import { EMPTY, Subject, defaultIfEmpty, lastValueFrom, merge, share, takeUntil, tap, type Observable } from 'rxjs';
import type { Reading } from '../../src/index.js';
import { SeriesStore, normalize } from '../../operators/index.js';
import { mqttSource, publishFrozenStats, publishNormalized, type SourceDiagnostics } from '../../connectors/mqtt/index.js';
import { fluxHistory, fluxTail, influxSink, influxqlHistory, influxqlTail, toInflux, type InfluxSink, type TimeInput } from '../../connectors/influx/index.js';
import { CliError, durationOption, flag, stringOption, type ParsedArgs } from '../cli/args.js';
import { checkBroker } from '../cli/broker-check.js';
import { loadConfigFile } from '../cli/config-file.js';
import { readRunConfig, type InfluxReadConfig, type RunConfig } from '../cli/run-config.js';
import { readStateFile, writeStateFile } from '../cli/state-file.js';
import { fitWindow } from '../cli/fit-window.js';
import { connectionState, httpFromArgs, influxReady, startCliDashboard, type HttpConfig } from '../http/cli.js';
import type { PipelineCounters } from '../http/source.js';
import { runCluster } from '../cluster/run-cluster.js';

/** `streamnorm run --config FILE` (options in bin/help.ts). */
export async function runCommand(args: ParsedArgs, out: (line: string) => void): Promise<number> {
  const path = stringOption(args, 'config');
  if (!path) throw new CliError('run: --config FILE is required (see streamnorm run --help)');
  const durationMs = durationOption(args, 'duration');
  const statusMs = durationOption(args, 'status-interval', 10_000) as number;
  const config = readRunConfig(loadConfigFile(path));
  if (config.cluster) return runCluster(config, { check: flag(args, 'check'), durationMs, statusMs, http: httpFromArgs(args, config.http) }, out);
  const http = httpFromArgs(args, config.http);
  // Eviction is the store's: take it out of the normalize options.
  const { idleEvictMs, ...normalizeOptions } = config.normalize;
  config.normalize = normalizeOptions;
  const store = new SeriesStore(idleEvictMs === undefined ? {} : { idleEvictMs });
  const resumed = config.state ? readStateFile(config.state.file) : undefined;
  for (const connect of brokers(config)) await checkBroker(connect);
  if (flag(args, 'check')) {
    out(`config ${path} is valid${resumed ? `; state file holds ${resumed.read.series.size} series` : ''}`);
    return 0;
  }
  if (resumed) {
    store.restore(resumed.snapshot);
    out(`resumed ${resumed.read.series.size} series from ${config.state?.file}`);
  }
  if (config.fit) await fitFromHistory(config.fit.influx, config, store, out);
  return bridge(config, store, out, durationMs, statusMs, http);
}

function brokers(config: RunConfig) {
  const list = [];
  if ('mqtt' in config.input) list.push(config.input.mqtt.connect);
  if (config.output.mqtt && config.output.mqtt.connect.url !== list[0]?.url) list.push(config.output.mqtt.connect);
  return list;
}

/** Learns a stored window, then freezes every series: statistics ready before live data. */
async function fitFromHistory(source: InfluxReadConfig & { start: TimeInput; stop?: TimeInput }, config: RunConfig, store: SeriesStore, out: (l: string) => void): Promise<void> {
  const history$ = source.query === 'flux' ? fluxHistory(source) : influxqlHistory(source);
  const summary = await fitWindow(history$, store, config.normalize);
  out(`fitted ${summary.series} series on ${summary.readings} stored readings (${source.query}, from ${String(source.start)}) and froze them`);
}

function liveReadings(config: RunConfig): { readings$: Observable<Reading>; malformed: () => number; diagnostics?: SourceDiagnostics } {
  if ('mqtt' in config.input) {
    const source = mqttSource(config.input.mqtt);
    return { readings$: source.readings$, malformed: () => source.diagnostics.counters.malformed, diagnostics: source.diagnostics };
  }
  const influx = config.input.influx;
  const readings$ = influx.query === 'flux' ? fluxTail({ ...influx, ...influx.tail }) : influxqlTail({ ...influx, ...influx.tail });
  return { readings$, malformed: () => 0 };
}

async function bridge(config: RunConfig, store: SeriesStore, out: (l: string) => void, durationMs: number | undefined, statusMs: number, http: HttpConfig | undefined): Promise<number> {
  const started = Date.now();
  const stop$ = new Subject<void>();
  const { readings$, malformed, diagnostics } = liveReadings(config);
  let received = 0;
  let published = 0;
  let publishFailed = 0;
  const sink: InfluxSink | undefined = config.output.influx ? influxSink(config.output.influx) : undefined;
  const [inState, outState] = [connectionState(), connectionState()];
  diagnostics?.events$.subscribe(inState.onEvent);
  // The dashboard reads these counters and probes (nothing is counted twice).
  const counters = (): PipelineCounters => ({
    received,
    malformed: malformed(),
    ...(diagnostics ? { deadLettered: diagnostics.counters.deadLettered } : {}),
    ...(config.output.mqtt ? { published, publishFailures: publishFailed } : {}),
    ...(sink ? { written: sink.report().written, writeFailures: sink.report().failed } : {}),
  });
  const readiness = { ...(diagnostics ? { 'mqtt-in': inState.connected } : {}), ...(config.output.mqtt ? { 'mqtt-out': outState.connected } : {}), ...(sink ? { influx: influxReady(sink) } : {}) };
  const dash = http ? await startCliDashboard(http, { title: 'streamnorm run', store, control: { freeze: (ids) => store.freeze(ids) }, counters, readiness }, out) : undefined;
  const normalized$ = readings$.pipe(
    takeUntil(stop$),
    tap(() => received++),
    normalize({ ...config.normalize, store }),
    tap((n) => dash?.tap(n)),
    share(),
  );
  const mqttOut = config.output.mqtt;
  const toMqtt$ = mqttOut
    ? normalized$.pipe(
        publishNormalized({ connect: mqttOut.connect, topic: mqttOut.topic, qos: mqttOut.qos, onEvent: outState.onEvent }),
        tap((ack) => (ack.ok ? published++ : publishFailed++)),
      )
    : EMPTY;
  const toInflux$ = sink ? normalized$.pipe(toInflux(sink)) : EMPTY;
  const stats$ =
    mqttOut?.statsTopic !== undefined
      ? store.frozen$.pipe(takeUntil(stop$), publishFrozenStats({ connect: { ...mqttOut.connect, clientId: `${mqttOut.connect.clientId ?? 'streamnorm'}-stats` }, topic: mqttOut.statsTopic }))
      : EMPTY;
  const done = lastValueFrom(merge(toMqtt$, toInflux$, stats$).pipe(defaultIfEmpty(undefined)));

  const checkpoint = (): void => {
    if (config.state) writeStateFile(config.state.file, store.snapshot());
  };
  const checkpointTimer = config.state ? setInterval(checkpoint, config.state.checkpointIntervalMs) : undefined;
  const status = (): string => {
    const d = store.diagnostics().totals;
    const influx = sink?.report();
    return `[${((Date.now() - started) / 1000).toFixed(0)} s] received ${received}, series ${store.size} (${d.frozen} frozen), mqtt published ${published} (${publishFailed} failed), influx written ${influx?.written ?? '-'} (${influx?.failed ?? '-'} failed), malformed ${malformed()}, invalid ${d.invalid.nan + d.invalid.null + d.invalid.infinite + d.invalid['not-a-number'] + d.invalid['out-of-domain']}`;
  };
  const statusTimer = statusMs > 0 ? setInterval(() => out(status()), statusMs) : undefined;

  let settle!: { resolve: (code: number) => void; reject: (e: Error) => void };
  const finished = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
  let stopping = false;
  const shutdown = async (error?: Error): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(checkpointTimer);
    clearInterval(statusTimer);
    stop$.next();
    stop$.complete();
    await done.catch(() => undefined);
    const report = sink ? await sink.close() : undefined;
    await dash?.close();
    checkpoint();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    out(`stopped: ${status()}`);
    if (report && report.failed > 0) out(`influx: ${report.failed} lines could not be written${config.output.influx?.spill ? ` (kept in ${config.output.influx.spill}; replay with replaySpill)` : ''}`);
    if (config.state) out(`state checkpointed to ${config.state.file}`);
    if (error) settle.reject(new CliError(`stopped on an error: ${error.message}`, 1));
    else settle.resolve(0);
  };
  const onSignal = (): void => void shutdown();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (durationMs !== undefined) setTimeout(onSignal, durationMs).unref();
  done.then(
    () => void shutdown(),
    (e: unknown) => void shutdown(e as Error),
  );
  return finished;
}
