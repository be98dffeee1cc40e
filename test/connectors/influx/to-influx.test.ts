import { concat, EMPTY, lastValueFrom, map, range, take, throwError, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Normalized } from 'streamnorm';
import { influxSink, toInflux } from 'streamnorm/influx';
import { hasVictoriaMetrics, startVictoriaMetrics, type VictoriaMetrics } from '../../helpers/victoria.js';

const haveVm = hasVictoriaMetrics();
if (!haveVm) console.warn('to-influx.test.ts NOT RUN: /usr/bin/victoria-metrics is not installed (.ci/run installs it)');

const t0 = Date.now() - 120_000;
const out = (i: number): Normalized => ({ series: 's', raw: i, value: i / 10, time: t0 + i, phase: 'frozen', version: 1 });

describe.skipIf(!haveVm)('toInflux operator (VictoriaMetrics behind the sink)', () => {
  let vm: VictoriaMetrics;
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
  });
  afterAll(async () => {
    await vm?.stop();
  });

  it('passes readings through and completes only once the sink has drained', async () => {
    const sink = influxSink({ url: vm.url, bucket: 'b', measurement: 'op1', batchSize: 1000, flushInterval: 60_000 });
    const passed = await lastValueFrom(range(0, 25).pipe(map(out), toInflux(sink), toArray()));
    expect(passed.map((n) => n.raw)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(sink.report()).toMatchObject({ accepted: 25, written: 25, pending: 0 });
    await sink.close();
    await vm.flush();
    expect((await vm.exportSeries('op1_value'))[0]?.values).toHaveLength(25);
  });

  it('completes an empty source at once', async () => {
    const sink = influxSink({ url: vm.url, bucket: 'b', measurement: 'op2' });
    expect(await lastValueFrom(EMPTY.pipe(toInflux(sink), toArray()))).toEqual([]);
    expect((await sink.close()).accepted).toBe(0);
  });

  it('pulls only what is taken from a synchronous source (unsubscription reaches the source)', async () => {
    const sink = influxSink({ url: vm.url, bucket: 'b', measurement: 'op3' });
    let pulled = 0;
    const first = await lastValueFrom(range(0, 1_000_000).pipe(map((i) => (pulled++, out(i))), toInflux(sink), take(3), toArray()));
    expect(first).toHaveLength(3);
    expect(pulled).toBe(3);
    expect(await sink.close()).toMatchObject({ accepted: 3, written: 3 });
  });

  it('passes a source error on at once; the lines already accepted are still written on close', async () => {
    const sink = influxSink({ url: vm.url, bucket: 'b', measurement: 'op4' });
    const boom = new Error('sensor gone');
    const src = concat(range(0, 4).pipe(map(out)), throwError(() => boom));
    await expect(lastValueFrom(src.pipe(toInflux(sink)))).rejects.toBe(boom);
    expect(await sink.close()).toMatchObject({ accepted: 4, written: 4, failed: 0 });
  });

  it('errors the stream when the sink was closed before', async () => {
    const sink = influxSink({ url: vm.url, bucket: 'b', measurement: 'op5' });
    await sink.close();
    await expect(lastValueFrom(range(0, 2).pipe(map(out), toInflux(sink)))).rejects.toThrow(/write after close/);
  });
});
