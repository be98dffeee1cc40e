import { connectAsync } from 'mqtt';
import { Subject, defaultIfEmpty, lastValueFrom, takeUntil, tap } from 'rxjs';
import type { Normalized, ScalerSpec } from '../../src/index.js';
import { SeriesStore, normalize } from '../../operators/index.js';
import { mqttSource, publishFrozenStats, publishNormalized } from '../../connectors/mqtt/index.js';
import { durationOption, flag, intOption, stringOption, type ParsedArgs } from '../cli/args.js';
import { scalerSpecFromArgs } from '../cli/scaler-args.js';
import { writeStateFile } from '../cli/state-file.js';
import { startEmbeddedBroker } from '../demo/embedded-broker.js';
import { FIELD_UNITS } from '../demo/fleet.js';
import { DEMO_DRIFT, DEMO_REFIT, demoStep, reportLifecycle, trainTicks } from '../demo/lifecycle.js';
import { renderView } from '../demo/live-view.js';
import { runSimulator } from '../demo/simulator.js';
import { ViewState } from '../demo/view-state.js';
import { DEMO_HTTP, connectionState, httpFromArgs, startCliDashboard, storeControl, storeLifecycle } from '../http/cli.js';

/** `streamnorm demo` (options in bin/help.ts). Resolves to the exit code once everything is closed. */
export async function demoCommand(args: ParsedArgs, out: (line: string) => void): Promise<number> {
  const periodMs = durationOption(args, 'period', 200) as number;
  const speed = intOption(args, 'speed', 20, 1);
  const train = intOption(args, 'train', trainTicks(periodMs, speed), 1);
  const durationMs = durationOption(args, 'duration');
  const sites = intOption(args, 'sites', 2, 1);
  const devicesPerSite = intOption(args, 'devices', 2, 1);
  const port = intOption(args, 'port', 0, 0);
  const save = stringOption(args, 'save');
  const spec = scalerSpecFromArgs(args);
  // Light spans orders of magnitude: it is learned on a log scale (unless --pre says otherwise).
  const scaler = (series: string): ScalerSpec => (series.endsWith('/light') && args.values.pre === undefined ? { ...spec, pre: 'log' } : spec);
  const http = httpFromArgs(args, DEMO_HTTP);
  const live = !flag(args, 'no-view') && process.stdout.isTTY === true && http === undefined;

  const broker = await startEmbeddedBroker(port);
  const started = Date.now();
  const stop$ = new Subject<void>();
  const store = new SeriesStore({ drift: DEMO_DRIFT });
  const step = flag(args, 'no-step') ? undefined : demoStep(sites, train);
  const view = new ViewState(store, FIELD_UNITS);
  let received = 0;
  let published = 0;
  let publishFailures = 0;

  const source = mqttSource({
    connect: { url: broker.url, clientId: 'streamnorm-demo-in', protocolVersion: 4 },
    topics: 'sensors/+site/+device',
    codec: { kind: 'json', fields: '*', time: 'time' },
    timeUnit: 'ms',
    qos: 0,
  });
  const [inState, outState] = [connectionState(), connectionState()];
  source.diagnostics.events$.subscribe(inState.onEvent);
  const counters = () => ({ received, malformed: source.diagnostics.counters.malformed, deadLettered: source.diagnostics.counters.deadLettered, published, publishFailures });
  const readiness = { 'mqtt-in': inState.connected, 'mqtt-out': outState.connected };
  const dash = http ? await startCliDashboard(http, { title: 'streamnorm demo', store, control: storeControl(store), lifecycle: storeLifecycle(store), counters, readiness }, out).catch(async (e: unknown) => {
    await broker.close();
    throw e;
  }) : undefined;
  const pipeline = source.readings$.pipe(
    takeUntil(stop$),
    tap(() => received++),
    normalize({ scaler, freeze: { afterSamples: train }, refit: DEMO_REFIT, whileFitting: 'provisional', invalid: 'flag', store }),
    tap((n: Normalized) => {
      view.update(n);
      dash?.tap(n);
    }),
    publishNormalized({ connect: { url: broker.url, clientId: 'streamnorm-demo-out', protocolVersion: 4 }, topic: 'normalized/{site}/{device}/{field}', qos: 0, onEvent: outState.onEvent }),
    tap((ack) => (ack.ok ? published++ : publishFailures++)),
  );
  const stats = store.frozen$.pipe(takeUntil(stop$), publishFrozenStats({ connect: { url: broker.url, clientId: 'streamnorm-demo-stats', protocolVersion: 4 } }));

  const done = Promise.all([lastValueFrom(pipeline.pipe(defaultIfEmpty(undefined))), lastValueFrom(stats.pipe(defaultIfEmpty(undefined)))]);
  const simClient = await connectAsync(broker.url, { clientId: 'streamnorm-demo-sensors' });
  await new Promise((r) => setTimeout(r, 100)); // let the source subscribe before the first tick
  const sim = runSimulator(simClient, { periodMs, sites, devicesPerSite, speed, ...(step === undefined ? {} : { step }) });
  const lifecycle = live ? undefined : reportLifecycle(store, out);

  const model = () => ({
    title: `streamnorm demo — broker ${broker.url} — fit on ${train} samples per series (the slowest cycle), then frozen; refit on drift`,
    elapsedMs: Date.now() - started,
    received,
    published,
    malformed: source.diagnostics.counters.malformed,
    rows: view.rows(),
    notes: [
      'raw: as received (NaN, null and "ERR" are counted as invalid, never learned); normalized: with frozen statistics',
      'site1/dev1/humidity is a stuck sensor: zero spread, scale 1 (flagged); light is learned on a log scale',
      step ? `${step.site}/${step.device}/${step.field} steps by +${step.size} after ${step.atTick} ticks: its drift score climbs, a refit starts, v2 is promoted` : '',
      live ? 'Ctrl-C to stop' : '',
    ].filter(Boolean),
  });
  const render = (): void => {
    if (live) process.stdout.write(`\x1b[H\x1b[2J${renderView(model(), true)}\n`);
    else {
      const m = model();
      out(`[${(m.elapsedMs / 1000).toFixed(1)} s] received ${m.received}, published ${m.published}, malformed ${m.malformed}, series ${m.rows.length} (${m.rows.filter((r) => r.phase === 'frozen').length} frozen)`);
    }
  };
  const timer = setInterval(render, live ? 500 : 2000);

  let stopping: Promise<number> | undefined;
  const shutdown = (): Promise<number> =>
    (stopping ??= (async () => {
      clearInterval(timer);
      lifecycle?.unsubscribe();
      sim.stop();
      await simClient.endAsync();
      await new Promise((r) => setTimeout(r, 200)); // let the last messages through
      stop$.next();
      stop$.complete();
      await done;
      await dash?.close();
      await broker.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (live) process.stdout.write(`\x1b[H\x1b[2J`);
      out(renderView(model(), live));
      const d = store.diagnostics().totals;
      out('');
      out(`stopped after ${((Date.now() - started) / 1000).toFixed(1)} s: ${sim.published()} messages sent, ${received} readings received, ${published} normalized readings published (${publishFailures} failed), ${source.diagnostics.counters.malformed} malformed messages, ${d.invalid.nan + d.invalid.null + d.invalid['not-a-number'] + d.invalid.infinite} invalid values, ${d.frozen} series frozen`);
      if (save) {
        writeStateFile(save, store.snapshot());
        out(`snapshot written to ${save}`);
      }
      return 0;
    })());
  let settle!: { resolve: (code: number) => void; reject: (e: Error) => void };
  const finished = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
  const onSignal = (): void => void shutdown().then(settle.resolve, settle.reject);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (durationMs !== undefined) setTimeout(onSignal, durationMs).unref();
  done.catch(async (e: unknown) => {
    // A fatal pipeline error (e.g. the broker refused the subscription): clean up and report it.
    clearInterval(timer);
    sim.stop();
    await simClient.endAsync(true);
    await dash?.close();
    await broker.close();
    settle.reject(e as Error);
  });
  return finished;
}
