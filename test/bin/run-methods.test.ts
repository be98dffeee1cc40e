import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BehaviorSubject, from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchNorm, ewmNormalize, perSampleNormalize, type Normalized, type Reading } from 'streamnorm';
import { mosquittoSkipReason } from '../helpers/mosquitto.js';
import { startFaultBroker, type FaultBroker } from '../faults/broker.js';
import { bridgeConfig, publishAll, startBridge, until, Watcher, writeFile } from '../faults/harness.js';
import { runCli } from './cli-process.js';
import { loadConfigFile } from '../../bin/cli/config-file.js';
import { readRunConfig } from '../../bin/cli/run-config.js';

/**
 * `normalize.method` and `perSample` in the run config: every kind of the library reachable from
 * `run`. Outputs are checked against the operators themselves run in-process on the same readings
 * (the operators are checked against pandas and PyTorch in their own suites).
 */
const dir = mkdtempSync(join(tmpdir(), 'streamnorm-run-methods-'));
const T0 = 1_700_000_000_000;

describe('run config: methods and perSample are validated, naming the key', () => {
  const base = 'input: { mqtt: { url: "mqtt://127.0.0.1:1", topics: "a/+b" } }\noutput: { mqtt: { topic: "o/{series}" } }\n';
  const cases: [string, string, RegExp][] = [
    ['a fit key with ewm', 'normalize: { method: ewm, ewm: { alpha: 0.1 }, freeze: { afterSamples: 5 } }', /config.normalize.freeze: applies to method fit only \(method is ewm\)/],
    ['ewm without its section', 'normalize: { method: ewm }', /config.normalize.ewm: required by method ewm/],
    ['ewm with both weights', 'normalize: { ewm: { alpha: 0.1, halfLife: 1m } }', /config.normalize.ewm: give exactly one of alpha and halfLife/],
    ['ewm alpha out of range', 'normalize: { ewm: { alpha: 1.5 } }', /config.normalize.ewm.alpha: expected a number in \(0, 1\]/],
    ['ewm unknown key', 'normalize: { ewm: { alpha: 0.1, ajust: true } }', /config.normalize.ewm.ajust: unknown key/],
    ['batchNorm without a batch', 'normalize: { method: batchNorm, batchNorm: { momentum: 0.1 } }', /config.normalize.batchNorm: give batchSize, window or both/],
    ['a batchNorm section with method fit', 'normalize: { method: fit, batchNorm: { batchSize: 4 } }', /config.normalize.batchNorm: applies to method batchNorm only \(method is fit\)/],
    ['refit with ewm', 'normalize: { ewm: { alpha: 0.1 } }\nrefit: { onAlarm: true }', /config.refit: refits frozen statistics: method fit only \(method is ewm\)/],
    ['perSample with hold', 'normalize: { whileFitting: hold }\nperSample: { kind: layernorm, fields: [a, b] }', /config.perSample: needs every output of a message while the message is handled, which whileFitting: hold does not give/],
    ['perSample with batchNorm training', 'normalize: { batchNorm: { batchSize: 4 } }\nperSample: { kind: rmsnorm, fields: [a] }', /config.perSample: .*batchNorm in train mode/],
    ['perSample weights of another length', 'normalize: { method: none }\nperSample: { kind: layernorm, fields: [a, b], weight: [1, 2, 3] }', /config.perSample: weight\/bias have 3 entries for 2 fields/],
    ['perSample bias with rmsnorm', 'normalize: { method: none }\nperSample: { kind: rmsnorm, fields: [a], bias: [1] }', /config.perSample: .*bias/],
    ['perSample unknown kind', 'normalize: { method: none }\nperSample: { kind: batchnorm, fields: [a] }', /config.perSample.kind: expected one of layernorm, rmsnorm/],
  ];
  for (const [name, yaml, message] of cases) {
    it(name, async () => {
      const { code, stderr } = await runCli(['run', '--config', writeFile(join(dir, `${name.replace(/ /g, '-')}.yaml`), base + yaml), '--check']);
      expect(stderr).toMatch(message);
      expect(code).toBe(2);
    });
  }
});

const skip = mosquittoSkipReason();

describe.skipIf(skip !== undefined)('run with method ewm, batchNorm, none and a perSample stage (Mosquitto)', () => {
  let broker: FaultBroker;
  let watcher: Watcher;
  beforeAll(async () => {
    broker = await startFaultBroker();
    watcher = new Watcher(broker.url, 'watcher-methods');
    await watcher.connect();
  });
  afterAll(async () => {
    await watcher?.end();
    await broker?.stop();
  });

  const temps = [20, 22, 19, 25, 21, 23, 18, 24, 22, 20, 26, 19];
  const message = (device: string, i: number, fields: Record<string, number | string>) => ({ topic: `plant/s1/${device}`, payload: JSON.stringify({ time: T0 + i * 1000, ...fields }) });
  const readingsOf = (device: string, field: string, values: readonly (number | string)[]): Reading[] =>
    values.map((value, i) => ({ series: `s1/${device}/${field}`, value, time: T0 + i * 1000, tags: { site: 's1', device, field } }));
  const outputsOf = (series: string): Normalized[] => watcher.outputs.filter((o) => o.series === series);

  it('ewm (pandas default weights, adjust: true): outputs equal ewmNormalize; the statistics are checkpointed and resumed', async () => {
    const state = join(dir, 'ewm.json');
    const normalize = '{ method: ewm, ewm: { alpha: 0.3, adjust: true, warmup: 2 } }';
    const cfg = writeFile(join(dir, 'ewm.yaml'), bridgeConfig({ input: broker.url, output: broker.url, state, normalize }).replace('clientId: fault-bridge-in', 'clientId: ewm-in'));
    const first = temps.slice(0, 8);
    let run = startBridge(cfg);
    await run.waitFor(/\[\d+ s\] received/);
    await publishAll(broker.url, first.map((t, i) => message('ewm', i, { temp: t })), undefined, 'pub-ewm');
    await until(() => outputsOf('s1/ewm/temp').length, (n) => n >= 8, '8 ewm outputs');
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/method ewm/);
    // the state file holds the running statistics of the series
    expect(JSON.parse(readFileSync(state, 'utf8')).series['s1/ewm/temp'].schema).toBe('streamnorm/running');

    run = startBridge(cfg);
    await run.waitFor(/resumed 1 series/);
    await publishAll(broker.url, temps.slice(8).map((t, i) => message('ewm', 8 + i, { temp: t })), undefined, 'pub-ewm');
    await until(() => outputsOf('s1/ewm/temp').length, (n) => n >= temps.length, `${temps.length} ewm outputs`);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);

    // one uninterrupted operator over all readings: the restart changed nothing
    const expected = await lastValueFrom(from(readingsOf('ewm', 'temp', temps)).pipe(ewmNormalize({ alpha: 0.3, adjust: true, warmup: 2 }), toArray()));
    const got = outputsOf('s1/ewm/temp');
    expect(got.map((o) => o.raw)).toEqual(temps);
    got.forEach((o, i) => {
      expect(o.value, `output ${i}`).toBeCloseTo(expected[i]!.value, 12);
      expect(o.flag).toBe(expected[i]!.flag);
      expect(o.phase).toBe('fitting');
    });
  });

  it('batchNorm in train mode: batches of 4 equal batchNorm; an open batch keeps its messages unacknowledged across a restart, and at the bound it is closed as it is', async () => {
    const state = join(dir, 'bn.json');
    const normalize = '{ method: batchNorm, batchNorm: { batchSize: 4, momentum: 0.1, eps: 1e-5 } }';
    const config = (extra: string): string => writeFile(join(dir, 'bn.yaml'), bridgeConfig({ input: broker.url, output: broker.url, state, normalize, extra }).replace('clientId: fault-bridge-in', 'clientId: bn-in'));
    let run = startBridge(config(''));
    await run.waitFor(/\[\d+ s\] received/);
    // two full batches, then two readings in an open batch
    await publishAll(broker.url, temps.slice(0, 10).map((t, i) => message('bn', i, { temp: t })), undefined, 'pub-bn');
    await until(() => outputsOf('s1/bn/temp').length, (n) => n >= 8, '8 batch outputs');
    await run.waitFor(/in open batches 2 .*unacknowledged 2/);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(outputsOf('s1/bn/temp')).toHaveLength(8);

    // The two messages of the open batch were never acknowledged: the broker sends them again. With
    // a bound of 3, one more message makes three waiting on the open batch alone: it is closed as
    // it is (3 readings), counted.
    run = startBridge(config('delivery: { maxUnacknowledged: 3 }\n'));
    await run.waitFor(/resumed 1 series/);
    await run.waitFor(/in open batches 2 /);
    await publishAll(broker.url, [message('bn', 10, { temp: temps[10]! })], undefined, 'pub-bn');
    await until(() => outputsOf('s1/bn/temp').length, (n) => n >= 11, 'the open batch closed at the bound');
    await run.waitFor(/\(1 closed at the bound\)/);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);

    // batchNorm in-process: two batches of 4, then the partial batch of 3 closed by a switch to eval
    const mode$ = new BehaviorSubject<'train' | 'eval'>('train');
    const out: Normalized[] = [];
    const sub = from(readingsOf('bn', 'temp', temps.slice(0, 11))).pipe(batchNorm({ batchSize: 4, momentum: 0.1, eps: 1e-5, mode$ })).subscribe((o) => out.push(o));
    mode$.next('eval');
    sub.unsubscribe();
    const got = outputsOf('s1/bn/temp');
    expect(got.map((o) => o.raw)).toEqual(temps.slice(0, 11));
    got.forEach((o, i) => expect(o.value, `output ${i}`).toBeCloseTo(out[i]!.value, 12));
    expect(got.map((o) => o.version)).toEqual(out.map((o) => o.version));
  });

  it('batchNorm in eval mode resumes the running statistics of a train run and serves them (phase frozen)', async () => {
    const state = join(dir, 'bn.json'); // written by the train run above
    const normalize = '{ method: batchNorm, batchNorm: { batchSize: 4, momentum: 0.1, eps: 1e-5, mode: eval } }';
    const cfg = writeFile(join(dir, 'bn-eval.yaml'), bridgeConfig({ input: broker.url, output: broker.url, state, normalize }).replace('clientId: fault-bridge-in', 'clientId: bn-eval-in'));
    const before = outputsOf('s1/bn/temp').length;
    const saved = JSON.parse(readFileSync(state, 'utf8')).series['s1/bn/temp'].state as { runningMean: number; runningVar: number; eps: number };
    const run = startBridge(cfg);
    await run.waitFor(/resumed 1 series/);
    await run.waitFor(/\[\d+ s\] received/); // subscribed: a new client id has no session to keep the message before that
    await publishAll(broker.url, [message('bn', 20, { temp: 30 })], undefined, 'pub-bn');
    await until(() => outputsOf('s1/bn/temp').length, (n) => n > before, 'an eval output');
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const o = outputsOf('s1/bn/temp').at(-1)!;
    expect(o.phase).toBe('frozen');
    expect(o.value).toBeCloseTo((30 - saved.runningMean) / Math.sqrt(saved.runningVar + saved.eps), 12);
  });

  it('perSample layernorm on raw fields (method none): rows of one message equal perSampleNormalize; a row missing a field is dropped and counted', async () => {
    const normalize = '{ method: none }';
    const extra = 'perSample: { kind: layernorm, fields: [temp, hum, press], eps: 1e-5, weight: [1, 2, 0.5], bias: [0, 1, -1], missing: drop }\n';
    const cfg = writeFile(join(dir, 'ps.yaml'), bridgeConfig({ input: broker.url, output: broker.url, state: join(dir, 'ps.json'), normalize, extra }).replace('clientId: fault-bridge-in', 'clientId: ps-in'));
    const run = startBridge(cfg);
    await run.waitFor(/\[\d+ s\] received/);
    const rows = [
      { temp: 21.5, hum: 40, press: 1013.25 },
      { temp: 1e9 + 1e-3, hum: 1e9, press: 1e9 - 1e-3 }, // PyTorch's float64 LayerNorm is off by ~1e-5 here
      { temp: 5, hum: 5, press: 5 }, // all equal: 0 before the bias
      { temp: 20, hum: 'NaN' as unknown as number, press: 1000 }, // hum invalid: the row is dropped
    ];
    await publishAll(broker.url, rows.map((r, i) => message('ps', i, r)), undefined, 'pub-ps');
    await until(() => watcher.outputs.filter((o) => o.series.startsWith('s1/ps/')).length, (n) => n >= 9, '3 rows of 3 fields');
    await run.waitFor(/rows 3 \(1 dropped, 0 partial, 0 outputs without a field\)/);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);

    const expected = await lastValueFrom(
      from(rows.map((fields, i) => ({ series: 's1/ps', fields, time: T0 + i * 1000 }))).pipe(perSampleNormalize({ kind: 'layernorm', fields: ['temp', 'hum', 'press'], eps: 1e-5, weight: [1, 2, 0.5], bias: [0, 1, -1] }), toArray()),
    );
    expect(expected).toHaveLength(3);
    for (const [r, row] of expected.entries()) {
      for (const field of ['temp', 'hum', 'press']) {
        const got = watcher.outputs.filter((o) => o.series === `s1/ps/${field}`)[r]!;
        expect(got.value, `row ${r} ${field}`).toBe(row.fields[field]);
        expect(got.raw).toBe(rows[r]![field as 'temp']);
        expect(got.phase).toBe('passthrough');
      }
    }
    expect(watcher.outputs.filter((o) => o.series === 's1/ps/temp').map((o) => o.value)[2]).toBe(0);
  });
});

describe("the README's config for the other methods", () => {
  it('is valid as written: ewm on each series, then LayerNorm across x, y, z', async () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    const section = readme.split(/^### /m).find((s) => s.startsWith('Other ways to normalize')) ?? '';
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] as string;
    expect(yaml).toContain('method: ewm');
    const config = readRunConfig(loadConfigFile(writeFile(join(dir, 'readme-methods.yaml'), yaml)));
    expect(config.cluster).toBeUndefined();
    if (config.cluster !== undefined) return;
    expect(config.method).toEqual({ kind: 'ewm', ewm: { halfLifeMs: 600_000, warmup: 20 } });
    expect(config.perSample).toEqual({ kind: 'layernorm', fields: ['x', 'y', 'z'], weight: [1.02, 0.97, 1.01], missing: 'drop' });
  });
});
