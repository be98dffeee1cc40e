import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreSnapshot } from 'streamnorm';
import { startAedes, type AedesBroker } from '../helpers/aedes.js';
import { freePort } from '../helpers/free-port.js';
import { hasVictoriaMetrics, startVictoriaMetrics, type VictoriaMetrics } from '../helpers/victoria.js';
import { runCli, startCli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'streamnorm-run-'));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('streamnorm run: config errors are clear and name the key', () => {
  const cases: [string, string, RegExp][] = [
    ['no input', 'output: { mqtt: { url: "mqtt://127.0.0.1:1", topic: "o/{series}" } }', /config.input: required/],
    ['typo', 'input: { mqtt: { url: "mqtt://x", topics: "a/+b" } }\nnormalise: {}\noutput: { mqtt: { topic: "o" } }', /config.normalise: unknown key; expected one of input, fit, normalize, output, state/],
    ['bad freeze', 'input: { mqtt: { url: "mqtt://x", topics: "a/+b" } }\nnormalize: { freeze: { afterSamples: 0 } }\noutput: { mqtt: { topic: "o" } }', /config.normalize.freeze.afterSamples: expected an integer >= 1, got number 0/],
    ['bad scaler', 'input: { mqtt: { url: "mqtt://x", topics: "a/+b" } }\nnormalize: { scaler: { kind: minmax, featureRange: [1, 0] } }\noutput: { mqtt: { topic: "o" } }', /config.normalize.scaler: MinMaxScaler: featureRange/],
    ['missing env', 'input: { mqtt: { url: "mqtt://x", password: "${STREAMNORM_TEST_UNSET_VAR}", topics: "a/+b" } }\noutput: { mqtt: { topic: "o" } }', /config.input.mqtt.password: environment variable STREAMNORM_TEST_UNSET_VAR is not set/],
    ['bad yaml', 'input: { mqtt: ', /not valid YAML/],
    ['both sinks missing', 'input: { mqtt: { url: "mqtt://x", topics: "a/+b" } }\noutput: {}', /config.output: give output.mqtt and\/or output.influx/],
  ];
  for (const [name, yaml, message] of cases) {
    it(name, async () => {
      const { code, stderr } = await runCli(['run', '--config', write(`${name.replace(/ /g, '-')}.yaml`, yaml)]);
      expect(stderr).toMatch(message);
      expect(code).toBe(2);
    });
  }

  it('an unreachable broker: exit 4 naming it', async () => {
    const port = await freePort(); // nothing listens there
    const cfg = write('unreachable.yaml', `input: { mqtt: { url: "mqtt://127.0.0.1:${port}", topics: "a/+b" } }\noutput: { mqtt: { topic: "o/{series}" } }`);
    const { code, stderr } = await runCli(['run', '--config', cfg]);
    expect(stderr).toBe(`streamnorm: cannot reach the MQTT broker at mqtt://127.0.0.1:${port}: ECONNREFUSED\n`);
    expect(code).toBe(4);
  });

  it('an unreachable output broker (input reachable): exit 4 naming it, never a hang', async () => {
    const input = await startAedes();
    try {
      const port = await freePort();
      const cfg = write('unreachable-output.yaml', `input: { mqtt: { url: "${input.url}", topics: "a/+b" } }\noutput: { mqtt: { url: "mqtt://127.0.0.1:${port}", topic: "o/{series}" } }`);
      const { code, stderr } = await runCli(['run', '--config', cfg]);
      expect(stderr).toMatch(new RegExp(`cannot reach the output MQTT broker at mqtt://127\\.0\\.0\\.1:${port}: ECONNREFUSED`));
      expect(code).toBe(4);
    } finally {
      await input.close();
    }
  });
});

describe('streamnorm run: MQTT in, MQTT and InfluxDB out, checkpoints and resume', () => {
  let broker: AedesBroker;
  let vm: VictoriaMetrics | undefined;
  let watcher: MqttClient;
  const outputs: { topic: string; body: { value: number | null; raw: unknown; phase: string; version: number; flag?: string } }[] = [];

  beforeAll(async () => {
    broker = await startAedes();
    if (hasVictoriaMetrics()) vm = await startVictoriaMetrics();
    else console.warn('run -> InfluxDB output not checked: victoria-metrics is not installed (.ci/run installs it)');
    watcher = await connectAsync(broker.url);
    await watcher.subscribeAsync('out/#', { qos: 1 });
    watcher.on('message', (topic, payload) => outputs.push({ topic, body: JSON.parse(payload.toString()) }));
  });
  afterAll(async () => {
    await watcher?.endAsync();
    await broker?.close();
    await vm?.stop();
  });

  const config = (): string =>
    write(
      'bridge.yaml',
      `input:
  mqtt:
    url: ${broker.url}
    username: bridge
    password: \${STREAMNORM_TEST_PASSWORD:-none}
    clientId: bridge-in
    protocolVersion: 4
    topics: plant/+site/+device
    codec: { kind: json, fields: "*", time: time }
    timeUnit: ms
normalize:
  scaler: { kind: standard }
  freeze: { afterSamples: 5 }
  whileFitting: drop
output:
  mqtt:
    topic: "out/{site}/{device}/{field}"
    statsTopic: "stats/{series}"
    protocolVersion: 4
${vm ? `  influx: { url: ${vm.url}, bucket: plant, measurement: normalized, raw: true, versionTag: true }\n` : ''}state:
  file: ${join(dir, 'state.json')}
  checkpointInterval: 300ms
`,
    );

  async function publishReadings(client: MqttClient, from: number, count: number): Promise<void> {
    for (let i = from; i < from + count; i++) {
      await client.publishAsync('plant/s1/d1', JSON.stringify({ time: 1_700_000_000_000 + i * 1000, temp: 20 + (i % 5), hum: i === 3 ? 'NaN' : 40 + (i % 3) }), { qos: 1 });
    }
    await client.publishAsync('plant/s1/d1', '{"temp": 2', { qos: 1 }); // malformed, counted
  }

  const subscribed = (clientId: string): Promise<void> =>
    new Promise((resolve) => {
      const on = (_subs: unknown, client: { id: string } | null): void => {
        if (client?.id === clientId) {
          broker.broker.off('subscribe', on);
          resolve();
        }
      };
      broker.broker.on('subscribe', on);
    });

  it('fits, freezes, publishes frozen outputs and stats, checkpoints, and resumes frozen after a restart', async () => {
    const cfg = config();
    const ready = subscribed('bridge-in');
    const run1 = startCli(['run', '--config', cfg, '--status-interval', '500ms']);
    await ready;
    const pub = await connectAsync(broker.url);
    await publishReadings(pub, 0, 10);
    await run1.waitFor(/received 20,/);
    await new Promise((r) => setTimeout(r, 700)); // a checkpoint interval
    run1.child.kill('SIGTERM');
    expect(await run1.exit).toBe(0);
    expect(run1.stdout()).toMatch(/stopped: .*received 20, series 2 \(2 frozen\), mqtt published 10 \(0 failed\).*malformed 1, invalid 1/);

    // First 5 valid values per series were learned and dropped; the rest came out frozen.
    const temp = outputs.filter((o) => o.topic === 'out/s1/d1/temp');
    expect(temp.map((o) => o.body.raw)).toEqual([20, 21, 22, 23, 24]);
    expect(temp.every((o) => o.body.phase === 'frozen' && o.body.version === 1)).toBe(true);
    expect(temp[2]!.body.value).toBe(0); // mean 22 of 20..24
    const hum = outputs.filter((o) => o.topic === 'out/s1/d1/hum');
    // 'NaN' at i=3 is invalid: never learned, emitted flagged (invalid: flag, the default); the
    // window took 6 messages to learn 5 values, so 4 frozen outputs follow.
    expect(hum.map((o) => o.body.flag ?? o.body.phase)).toEqual(['invalid', 'frozen', 'frozen', 'frozen', 'frozen']);

    // Stats are retained: a new subscriber gets them at once.
    const statsClient = await connectAsync(broker.url);
    const stats = new Map<string, unknown>();
    statsClient.on('message', (t, p) => stats.set(t, JSON.parse(p.toString())));
    await statsClient.subscribeAsync('stats/#', { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect([...stats.keys()].sort()).toEqual(['stats/s1/d1/hum', 'stats/s1/d1/temp']);
    await statsClient.endAsync();

    // The checkpoint holds both series frozen.
    const state = restoreSnapshot(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')));
    expect(state.get('s1/d1/temp')!.phase).toBe('frozen');

    // Restart: resumes from the state file, so new readings come out frozen at once.
    outputs.length = 0;
    const ready2 = subscribed('bridge-in');
    const run2 = startCli(['run', '--config', cfg, '--status-interval', '500ms']);
    await run2.waitFor(/resumed 2 series/);
    await ready2;
    await publishReadings(pub, 100, 2);
    await run2.waitFor(/received 4,/);
    run2.child.kill('SIGINT');
    expect(await run2.exit).toBe(0);
    expect(outputs.filter((o) => o.topic === 'out/s1/d1/temp').map((o) => [o.body.raw, o.body.phase])).toEqual([
      [20, 'frozen'],
      [21, 'frozen'],
    ]);
    await pub.endAsync();

    if (vm) {
      await vm.flush();
      const series = await vm.exportSeries('{__name__="normalized_value"}');
      const points = series.reduce((n, s) => n + s.values.length, 0);
      // Every finite output of both runs: run 1 has 5 temp + 4 hum (its 5th hum output is the
      // flagged invalid 'NaN', which the sink's invalid policy drops and counts), run 2 has 2 + 2.
      expect(points).toBe(9 + 4);
      const raws = await vm.exportSeries('{__name__="normalized_raw",series="s1/d1/temp"}');
      expect(raws[0]!.values.slice(0, 5)).toEqual([20, 21, 22, 23, 24]);
    }
  });

  it('refuses a corrupt state file (exit 3) and leaves it untouched', async () => {
    const cfg = config();
    writeFileSync(join(dir, 'state.json'), '{"schema": "streamnorm/snapshot", "schemaVersion": 1, "series": {"a": {"schema": "nope"}}}');
    const { code, stderr } = await runCli(['run', '--config', cfg]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/state file .*state.json is not a valid snapshot: snapshot.series\["a"\].schema must be "streamnorm\/scaler"/);
    expect(readFileSync(join(dir, 'state.json'), 'utf8')).toContain('"nope"');
  });

  it('--check validates the config and the broker, then exits', async () => {
    writeFileSync(join(dir, 'state.json'), '{"schema": "streamnorm/snapshot", "schemaVersion": 1, "createdAt": "", "series": {}}');
    const { code, stdout, stderr } = await runCli(['run', '--config', config(), '--check']);
    expect(code).toBe(0);
    expect(stdout, JSON.stringify({ code, stderr })).toMatch(/is valid; state file holds 0 series/);
  });
});
