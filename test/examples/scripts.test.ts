import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAedes, type AedesBroker } from '../helpers/aedes.js';
import { freePort } from '../helpers/free-port.js';
import { hasInfluxd, startInfluxd, type Influxd } from '../helpers/influxd.js';
import { hasVictoriaMetrics, startVictoriaMetrics, type VictoriaMetrics } from '../helpers/victoria.js';
import { runBuiltExample } from './run-built.js';

/**
 * Every example runs as a script from dist, as the header of each file says, and its command
 * line options reach main(). (sklearn-serve's script is tested in sklearn-serve.test.ts.)
 */
const haveVm = hasVictoriaMetrics();
const haveInfluxd = hasInfluxd();
if (!haveVm) console.warn('[streamnorm] examples/scripts.test.ts: mqtt-to-influx script NOT RUN: /usr/bin/victoria-metrics is not installed');
if (!haveInfluxd) console.warn('[streamnorm] examples/scripts.test.ts: influx-fit-then-tail script NOT RUN: influxd (InfluxDB 1.x) is not installed');

describe('examples as scripts (node dist/examples/<name>.js)', () => {
  let broker: AedesBroker;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('batchnorm-stream: prints the running statistics; --momentum and --batch-size are honoured', async () => {
    const cumulative = await runBuiltExample('batchnorm-stream');
    expect(cumulative.code).toBe(0);
    expect(cumulative.stdout).toContain('train: 160 readings normalized in mini-batches; eval: 16 with the running statistics; invalid: 1');
    expect(cumulative.stdout).toMatch(/motor1\/current: running mean 12\.\d{4}, running var 0\.\d{4} after 5 batches/);
    const pytorch = await runBuiltExample('batchnorm-stream', ['--momentum', '0.1', '--batch-size', '8', '--train-batches', '20']);
    expect(pytorch.code).toBe(0);
    expect(pytorch.stdout).toContain('train: 320 readings');
    // From PyTorch's start (mean 0) with momentum 0.1: 12 · (1 − 0.9^20) ≈ 10.5 after 20 batches.
    const mean = Number(/motor1\/current: running mean (\S+), running var \S+ after 20 batches/.exec(pytorch.stdout)?.[1]);
    expect(mean).toBeCloseTo(12 * (1 - 0.9 ** 20), 0);
  });

  it('mqtt-normalize-mqtt: with its own embedded broker, and with --broker', async () => {
    const own = await runBuiltExample('mqtt-normalize-mqtt', ['--devices', '1', '--messages', '8', '--train', '4']);
    expect(own.stderr).toBe('');
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('16 readings -> 16 published (0 failed): 8 held, 7 frozen, 1 invalid; 1 malformed message(s)');
    expect(own.stdout).toMatch(/retained stats plant1\/dev1\/temperature: mean \d+\.\d{3}, std \d\.\d{3} \(n=4\)/);
    const given = await runBuiltExample('mqtt-normalize-mqtt', ['--broker', broker.url]);
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('240 readings -> 240 published (0 failed): 120 held, 119 frozen, 1 invalid');
    expect(given.stdout.match(/retained stats/g)).toHaveLength(6);
  });

  it('mqtt-normalize-mqtt: exit code 1 and the reason when the broker is unreachable', async () => {
    const r = await runBuiltExample('mqtt-normalize-mqtt', ['--broker', `mqtt://127.0.0.1:${await freePort()}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed 3 reconnect attempts in a row; giving up/);
  });

  describe.skipIf(!haveVm)('mqtt-to-influx (VictoriaMetrics)', () => {
    let vm: VictoriaMetrics;
    beforeAll(async () => {
      vm = await startVictoriaMetrics();
    });
    afterAll(async () => {
      await vm?.stop();
    });

    it('prints the write report; the points are in the server', async () => {
      const r = await runBuiltExample('mqtt-to-influx', ['--broker', broker.url, '--influx', vm.url, '--bucket', 'cli']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('120 readings: 40 provisional, 79 frozen, 1 invalid');
      expect(r.stdout).toContain('influx: 119 points written, 0 failed, dropped {"nan":1}, 0 retries');
      await vm.flush();
      const points = await vm.exportSeries('normalized_value');
      expect(points.reduce((n, s) => n + s.values.length, 0)).toBe(119);
    });
  });

  describe.skipIf(!haveInfluxd)('influx-fit-then-tail (influxd 1.x)', () => {
    let db: Influxd;
    beforeAll(async () => {
      db = await startInfluxd();
    });
    afterAll(async () => {
      await db?.stop();
    });

    it('seeds, fits, tails and prints the live outputs', async () => {
      const r = await runBuiltExample('influx-fit-then-tail', ['--influx', db.url, '--db', 'cli', '--live', '6']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('fitted on 120 stored readings:');
      expect(r.stdout).toMatch(/d1\/temp: mean 22\.\d{3}, std 0\.\d{3} \(n=60\)/);
      expect(r.stdout.match(/ live /g)).toHaveLength(6);
      expect(r.stdout.match(/d3\/temp \S+ -> \S+ raw/g)).toHaveLength(2);
    });
  });
});
