import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Reading } from 'streamnorm';
import { fluxHistory, fluxTail, InfluxQueryError } from 'streamnorm/influx';

/**
 * No InfluxDB 2.x server installs on this machine (Debian ships only influxd 1.6, which has no
 * Flux endpoint), so the Flux path is tested against annotated-CSV answers in the format InfluxDB
 * 2.x sends (fixtures/*.csv, `\r\n` line ends, `#datatype`/`#group`/`#default` annotations, a new
 * annotation block where the schema changes, an error table for a runtime error), served by a
 * small HTTP server on 127.0.0.1 that records each request. The client library parses them.
 */
const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

interface Recorded {
  path: string;
  auth: string | undefined;
  query: string;
}

/** Renders points in the format of fixtures/flux-env.csv (one table per series). */
function renderCsv(points: { dev: string; time: string; value: number }[]): string {
  const head = [
    '#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string',
    '#group,false,false,true,true,false,false,true,true,true',
    '#default,_result,,,,,,,,',
    ',result,table,_start,_stop,_time,_value,_field,_measurement,dev',
  ];
  const devs = [...new Set(points.map((p) => p.dev))].sort();
  const rows = points.map((p) => `,,${devs.indexOf(p.dev)},1970-01-01T00:00:00Z,2100-01-01T00:00:00Z,${p.time},${p.value},v,live,${p.dev}`);
  return [...head, ...rows, '', ''].join('\r\n');
}

describe('Flux sources against recorded annotated-CSV answers (no InfluxDB 2.x server installs here)', () => {
  let server: Server;
  let url: string;
  const requests: Recorded[] = [];
  let answer: (query: string) => { status: number; body: string; type?: string } = () => ({ status: 200, body: fixture('flux-env.csv') });
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const query = (JSON.parse(body) as { query: string }).query;
        requests.push({ path: req.url ?? '', auth: req.headers.authorization, query });
        const a = answer(query);
        res.writeHead(a.status, { 'content-type': a.type ?? 'text/csv; charset=utf-8' });
        res.end(a.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests.length = 0;
    answer = () => ({ status: 200, body: fixture('flux-env.csv') });
  });

  it('sends an escaped Flux query with the token and reads every row: values, types, tags, ns times', async () => {
    const readings = await lastValueFrom(
      fluxHistory({ url, token: 'secret', org: 'acme', bucket: 'plant', measurement: 'env', field: ['temp', 'hum'], where: { site: ['north', 'so"uth${x}'] }, start: Date.UTC(2024, 0, 1), stop: '2024-01-01T01:00:00Z' }).pipe(toArray()),
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]?.path).toBe('/api/v2/query?org=acme');
    expect(requests[0]?.auth).toBe('Token secret');
    expect(requests[0]?.query).toBe(
      [
        'from(bucket: "plant")',
        '  |> range(start: time(v: "2024-01-01T00:00:00.000000Z"), stop: time(v: "2024-01-01T01:00:00.000000Z"))',
        '  |> filter(fn: (r) => r._measurement == "env")',
        '  |> filter(fn: (r) => r._field == "temp" or r._field == "hum")',
        '  |> filter(fn: (r) => r["site"] == "north" or r["site"] == "so\\"uth\\${x}")',
      ].join('\n'),
    );
    const t0 = Date.UTC(2024, 0, 1);
    const tags1 = { dev: 'd1', site: 'north' };
    const tags2 = { dev: 'd2', site: 'south' };
    expect(readings).toEqual<Reading[]>([
      { series: 'env,dev=d1,site=north/temp', value: 20, time: t0, tags: tags1 },
      { series: 'env,dev=d1,site=north/temp', value: 20.25, time: t0 + 1000, tags: tags1 },
      { series: 'env,dev=d1,site=north/temp', value: Infinity, time: t0 + 2123.456, tags: tags1 },
      { series: 'env,dev=d1,site=north/temp', value: 20.75, time: t0 + 3000, tags: tags1 },
      { series: 'env,dev=d2,site=south/temp', value: 10, time: t0 + 500, tags: tags2 },
      { series: 'env,dev=d2,site=south/temp', value: NaN, time: t0 + 1500, tags: tags2 },
      { series: 'env,dev=d2,site=south/temp', value: 9.875, time: t0 + 2500, tags: tags2 },
      { series: 'env,dev=d1,site=north/hum', value: 40, time: t0, tags: tags1 },
      { series: 'env,dev=d1,site=north/hum', value: 41, time: t0 + 1000, tags: tags1 },
    ]);
  });

  it('errors with the server message: an HTTP error (not retryable for 4xx) and an error table in the answer', async () => {
    answer = () => ({ status: 404, type: 'application/json', body: '{"code":"not found","message":"failed to initialize execute state: could not find bucket \\"nope\\""}' });
    const e404 = await lastValueFrom(fluxHistory({ url, org: 'o', bucket: 'nope', measurement: 'env', field: 'temp', start: 0 })).catch((e: unknown) => e);
    expect(e404).toBeInstanceOf(InfluxQueryError);
    expect(e404).toMatchObject({ status: 404, retryable: false });
    expect((e404 as Error).message).toContain('could not find bucket "nope"');
    answer = () => ({ status: 503, type: 'application/json', body: '{"code":"unavailable","message":"busy"}' });
    const e503 = await lastValueFrom(fluxHistory({ url, org: 'o', bucket: 'b', measurement: 'env', field: 'temp', start: 0 })).catch((e: unknown) => e);
    expect(e503).toMatchObject({ status: 503, retryable: true });
    answer = () => ({ status: 200, body: fixture('flux-error.csv') });
    const inTable = await lastValueFrom(fluxHistory({ url, org: 'o', bucket: 'b', measurement: 'env', field: 'temp', start: 0 })).catch((e: unknown) => e);
    expect(inTable).toBeInstanceOf(InfluxQueryError);
    expect((inTable as Error).message).toBe('Flux query: runtime error @4:6-4:45: filter: type conflict: float != string');
  });

  it('stops reading when unsubscribed early', async () => {
    const two = await lastValueFrom(fluxHistory({ url, org: 'o', bucket: 'b', measurement: 'env', field: 'temp', start: 0 }).pipe(take(2), toArray()));
    expect(two.map((r) => r.value)).toEqual([20, 20.25]);
  });

  it('tails: re-reads from cursor − lag, emits each point once, picks up a late point within the lag', async () => {
    const base = Date.UTC(2030, 0, 1);
    const iso = (ms: number): string => new Date(ms).toISOString();
    const store: { dev: string; time: string; value: number }[] = [
      { dev: 'a', time: iso(base), value: 0 },
      { dev: 'b', time: iso(base), value: 100 },
    ];
    const starts: string[] = [];
    answer = (query) => {
      const start = /range\(start: time\(v: "([^"]+)"\)\)/.exec(query)?.[1] ?? '';
      starts.push(start);
      // What the server holds at this poll, and a point that lands late (after the cursor passed it).
      if (starts.length === 2) store.push({ dev: 'a', time: iso(base + 1000), value: 1 }, { dev: 'a', time: iso(base + 2000), value: 2 });
      if (starts.length === 3) store.push({ dev: 'b', time: iso(base + 1500), value: 101 }, { dev: 'b', time: iso(base - 1), value: -1 });
      if (starts.length === 4) store.push({ dev: 'a', time: iso(base + 3000), value: 3 });
      const from = Date.parse(start);
      return { status: 200, body: renderCsv(store.filter((p) => Date.parse(p.time) >= from)) };
    };
    const got = await lastValueFrom(fluxTail({ url, org: 'o', bucket: 'b', measurement: 'live', field: 'v', start: base, lag: 1000, interval: 5 }).pipe(take(6), toArray()));
    expect(got.map((r) => `${r.tags?.dev}=${r.value}`)).toEqual(['a=0', 'b=100', 'a=1', 'a=2', 'b=101', 'a=3']);
    // The cursor follows the latest time emitted; each poll re-reads from cursor − lag (never before start).
    expect(starts.slice(0, 4)).toEqual([iso(base), iso(base), iso(base + 1000), iso(base + 1000)].map((s) => s.replace('Z', '000Z')));
  });
});
