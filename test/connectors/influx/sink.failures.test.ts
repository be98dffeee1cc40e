import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Normalized } from 'streamnorm';
import { influxSink, replaySpill, type WriteFailure } from 'streamnorm/influx';
import { hasVictoriaMetrics, startVictoriaMetrics, type VictoriaMetrics } from '../../helpers/victoria.js';
import { freePort } from '../../helpers/free-port.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

const haveVm = hasVictoriaMetrics();
if (!haveVm) console.warn('sink.failures.test.ts NOT RUN: /usr/bin/victoria-metrics is not installed (.ci/run installs it)');

function out(series: string, value: number, time: number): Normalized {
  return { series, raw: value, value, time, phase: 'frozen', version: 1 };
}

const fast = { initialMs: 20, maxMs: 100, jitter: 0 };

describe.skipIf(!haveVm)('influxSink failures: retries, rejections, a server that goes away, spill and replay', () => {
  let vm: VictoriaMetrics;
  let proxy: FaultProxy;
  let dir: string;
  beforeAll(async () => {
    vm = await startVictoriaMetrics();
    proxy = await startFaultProxy(vm.url);
    dir = mkdtempSync(join(tmpdir(), 'streamnorm-spill-'));
  });
  afterAll(async () => {
    await proxy?.close();
    await vm?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries 503 and 429 (honouring Retry-After) and writes everything', async () => {
    const sink = influxSink({ url: proxy.url, bucket: 'b', measurement: 'f1', batchSize: 10, retry: fast });
    proxy.inject({ status: 503, body: '{"error":"busy"}' }, { status: 429, headers: { 'retry-after': '0' } }, { status: 500 });
    const t0 = Date.now() - 40_000;
    for (let i = 0; i < 30; i++) sink.write(out('r', i, t0 + i));
    const report = await sink.close();
    expect(report).toMatchObject({ accepted: 30, written: 30, failed: 0, pending: 0, retries: 3 });
    await vm.flush();
    expect((await vm.exportSeries('f1_value'))[0]?.values).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('reports a 4xx at once with the server message, isolating the refused lines of a batch', async () => {
    const failures: WriteFailure[] = [];
    const file = join(dir, 'rejected.lp');
    const sink = influxSink({ url: proxy.url, bucket: 'b', measurement: 'f2', batchSize: 8, spill: file, retry: fast, onFailure: (f) => failures.push(f) });
    // The whole batch of 8 is refused, then halves: [0..3] refused, [0,1] ok, [2,3] refused, [2] ok, [3] refused.
    const msg = '{"code":"invalid","message":"unable to parse line 4: bad timestamp"}';
    proxy.inject({ status: 400, body: msg }, { status: 400, body: msg }, { status: 204 }, { status: 400, body: msg }, { status: 204 }, { status: 400, body: msg });
    const t0 = Date.now() - 30_000;
    for (let i = 0; i < 8; i++) sink.write(out('x', i, t0 + i));
    const before = proxy.requests;
    const report = await sink.close();
    expect(report).toMatchObject({ accepted: 8, failed: 1, spilled: 1, retries: 0, failedBy: { rejected: 1 } });
    expect(report.written).toBe(7);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({ reason: 'rejected', count: 1, status: 400, spilled: true });
    expect(report.failures[0]?.message).toContain('unable to parse line 4: bad timestamp');
    expect(failures).toHaveLength(1);
    expect(proxy.requests - before).toBe(7);
    expect(readFileSync(file, 'utf8')).toBe(`f2,series=x value=3 ${t0 + 3}000000\n`);
    // 404 (no such bucket) is not split: the whole batch fails at once, without retries.
    proxy.inject({ status: 404, body: '{"code":"not found","message":"bucket \\"nope\\" not found"}' });
    const sink404 = influxSink({ url: proxy.url, bucket: 'nope', measurement: 'f2', batchSize: 100, retry: fast });
    for (let i = 0; i < 5; i++) sink404.write(out('x', i, t0 + i));
    const r404 = await sink404.close();
    expect(r404).toMatchObject({ written: 0, failed: 5, spilled: 0, retries: 0, failedBy: { rejected: 5 } });
    expect(r404.failures[0]?.message).toBe('404 bucket "nope" not found');
  });

  it('keeps everything when the server goes away mid-stream and comes back within the retry budget', async () => {
    const sink = influxSink({ url: vm.url, bucket: 'b', measurement: 'f3', batchSize: 25, flushInterval: 10, retry: { ...fast, maxRetries: 1000 } });
    const t0 = Date.now() - 20_000;
    let i = 0;
    for (; i < 100; i++) sink.write(out('g', i, t0 + i));
    await new Promise((r) => setTimeout(r, 5)); // some batches are on the wire when the server stops
    await vm.pause();
    for (; i < 200; i++) sink.write(out('g', i, t0 + i));
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.report().pending).toBeGreaterThan(0);
    await vm.start();
    for (; i < 300; i++) sink.write(out('g', i, t0 + i));
    const report = await sink.close();
    expect(report).toMatchObject({ accepted: 300, written: 300, failed: 0, pending: 0 });
    expect(report.retries).toBeGreaterThan(0);
    await vm.flush();
    const series = await vm.exportSeries('f3_value');
    const times = new Set(series[0]?.timestamps);
    expect(times.size).toBe(300);
    for (let k = 0; k < 300; k++) expect(times.has(t0 + k)).toBe(true);
  });

  it('reports the exact count lost to an outage longer than the retry budget, and replays the spill file', async () => {
    const file = join(dir, 'outage.lp');
    const sink = influxSink({ url: vm.url, bucket: 'b', measurement: 'f4', batchSize: 10, flushInterval: 5, spill: file, retry: { ...fast, maxRetries: 2 } });
    const t0 = Date.now() - 10_000;
    for (let i = 0; i < 40; i++) sink.write(out('h', i, t0 + i));
    await sink.drain();
    await vm.pause();
    for (let i = 40; i < 100; i++) sink.write(out('h', i, t0 + i));
    const report = await sink.close();
    expect(report).toMatchObject({ accepted: 100, written: 40, failed: 60, spilled: 60, pending: 0, failedBy: { 'retries-exhausted': 60 } });
    expect(report.failures.reduce((s, f) => s + f.count, 0)).toBe(60);
    expect(report.failures[0]?.message).toMatch(/ECONNREFUSED.*after 3 attempts/);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(60);
    await vm.start();
    const replay = await replaySpill(file, { url: vm.url, bucket: 'b', batchSize: 16 });
    expect(replay).toMatchObject({ accepted: 60, written: 60, failed: 0, pending: 0 });
    expect(existsSync(file)).toBe(false);
    await vm.flush();
    const series = await vm.exportSeries('f4_value');
    expect(series[0]?.timestamps).toEqual(Array.from({ length: 100 }, (_, i) => t0 + i));
    expect(series[0]?.values).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('fails lines beyond maxQueueLines as overflow (counted and spilled), and close({abandon}) gives up on retries', async () => {
    const port = await freePort(); // nothing listens here
    const file = join(dir, 'overflow.lp');
    const sink = influxSink({ url: `http://127.0.0.1:${port}`, bucket: 'b', measurement: 'f5', batchSize: 5, maxInFlight: 1, maxQueueLines: 10, spill: file, retry: { ...fast, maxRetries: 1e6 } });
    for (let i = 0; i < 30; i++) sink.write(out('o', i, 1_700_000_000_000 + i));
    // 5 in flight, 10 queued, 15 overflow.
    expect(sink.report()).toMatchObject({ accepted: 30, pending: 15, failed: 15, failedBy: { overflow: 15 } });
    expect(sink.report().failures).toHaveLength(1);
    const report = await sink.close({ abandon: true });
    expect(report).toMatchObject({ accepted: 30, written: 0, pending: 0, failed: 30, spilled: 30, failedBy: { overflow: 15, closed: 15 } });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(30);
    expect(() => sink.write(out('o', 0, 0))).toThrow(/after close/);
  });
});
