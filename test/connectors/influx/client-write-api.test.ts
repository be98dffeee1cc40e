import { InfluxDB, setLogger } from '@influxdata/influxdb-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { influxSink } from 'streamnorm/influx';
import { hasVictoriaMetrics, startVictoriaMetrics, type VictoriaMetrics } from '../../helpers/victoria.js';

const haveVm = hasVictoriaMetrics();
if (!haveVm) console.warn('client-write-api.test.ts NOT RUN: /usr/bin/victoria-metrics is not installed (.ci/run installs it)');

/**
 * Why the sink sends line protocol through the client's transport instead of using its WriteApi:
 * these tests show, against a real server, the WriteApi behaviours cited in write-target.ts.
 */
describe.skipIf(!haveVm)('the client WriteApi loses lines silently where the sink accounts for them', () => {
  let vm: VictoriaMetrics;
  const logged: string[] = [];
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    const log = (message: string): void => void logged.push(message);
    setLogger({ error: log, warn: log });
  });
  afterAll(async () => {
    await vm?.stop();
  });

  it('WriteApi.close() resolves while lines wait in its retry buffer, and those lines are never written', async () => {
    await vm.pause();
    const t0 = Date.now() - 30_000;
    const api = new InfluxDB({ url: vm.url }).getWriteApi('o', 'b', 'ms', { batchSize: 5, flushInterval: 0, maxRetries: 5, minRetryDelay: 200, maxRetryDelay: 200 });
    for (let i = 0; i < 10; i++) api.writeRecord(`wa1 value=${i} ${t0 + i}`);
    await new Promise((r) => setTimeout(r, 100)); // both batches failed once and wait for a retry
    await api.close(); // resolves, no error
    await vm.start();
    await new Promise((r) => setTimeout(r, 500)); // the retries would have happened by now
    await vm.flush();
    expect(await vm.exportSeries('wa1_value')).toEqual([]);
    expect(logged.some((m) => /Retry buffer closed with 10 items/.test(m))).toBe(true);

    // The sink in the same situation: close() waits, and the lines are written once the server is back.
    await vm.pause();
    const sink = influxSink({ url: vm.url, bucket: 'b', measurement: 'wa2', batchSize: 5, retry: { initialMs: 50, maxMs: 50, maxRetries: 100 } });
    for (let i = 0; i < 10; i++) sink.write({ series: 's', raw: i, value: i, time: t0 + i, phase: 'frozen', version: 1 });
    const closing = sink.close();
    await new Promise((r) => setTimeout(r, 200));
    await vm.start();
    expect(await closing).toMatchObject({ written: 10, failed: 0 });
  });

  it('its retry buffer drops the oldest lines when full, telling only writeRetrySkipped', async () => {
    await vm.pause();
    const skipped: number[] = [];
    const api = new InfluxDB({ url: vm.url }).getWriteApi('o', 'b', 'ms', {
      batchSize: 10,
      flushInterval: 0,
      maxBufferLines: 20,
      minRetryDelay: 5_000,
      writeRetrySkipped: (entry) => void skipped.push(entry.lines.length),
    });
    for (let i = 0; i < 40; i++) {
      api.writeRecord(`wa3 value=${i} ${Date.now() - 1000 + i}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(skipped.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    api.dispose();
    await vm.start();
  });
});
