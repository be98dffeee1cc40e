import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Normalized } from 'streamnorm';
import { InfluxDB } from '@influxdata/influxdb-client';
import { influxSink } from 'streamnorm/influx';
import { hasVictoriaMetrics, startVictoriaMetrics, type VictoriaMetrics } from '../../helpers/victoria.js';

const haveVm = hasVictoriaMetrics();
if (!haveVm) console.warn('sink.victoria.test.ts NOT RUN: /usr/bin/victoria-metrics is not installed (.ci/run installs it)');

/** A frozen output of series `s` at `time`. */
function out(series: string, value: number, time: number, extra: Partial<Normalized> = {}): Normalized {
  return { series, raw: value * 10 + 100, value, time, phase: 'frozen', version: 1, ...extra };
}

describe.skipIf(!haveVm)('influxSink -> VictoriaMetrics (/api/v2/write, read back via /api/v1/export)', () => {
  let vm: VictoriaMetrics;
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.stop();
  });

  it('writes every point with its value, raw value, tags and millisecond time', async () => {
    const sink = influxSink({ url: vm.url, bucket: 'b', org: 'o', measurement: 'm1', raw: true, phaseTag: true, versionTag: true, batchSize: 7 });
    const t0 = Date.now() - 60_000;
    const sent: Normalized[] = [];
    for (let i = 0; i < 50; i++) {
      const n = out(`dev${i % 3}/temp`, (i - 25) / 8, t0 + i * 10, { tags: { site: 'north pole', unit: '°C,x=1' } });
      sent.push(n);
      sink.write(n);
    }
    const report = await sink.close();
    expect(report).toMatchObject({ accepted: 50, lines: 50, written: 50, pending: 0, failed: 0, retries: 0 });
    await vm.flush();
    const values = await vm.exportSeries('m1_value');
    const raws = await vm.exportSeries('m1_raw');
    expect(values).toHaveLength(3);
    expect(raws).toHaveLength(3);
    for (let d = 0; d < 3; d++) {
      const mine = sent.filter((n) => n.series === `dev${d}/temp`);
      const v = values.find((s) => s.metric.series === `dev${d}/temp`);
      const r = raws.find((s) => s.metric.series === `dev${d}/temp`);
      expect(v?.metric).toEqual({ __name__: 'm1_value', series: `dev${d}/temp`, site: 'north pole', unit: '°C,x=1', phase: 'frozen', version: '1' });
      expect(v?.timestamps).toEqual(mine.map((n) => n.time));
      expect(v?.values).toEqual(mine.map((n) => n.value));
      expect(r?.values).toEqual(mine.map((n) => n.raw));
    }
  });

  it('drops NaN and ±Infinity under the drop policy, writes raw only under raw-only, counts both', async () => {
    const t0 = Date.now() - 50_000;
    const inputs: Normalized[] = [
      out('a', 0.5, t0, { raw: 7 }),
      out('a', NaN, t0 + 1, { raw: 'n/a', phase: 'passthrough', flag: 'invalid', reason: 'not-a-number' }),
      out('a', Infinity, t0 + 2, { raw: 3 }),
      out('a', -Infinity, t0 + 3, { raw: null }),
      out('a', 1.5, Number.NaN, { raw: 4 }),
    ];
    const drop = influxSink({ url: vm.url, bucket: 'b', measurement: 'm2drop' });
    const rawOnly = influxSink({ url: vm.url, bucket: 'b', measurement: 'm2raw', invalid: 'raw-only', raw: 'input' });
    for (const n of inputs) {
      drop.write(n);
      rawOnly.write(n);
    }
    const r1 = await drop.close();
    const r2 = await rawOnly.close();
    expect(r1).toMatchObject({ accepted: 5, lines: 1, written: 1, failed: 0, dropped: { nan: 1, infinite: 2, 'bad-time': 1 }, rawOnly: 0 });
    // raw-only: the +Infinity reading has a finite raw value (3), the NaN and -Infinity ones have none.
    expect(r2).toMatchObject({ accepted: 5, lines: 2, written: 2, failed: 0, dropped: { nan: 1, infinite: 1, 'bad-time': 1 }, rawOnly: 1 });
    await vm.flush();
    expect((await vm.exportSeries('m2drop_value'))[0]?.values).toEqual([0.5]);
    const value = await vm.exportSeries('m2raw_value');
    const input = await vm.exportSeries('m2raw_input');
    expect(value[0]?.timestamps).toEqual([t0]);
    expect(input[0]?.timestamps).toEqual([t0, t0 + 2]);
    expect(input[0]?.values).toEqual([7, 3]);
  });

  it('writes through a client the caller owns, to a v1 database path, at microsecond precision', async () => {
    const client = new InfluxDB({ url: vm.url });
    const t0 = Date.now() - 45_000 + 0.25;
    const sink = influxSink({ client, db: 'plant', measurement: 'm3', precision: 'us' });
    sink.write(out('c', 1.25, t0));
    sink.write(out('c', 2.5, t0 + 1));
    const report = await sink.close();
    expect(report).toMatchObject({ written: 2, truncatedTimes: 0 });
    await vm.flush();
    const series = await vm.exportSeries('m3_value');
    // VictoriaMetrics adds the v1 database as label `db` and stores milliseconds.
    expect(series[0]?.metric).toEqual({ __name__: 'm3_value', db: 'plant', series: 'c' });
    expect(series[0]?.timestamps).toEqual([Math.floor(t0), Math.floor(t0) + 1]);
    expect(series[0]?.values).toEqual([1.25, 2.5]);
  });
});
