import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/sklearn-serve.js';
import { runBuiltExample, type ExampleRun } from './run-built.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dataFile = join(root, 'examples/data/sklearn-standard-scaler.json');
const tmp = mkdtempSync(join(tmpdir(), 'streamnorm-sklearn-example-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The attributes as Python wrote them, read independently of the library. */
const attrs = JSON.parse(readFileSync(dataFile, 'utf8')) as { mean_: number[]; var_: number[]; scale_: number[]; feature_names_in_: string[] };
const col = (name: string): number => attrs.feature_names_in_.indexOf(name);
const z = (name: string, x: number): number => (x - (attrs.mean_[col(name)] as number)) / (attrs.scale_[col(name)] as number);

const runBuilt = (args: string[]): Promise<ExampleRun> => runBuiltExample('sklearn-serve', args, tmp);

describe('examples/sklearn-serve', () => {
  it('the data file has the shape of json.dump of a fitted StandardScaler', () => {
    expect(attrs.feature_names_in_).toEqual(['temperature', 'pressure', 'humidity']);
    attrs.var_.forEach((v, i) => expect(attrs.scale_[i]).toBe(Math.sqrt(v)));
  });

  it('serves the Python statistics: fallback by feature, invalid flagged, unknown feature raw', async () => {
    const s = await main();
    expect(s.features).toEqual(['temperature', 'pressure', 'humidity']);
    expect(s.outputs.map((o) => [o.series, o.phase, o.flag])).toEqual([
      ['line1/temperature', 'frozen', 'fallback'],
      ['line1/pressure', 'frozen', 'fallback'],
      ['line1/humidity', 'frozen', 'fallback'],
      ['line2/temperature', 'passthrough', 'invalid'],
      ['line2/vibration', 'passthrough', 'raw'],
      ['temperature', 'frozen', null],
    ]);
    const values = s.outputs.map((o) => o.value);
    expect(values[0]).toBeCloseTo(z('temperature', 24.37), 14);
    expect(values[1]).toBe(z('pressure', 100125.4));
    expect(values[2]).toBeCloseTo(z('humidity', 54.7), 14);
    expect(values[3]).toBeNull();
    expect(values[4]).toBe(3.2);
    expect(values[5]).toBe(0);
    expect([s.invalid, s.passedRaw]).toEqual([1, 1]);
  });

  it('maps model outputs back with the same statistics (version 1), NaN without statistics', async () => {
    const { predictions } = await main();
    expect(predictions.map((p) => [p.series, p.version])).toEqual([
      ['line1/temperature', 1],
      ['line1/humidity', 1],
      ['line2/vibration', 0],
    ]);
    expect(predictions[0]?.value).toBeCloseTo(21.84 + 0.5 * 2.53, 12);
    expect(predictions[1]?.value).toBeCloseTo(45.2 - 9.5, 12);
    expect(predictions[2]?.value).toBeNull();
  });

  it('reads another dump from --file, and refuses a broken one naming the attribute', async () => {
    const other = join(tmp, 'other.json');
    writeFileSync(other, JSON.stringify({ mean_: [20, 0, 50], var_: [4, 1, 100], scale_: [2, 1, 10], n_samples_seen_: 10, feature_names_in_: ['temperature', 'pressure', 'humidity'] }));
    const s = await main({ file: other });
    expect(s.outputs[0]?.value).toBeCloseTo((24.37 - 20) / 2, 12);
    expect(s.outputs[5]?.value).toBeCloseTo(0.92, 12);
    const broken = join(tmp, 'broken.json');
    writeFileSync(broken, JSON.stringify({ mean_: [20], var_: [4], n_samples_seen_: 10, feature_names_in_: ['temperature'] }));
    await expect(main({ file: broken })).rejects.toThrow(/scale_/);
  });

  it('runs as a script from dist: the same summary as main(), a readable table, exit 1 on a missing file', async () => {
    const asJson = await runBuilt(['--json']);
    expect(asJson.stderr).toBe('');
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.stdout)).toEqual(await main());

    const table = await runBuilt([]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('scikit-learn StandardScaler features: temperature, pressure, humidity');
    expect(table.stdout).toMatch(/line1\/pressure\s+raw\s+100125\.4 ->\s+-1\.0000\s+frozen \(fallback\)/);
    expect(table.stdout).toMatch(/prediction line1\/temperature\s+0\.5000 ->\s+23\.1050\s+\(statistics v1\)/);
    expect(table.stdout).toContain('invalid 1, passed raw 1');

    const missing = await runBuilt(['--file', join(tmp, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ENOENT');
  });
});
