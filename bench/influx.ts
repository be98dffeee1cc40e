/**
 * Section 7: InfluxDB sink throughput against VictoriaMetrics (which speaks /api/v2/write), points/s
 * from the first write until VictoriaMetrics holds every point (polled), against the bare @influxdata/influxdb-client WriteApi
 * writing the same points (one Point per reading, same batch size, a buffer large enough that it
 * drops nothing). After each run the points stored are counted from VictoriaMetrics'
 * /api/v1/export: a point reported written but not stored, or lost by the client, shows in the
 * figure's note.
 */
import { InfluxDB, Point, setLogger } from '@influxdata/influxdb-client';
import { influxSink } from '../connectors/influx/sink.js';
import type { Normalized } from '../src/reading.js';
import type { BenchConfig } from './config.js';
import { seriesIds, valueStream } from './data.js';
import { interleave, type Case } from './interleave.js';
import { startVictoria } from './servers.js';
import type { VictoriaMetrics } from '../test/helpers/victoria.js';
import type { SectionOutcome } from './suite.js';

const BATCH = 1000;
const SERIES = 1000;

/** `count` frozen outputs of 1000 series, 1 ms apart, ending now. */
function outputs(count: number, run: number): Normalized[] {
  const ids = seriesIds(SERIES);
  const values = valueStream(count, 777 + run);
  const t0 = Date.now() - count - 60_000;
  return Array.from({ length: count }, (_, i): Normalized => ({ series: ids[i % SERIES] as string, raw: values[i] as number, value: ((values[i] as number) - 25) / 2.9, time: t0 + i, phase: 'frozen', version: 1 }));
}

/** Writes through influxSink; returns points/s (until `settle`) and throws if any point was not written. */
async function viaSink(url: string, points: readonly Normalized[], measurement: string, settle: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  const sink = influxSink({ url, bucket: 'bench', measurement, batchSize: BATCH, maxQueueLines: points.length * 2 });
  for (const n of points) sink.write(n);
  const report = await sink.close();
  await settle();
  const ms = performance.now() - t0;
  if (report.written !== points.length) throw new Error(`influxSink wrote ${report.written} of ${points.length} points: ${JSON.stringify(report.failedBy)}`);
  return (points.length / ms) * 1000;
}

/**
 * Writes the same points through the client's WriteApi; throws if the client reports a failure.
 * `close()` of WriteApi 1.35 resolves before the batches sent by the size trigger are answered,
 * so the time runs until `settle` (every point visible in VictoriaMetrics, or its time bound).
 */
async function viaClient(url: string, points: readonly Normalized[], measurement: string, settle: () => Promise<void>): Promise<number> {
  let failed = 0;
  const t0 = performance.now();
  const api = new InfluxDB({ url, timeout: 10_000 }).getWriteApi('bench', 'bench', 'ms', {
    batchSize: BATCH,
    maxBufferLines: points.length * 2,
    writeFailed: (_error, lines) => {
      failed += lines.length;
    },
  });
  for (const n of points) api.writePoint(new Point(measurement).tag('series', n.series).floatField('value', n.value).timestamp(n.time as number));
  await api.close();
  await settle();
  const ms = performance.now() - t0;
  if (failed > 0) throw new Error(`WriteApi reported ${failed} failed lines of ${points.length}`);
  return (points.length / ms) * 1000;
}

/** Request errors the client logged (each retried or given up by the client itself). */
let clientErrors = 0;

/** Points of `measurement` that VictoriaMetrics holds (it names the field's series `measurement_value`). */
async function stored(vm: VictoriaMetrics, measurement: string): Promise<number> {
  await vm.flush();
  const series = await vm.exportSeries(`{__name__="${measurement}_value"}`);
  return series.reduce((n, s) => n + s.values.length, 0);
}

/** Waits until VictoriaMetrics holds `count` points of `measurement`, polling, for at most `boundMs`. */
async function untilStored(vm: VictoriaMetrics, measurement: string, count: number, boundMs = 30_000): Promise<void> {
  const deadline = performance.now() + boundMs;
  while ((await stored(vm, measurement)) < count && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Section 7. */
export async function benchInflux(cfg: BenchConfig, log: (line: string) => void): Promise<SectionOutcome> {
  const vm = await startVictoria();
  if ('skipped' in vm) return { figures: [], skipped: [vm.skipped] };
  log(`influx: VictoriaMetrics at ${vm.url}`);
  clientErrors = 0;
  const previous = setLogger({ error: () => void clientErrors++, warn: () => undefined });
  try {
    const points = outputs(cfg.influxPoints, 0);
    let run = 0;
    const missing = { 'influx.bare-client': 0, 'influx.sink': 0 };
    const counted = (name: keyof typeof missing, write: (m: string, settle: () => Promise<void>) => Promise<number>) => async (): Promise<number> => {
      const m = `bench_${name.slice(7).replace('-', '_')}_${run++}`;
      const rate = await write(m, () => untilStored(vm, m, points.length));
      missing[name] += points.length - (await stored(vm, m));
      return rate;
    };
    const cases: Case[] = [
      { name: 'influx.bare-client', run: counted('influx.bare-client', (m, settle) => viaClient(vm.url, points, m, settle)) },
      { name: 'influx.sink', run: counted('influx.sink', (m, settle) => viaSink(vm.url, points, m, settle)) },
    ];
    const runs = await interleave(cases, cfg.servers);
    const what = `${cfg.influxPoints} points, ${SERIES} series, batches of ${BATCH}`;
    const note = (name: keyof typeof missing, extra: string): string => `${missing[name] === 0 ? 'every point stored' : `${missing[name]} points missing in VictoriaMetrics`} over all runs${extra}`;
    return {
      figures: [
        { name: 'influx.bare-client', section: 'influx', label: `bare influxdb-client WriteApi (${what})`, unit: 'points/s', runs: runs.get('influx.bare-client') ?? [], baseline: 'influx.bare-client', note: note('influx.bare-client', `; ${clientErrors} request errors logged by the client`) },
        { name: 'influx.sink', section: 'influx', label: `influxSink (${what}, at most 2 requests in flight)`, unit: 'points/s', runs: runs.get('influx.sink') ?? [], baseline: 'influx.bare-client', note: note('influx.sink', '') },
      ],
      skipped: [],
    };
  } finally {
    setLogger(previous);
    await vm.stop();
  }
}
