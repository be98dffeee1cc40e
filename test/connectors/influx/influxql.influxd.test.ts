import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from 'streamnorm';
import { influxqlHistory, influxqlTail, influxSink, InfluxQueryError } from 'streamnorm/influx';
import { hasInfluxd, startInfluxd, type Influxd } from '../../helpers/influxd.js';

const haveInfluxd = hasInfluxd();
if (!haveInfluxd) console.warn('influxql.influxd.test.ts NOT RUN: influxd (InfluxDB 1.x) is not installed (.ci/run installs it)');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!haveInfluxd)('InfluxQL sources against a real InfluxDB 1.x (influxd)', () => {
  let db: Influxd;
  const t0 = Date.UTC(2024, 0, 1);
  beforeAll(async () => {
    db = await startInfluxd();
    await db.query('CREATE DATABASE plant');
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      lines.push(`env,site=north,dev=d1 temp=${20 + i / 4},hum=${40 + i} ${t0 + i * 1000}`);
      lines.push(`env,site=south,dev=d2 temp=${10 - i / 8} ${t0 + i * 1000 + 500}`);
    }
    lines.push(`env,site=west,dev=d3 temp=99 ${t0}`); // filtered out by the tag filter
    lines.push(`env,site=north,dev=d1 temp=77 ${t0 + 60_000}`); // after the window
    lines.push(`env,site=south,dev=d2 note="stuck" ${t0 + 1}`); // another field: not selected
    await db.write('plant', lines.join('\n'));
    await db.write('plant', `env,site=south,dev=d2 temp=5.5 ${t0 * 1000 + 250_125}`, 'u'); // fractional ms
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('reads a training window: every point of the selected series, fields, tags and times', async () => {
    const readings = await lastValueFrom(
      influxqlHistory({ url: db.url, db: 'plant', measurement: 'env', field: ['temp', 'hum'], where: { site: ['north', 'south'] }, start: t0, stop: t0 + 30_000, chunkSize: 7 }).pipe(toArray()),
    );
    const bySeries = new Map<string, Reading[]>();
    for (const r of readings) bySeries.set(r.series, [...(bySeries.get(r.series) ?? []), r]);
    expect([...bySeries.keys()].sort()).toEqual(['env,dev=d1,site=north/hum', 'env,dev=d1,site=north/temp', 'env,dev=d2,site=south/temp']);
    const temp1 = bySeries.get('env,dev=d1,site=north/temp') ?? [];
    expect(temp1.map((r) => r.value)).toEqual(Array.from({ length: 30 }, (_, i) => 20 + i / 4));
    expect(temp1.map((r) => r.time)).toEqual(Array.from({ length: 30 }, (_, i) => t0 + i * 1000));
    expect(temp1[0]?.tags).toEqual({ site: 'north', dev: 'd1' });
    expect(bySeries.get('env,dev=d1,site=north/hum')?.map((r) => r.value)).toEqual(Array.from({ length: 30 }, (_, i) => 40 + i));
    const temp2 = bySeries.get('env,dev=d2,site=south/temp') ?? [];
    expect(temp2).toHaveLength(31);
    expect(temp2.find((r) => r.value === 5.5)?.time).toBe(t0 + 250.125);
  });

  it('passes non-numeric stored values through as they are, for the operators to count', async () => {
    const readings = await lastValueFrom(influxqlHistory({ url: db.url, db: 'plant', measurement: 'env', field: 'note', start: t0, seriesId: (k) => `${k.tags.dev}:${k.field}` }).pipe(toArray()));
    expect(readings).toEqual([{ series: 'd2:note', value: 'stuck', time: t0 + 1, tags: { site: 'south', dev: 'd2' } }]);
  });

  it('errors with the server message for a bad database or statement, and an unreachable server', async () => {
    const err = await firstValueFrom(influxqlHistory({ url: db.url, db: 'nope', measurement: 'env', field: 'temp', start: 0 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfluxQueryError);
    expect((err as InfluxQueryError).message).toContain('database not found: nope');
    expect((err as InfluxQueryError).retryable).toBe(false);
    const bad = await firstValueFrom(influxqlHistory({ url: db.url, db: 'plant', measurement: 'env', field: [], start: 0 })).catch((e: Error) => e.message);
    expect(bad).toMatch(/at least one field/);
  });

  it('tails live data: no point twice, none skipped, late points within the lag picked up', async () => {
    const base = Date.now() - 10_000;
    await db.write('plant', `live,dev=a v=0 ${base}\nlive,dev=b v=100 ${base}`);
    const got: Reading[] = [];
    const errors: unknown[] = [];
    const sub = influxqlTail({ url: db.url, db: 'plant', measurement: 'live', field: 'v', start: base, lag: 3000, interval: 20, onError: (e) => errors.push(e) }).subscribe((r) => got.push(r));
    await sleep(150);
    for (let i = 1; i <= 20; i++) {
      await db.write('plant', `live,dev=a v=${i} ${base + i * 100}`);
      if (i % 5 === 0) await sleep(60);
    }
    // Late: 1 s behind the newest point of dev=a (within the 3 s lag), written after it.
    await db.write('plant', `live,dev=b v=101 ${base + 1000}`);
    await db.write('plant', `live,dev=a v=90 ${base + 9000}`);
    await sleep(200); // the cursor is at base + 9 s now
    // 2 s behind the cursor: emitted. 8 s behind: too late, never emitted (the documented rule).
    await db.write('plant', `live,dev=b v=107 ${base + 7000}\nlive,dev=b v=-1 ${base + 1001}`);
    await sleep(300);
    sub.unsubscribe();
    const keys = got.map((r) => `${r.series}@${r.time}`);
    expect(new Set(keys).size).toBe(keys.length);
    const a = got.filter((r) => r.tags?.dev === 'a').map((r) => r.value);
    expect(a).toEqual([...Array.from({ length: 21 }, (_, i) => i), 90]);
    expect(got.filter((r) => r.tags?.dev === 'b').map((r) => r.value)).toEqual([100, 101, 107]);
    expect(errors).toEqual([]);
  });

  it('tails from the end of a fitted window, so fit + tail see each point once', async () => {
    const base = Date.now() - 5000;
    const lines = Array.from({ length: 10 }, (_, i) => `handoff,dev=a v=${i} ${base + i}`).join('\n');
    await db.write('plant', lines);
    const split = base + 6;
    const fitted = await lastValueFrom(influxqlHistory({ url: db.url, db: 'plant', measurement: 'handoff', field: 'v', start: base, stop: split }).pipe(toArray()));
    const live = await lastValueFrom(influxqlTail({ url: db.url, db: 'plant', measurement: 'handoff', field: 'v', start: split, interval: 10 }).pipe(take(4), toArray()));
    expect([...fitted, ...live].map((r) => r.value)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps tailing across failed polls (reported to onError), and errors after too many', async () => {
    const errors: unknown[] = [];
    const err = await new Promise<unknown>((resolve) => {
      influxqlTail({ url: 'http://127.0.0.1:1', db: 'plant', measurement: 'live', field: 'v', interval: 5, maxConsecutiveFailures: 3, onError: (e) => errors.push(e) }).subscribe({ error: resolve });
    });
    expect(errors).toHaveLength(2);
    expect(err).toBeInstanceOf(InfluxQueryError);
    expect((err as InfluxQueryError).retryable).toBe(true);
    const fatal = await new Promise<unknown>((resolve) => {
      influxqlTail({ url: db.url, db: 'nope', measurement: 'live', field: 'v', interval: 5 }).subscribe({ error: resolve });
    });
    expect((fatal as Error).message).toContain('database not found');
  });

  it('sink with a v1 database target: the server refuses conflicting lines (400 partial write), only those fail', async () => {
    await db.write('plant', `conflict,series=old value="text" ${t0}`); // field `value` of `conflict` is a string
    const measurement = (n: { series: string }): string => (n.series === 'bad' ? 'conflict' : 'norm');
    const sink = influxSink({ url: db.url, db: 'plant', measurement, batchSize: 16, retry: { initialMs: 10 } });
    for (let i = 0; i < 16; i++) {
      sink.write({ series: i % 5 === 0 ? 'bad' : 'good', raw: i, value: i / 16, time: t0 + 1 + i, phase: 'frozen', version: 1 });
    }
    const report = await sink.close();
    expect(report).toMatchObject({ accepted: 16, written: 12, failed: 4, retries: 0, failedBy: { rejected: 4 } });
    expect(report.failures.every((f) => f.status === 400 && f.message.includes('field type conflict'))).toBe(true);
    const body = (await db.query(`SELECT count("value") FROM "norm" WHERE "series" = 'good'`, 'plant')) as { results: { series: { values: number[][] }[] }[] };
    expect(body.results[0]?.series[0]?.values[0]?.[1]).toBe(12);
    const missing = influxSink({ url: db.url, db: 'nope', measurement: 'norm' });
    missing.write({ series: 'x', raw: 1, value: 1, time: t0, phase: 'frozen', version: 1 });
    const r404 = await missing.close();
    expect(r404).toMatchObject({ failed: 1, failedBy: { rejected: 1 } });
    expect(r404.failures[0]?.message).toBe('404 database not found: "nope"');
  });
});
