import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreSnapshot } from 'streamnorm';
import { startAedes, type AedesBroker } from '../helpers/aedes.js';
import { hasInfluxd, startInfluxd, type Influxd } from '../helpers/influxd.js';
import { fileURLToPath } from 'node:url';
import { inTerminal, runCli, startCli } from './cli-process.js';

const cli = fileURLToPath(new URL('../../dist/bin/streamnorm.js', import.meta.url));

/**
 * InfluxDB as the CLI's input and history source: Debian's InfluxDB 1.x (InfluxQL). Flux has no
 * server that installs here; its path is tested against recorded answers in
 * test/connectors/influx.
 */
const skip = !hasInfluxd();
if (skip) console.warn('streamnorm run with InfluxDB input not tested: influxd is not installed (.ci/run installs it)');

describe.skipIf(skip)('streamnorm run / fit with InfluxDB 1.x (InfluxQL) as the source', () => {
  let influx: Influxd;
  let broker: AedesBroker;
  let watcher: MqttClient;
  const outputs: { topic: string; body: { value: number; raw: number; phase: string; version: number; time: number } }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-run-influx-'));
  const t0 = Date.now() - 3_600_000; // history: an hour ago

  beforeAll(async () => {
    influx = await startInfluxd();
    broker = await startAedes();
    await influx.query('CREATE DATABASE plant');
    // History: 100 points per sensor, values 0..99 (mean 49.5, population std 28.866...).
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) {
      lines.push(`env,site=s1 temp=${i} ${t0 + i * 1000}`);
      lines.push(`env,site=s2 temp=${1000 + 10 * i} ${t0 + i * 1000}`);
    }
    await influx.write('plant', lines.join('\n'), 'ms');
    watcher = await connectAsync(broker.url);
    await watcher.subscribeAsync('out/#', { qos: 1 });
    watcher.on('message', (topic, payload) => outputs.push({ topic, body: JSON.parse(payload.toString()) }));
  });
  afterAll(async () => {
    await watcher?.endAsync();
    await broker?.close();
    await influx?.stop();
  });

  const config = (): string => {
    const p = join(dir, 'influx.yaml');
    writeFileSync(
      p,
      `input:
  influx:
    query: influxql
    url: ${influx.url}
    db: plant
    measurement: env
    field: temp
    tail: { interval: 200ms, lag: 2s }
fit:
  influx:
    url: ${influx.url}
    db: plant
    measurement: env
    field: temp
    start: ${t0}
    stop: ${t0 + 100_000}
normalize:
  scaler: { kind: standard }
output:
  mqtt: { url: ${broker.url}, topic: "out/{site}", protocolVersion: 4 }
`,
    );
    return p;
  };

  it('fit --config learns the stored window and writes a frozen snapshot', async () => {
    const out = join(dir, 'snap.json');
    const { code, stdout, stderr } = await runCli(['fit', '--config', config(), '--out', out]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/fitted 2 series from 200 stored readings \(influxql; 0 invalid values not learned\)/);
    const keyed = restoreSnapshot(JSON.parse(readFileSync(out, 'utf8')));
    const ids = [...keyed.keys()].sort();
    expect(ids).toHaveLength(2);
    const s1 = keyed.get(ids.find((k) => k.includes('s1'))!)!.params();
    expect(s1.center).toBe(49.5);
    expect(s1.scale).toBeCloseTo(Math.sqrt((100 * 100 - 1) / 12), 12);
  });

  it('fit --config on a terminal shows its progress (readings, series, rate; no bar: the total is not known)', async () => {
    const out = join(dir, 'snap-tty.json');
    const screen = await inTerminal(`${process.execPath} ${cli} fit --config ${config()} --out ${out}`);
    expect(screen.split('\r\x1b[K').at(-1)).toMatch(/^fitting {2}200 readings {2}2 series {2}[\d.]+k? readings\/s {2}[\d.]+ s\r\n/);
    expect(screen).toMatch(/fitted 2 series from 200 stored readings/);
  });

  it('run fits on history, freezes, then tails new points and normalizes them with the frozen statistics', async () => {
    const run = startCli(['run', '--config', config(), '--status-interval', '300ms']);
    await run.waitFor(/fitted 2 series on 200 stored readings \(influxql, from \d+\) and froze them/);
    await run.waitFor(/\[\d+ s\] received/);
    const now = Date.now();
    await influx.write('plant', [`env,site=s1 temp=49.5 ${now}`, `env,site=s1 temp=78.366 ${now + 1}`, `env,site=s2 temp=1495 ${now}`].join('\n'), 'ms');
    await run.waitFor(/received 3,/);
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const s1 = outputs.filter((o) => o.topic === 'out/s1');
    expect(s1.map((o) => o.body.phase)).toEqual(['frozen', 'frozen']);
    expect(s1[0]!.body.value).toBe(0);
    expect(s1[1]!.body.value).toBeCloseTo(1, 3);
    expect(outputs.find((o) => o.topic === 'out/s2')!.body.value).toBe(0);
    expect(outputs).toHaveLength(3); // the tail emitted each new point once, and no history
  });
});
