import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasInfluxd, startInfluxd, type Influxd } from '../helpers/influxd.js';
import { mosquittoSkipReason } from '../helpers/mosquitto.js';
import { hasVictoriaMetrics, startVictoriaMetrics, type VictoriaMetrics } from '../helpers/victoria.js';
import { startCli } from '../bin/cli-process.js';
import { startFaultBroker, type FaultBroker } from './broker.js';
import { until } from './harness.js';

/**
 * The README's `run` config runs as written: the YAML block of "The CLI" is saved unchanged and
 * run with its environment variables pointing at Mosquitto, Debian's InfluxDB 1.x (the history,
 * InfluxQL) and VictoriaMetrics (the v2 write API). The history's series are named as the live
 * MQTT series are (`fit.influx.series`), so live readings come out frozen with the history's
 * statistics (before, the history named them `env,device=d1,site=s1/temp` and they were never used).
 */
const skip = mosquittoSkipReason() ?? (hasInfluxd() && hasVictoriaMetrics() ? undefined : 'influxd or victoria-metrics not installed');
const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const yaml = /```yaml\n([\s\S]*?)```/.exec(readme.split(/^## /m).find((s) => s.startsWith('The CLI')) ?? '')?.[1] as string;

describe.skipIf(skip !== undefined)("the README's run config, as written", () => {
  let broker: FaultBroker;
  let influx: Influxd;
  let vm: VictoriaMetrics;
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-readme-run-'));
  beforeAll(async () => {
    [broker, influx, vm] = await Promise.all([startFaultBroker(), startInfluxd(), startVictoriaMetrics()]);
    await influx.query('CREATE DATABASE plant');
    // a week of history in the README's window: temp 10..29 (mean 19.5) for s1/d1
    const t0 = Date.parse('2026-11-02T00:00:00Z');
    const lines = Array.from({ length: 500 }, (_, i) => `env,site=s1,device=d1 temp=${10 + (i % 20)} ${t0 + i * 60_000}`);
    await influx.write('plant', lines.join('\n'), 'ms');
  }, 60_000);
  afterAll(async () => {
    await Promise.all([broker?.stop(), influx?.stop(), vm?.stop()]);
  });

  it('fits the history under the live names, then normalizes live readings with it (MQTT and InfluxDB out)', async () => {
    expect(yaml).toContain('series: "{site}/{device}/{field}"');
    writeFileSync(join(dir, 'streamnorm.config.yaml'), yaml);
    const env = { MQTT_URL: broker.url, MQTT_USER: 'plant', MQTT_PASSWORD: 'any', HISTORY_URL: influx.url, INFLUX_URL: vm.url, INFLUX_TOKEN: 'token' };
    const watcher = await connectAsync(broker.url, { protocolVersion: 4 });
    const outputs: { topic: string; body: { value: number; raw: number; phase: string; version: number } }[] = [];
    watcher.on('message', (topic, p) => outputs.push({ topic, body: JSON.parse(p.toString()) }));
    await watcher.subscribeAsync('normalized/#', { qos: 1 });
    const run = startCli(['run', '--config', 'streamnorm.config.yaml', '--status-interval', '200ms'], env, { cwd: dir });
    await run.waitFor(/fitted 1 series on 500 stored readings \(influxql, from 2026-11-01T00:00:00Z\) and froze them/);
    await run.waitFor(/\[\d+ s\] received 0/);
    const pub = await connectAsync(broker.url, { protocolVersion: 4 });
    await pub.publishAsync('sensors/s1/d1', JSON.stringify({ temp: 19.5, time: Date.now() - 1000 }), { qos: 1 });
    await pub.publishAsync('sensors/s1/d1', '{"temp": ', { qos: 1 }); // malformed: dead-lettered
    await pub.endAsync();
    await until(() => outputs.length, (n) => n >= 1, 'an output');
    expect(outputs[0]).toMatchObject({ topic: 'normalized/s1/d1/temp', body: { raw: 19.5, value: 0, phase: 'frozen', version: 1 } });
    await run.waitFor(/unacknowledged 0\b/);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/malformed 1/);
    expect(readFileSync(join(dir, 'streamnorm.state.json'), 'utf8')).toContain('"s1/d1/temp"');
    await vm.flush();
    const stored = await vm.exportSeries('{__name__="normalized_value",plant="north"}');
    expect(stored.map((s) => s.metric.series)).toEqual(['s1/d1/temp']);
    await watcher.endAsync();
  }, 60_000);
});
