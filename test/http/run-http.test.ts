import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from '../bin/cli-process.js';
import { startAedes, type AedesBroker } from '../helpers/aedes.js';
import { parsePrometheusText, valueOf } from './prom-text.js';

const dir = mkdtempSync(join(tmpdir(), 'streamnorm-run-http-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await sleep(100);
  }
}

describe('streamnorm run with the dashboard (as a process, aedes broker)', () => {
  let broker: AedesBroker;
  let run: CliProcess | undefined;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    run?.child.kill('SIGKILL');
    await broker?.close();
  });

  const config = (extra = ''): string => {
    const path = join(dir, `bridge-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      path,
      `input:
  mqtt: { url: ${broker.url}, clientId: dash-in, protocolVersion: 4, topics: plant/+site/+device, codec: { kind: json, fields: "*" } }
normalize: { freeze: { afterSamples: 3 } }
output:
  mqtt: { topic: "out/{series}", protocolVersion: 4 }
${extra}`,
    );
    return path;
  };

  it('http.listen in the config: the page, /metrics from the pipeline, /readyz from the MQTT connections', async () => {
    run = startCli(['run', '--config', config('http: { listen: "127.0.0.1:0" }'), '--status-interval', '0']);
    await run.waitFor(/dashboard: http:\S+/);
    const url = /dashboard: (http:\S+)/.exec(run.stdout())?.[1] as string;
    const { origin } = new URL(url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
    const ready = await until(async () => (await (await fetch(`${origin}/readyz`)).json()) as { ready: boolean }, (r) => r.ready, 'readyz');
    expect(ready).toEqual({ ready: true, probes: { 'mqtt-in': true, 'mqtt-out': true } });

    const pub = await connectAsync(broker.url);
    for (let i = 0; i < 5; i++) await pub.publishAsync('plant/s1/d1', JSON.stringify({ temp: 20 + i, hum: i === 2 ? 'NaN' : 40 + i }), { qos: 1 });
    await pub.publishAsync('plant/s1/d1', '{"temp": 2', { qos: 1 }); // malformed
    await pub.endAsync();
    const m = await until(async () => parsePrometheusText(await (await fetch(`${origin}/metrics`)).text()), (m) => valueOf(m, 'streamnorm_received_readings_total') === 10, 'received');
    expect(valueOf(m, 'streamnorm_readings_total')).toBe(10);
    expect(valueOf(m, 'streamnorm_malformed_total')).toBe(1);
    expect(valueOf(m, 'streamnorm_invalid_total', { reason: 'nan' })).toBe(1);
    expect(valueOf(m, 'streamnorm_series', { phase: 'frozen' })).toBe(2);
    expect(await until(async () => valueOf(parsePrometheusText(await (await fetch(`${origin}/metrics`)).text()), 'streamnorm_published_total'), (v) => v === 10, 'published')).toBe(10);
    expect(m.has('streamnorm_write_failures_total')).toBe(false); // no InfluxDB output
    const token = new URL(url).searchParams.get('token') as string;
    const series = (await (await fetch(`${origin}/api/series`, { headers: { 'X-Streamnorm-Token': token } })).json()) as { rows: unknown[][] };
    expect(series.rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['s1/d1/hum', 'frozen', 1],
      ['s1/d1/temp', 'frozen', 1],
    ]);

    // The broker goes away: not ready any more (the process keeps running and reconnecting).
    await broker.close();
    const down = await until(async () => (await fetch(`${origin}/readyz`)).status, (s) => s === 503, 'readyz after the broker went away');
    expect(down).toBe(503);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/stopped: /);
    broker = await startAedes();
  });

  it('--no-http turns the config section off; --http overrides it; a busy port is a one-line error', async () => {
    const quiet = startCli(['run', '--config', config('http: { listen: "127.0.0.1:0" }'), '--no-http', '--duration', '300ms', '--status-interval', '0']);
    expect(await quiet.exit).toBe(0);
    expect(quiet.stdout()).not.toContain('dashboard:');
    const first = startCli(['run', '--config', config(), '--http', '127.0.0.1:0', '--status-interval', '0']);
    await first.waitFor(/dashboard: http:\S+/);
    const port = new URL(/dashboard: (http:\S+)/.exec(first.stdout())?.[1] as string).port;
    const second = startCli(['run', '--config', config(), '--http', `127.0.0.1:${port}`]);
    expect(await second.exit).toBe(2);
    expect(second.stderr()).toBe(`streamnorm: cannot serve the dashboard on 127.0.0.1:${port}: EADDRINUSE\n`);
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
  });
});
