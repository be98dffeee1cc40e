/**
 * Section 7: InfluxDB sink throughput against VictoriaMetrics (which speaks /api/v2/write), points/s
 * from the first write to the drained close, against the bare @influxdata/influxdb-client WriteApi
 * writing the same points (one Point per reading, same batch size, a buffer large enough that it
 * drops nothing).
 */
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { influxSink } from '../connectors/influx/sink.js';
import type { Normalized } from '../src/reading.js';
import type { BenchConfig } from './config.js';
import { seriesIds, valueStream } from './data.js';
import { interleave, type Case } from './interleave.js';
import { startVictoria } from './servers.js';
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

/** Writes through influxSink; returns points/s and throws if any point was not written. */
async function viaSink(url: string, points: readonly Normalized[], measurement: string): Promise<number> {
  const t0 = performance.now();
  const sink = influxSink({ url, bucket: 'bench', measurement, batchSize: BATCH, maxQueueLines: points.length * 2 });
  for (const n of points) sink.write(n);
  const report = await sink.close();
  const ms = performance.now() - t0;
  if (report.written !== points.length) throw new Error(`influxSink wrote ${report.written} of ${points.length} points: ${JSON.stringify(report.failedBy)}`);
  return (points.length / ms) * 1000;
}

/** Writes the same points through the client's WriteApi; throws if the client reports a failure. */
async function viaClient(url: string, points: readonly Normalized[], measurement: string): Promise<number> {
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
  const ms = performance.now() - t0;
  if (failed > 0) throw new Error(`WriteApi reported ${failed} failed lines of ${points.length}`);
  return (points.length / ms) * 1000;
}

/** Section 7. */
export async function benchInflux(cfg: BenchConfig, log: (line: string) => void): Promise<SectionOutcome> {
  const vm = await startVictoria();
  if ('skipped' in vm) return { figures: [], skipped: [vm.skipped] };
  log(`influx: VictoriaMetrics at ${vm.url}`);
  try {
    const points = outputs(cfg.influxPoints, 0);
    let run = 0;
    const cases: Case[] = [
      { name: 'influx.bare-client', run: () => viaClient(vm.url, points, `bench_bare_${run++}`) },
      { name: 'influx.sink', run: () => viaSink(vm.url, points, `bench_sink_${run++}`) },
    ];
    const runs = await interleave(cases, cfg.servers);
    const what = `${cfg.influxPoints} points, ${SERIES} series, batches of ${BATCH}`;
    return {
      figures: [
        { name: 'influx.bare-client', section: 'influx', label: `bare influxdb-client WriteApi (${what})`, unit: 'points/s', runs: runs.get('influx.bare-client') ?? [], baseline: 'influx.bare-client' },
        { name: 'influx.sink', section: 'influx', label: `influxSink (${what}, every point accounted)`, unit: 'points/s', runs: runs.get('influx.sink') ?? [], baseline: 'influx.bare-client' },
      ],
      skipped: [],
    };
  } finally {
    await vm.stop();
  }
}
