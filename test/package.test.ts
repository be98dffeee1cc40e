import { execFile, type ExecFileException } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The package as users get it: built from the sources into a clean folder, packed with `npm pack`,
 * installed with rxjs into an empty project from the tarball (the npm registry for its
 * dependencies, through the local npm cache), then used there: the root and subpath exports
 * imported, their types checked by tsc, `npx streamnorm --help` and a short `demo` run.
 */
const root = fileURLToPath(new URL('../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'streamnorm-package-'));
const stage = join(work, 'stage');
const app = join(work, 'app');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** The environment without what an enclosing `npm test` sets (npm_config_*, npm_package_*): a user's shell. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sh(command: string, args: string[], cwd: string, timeout = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout, maxBuffer: 1 << 26 }, (error: ExecFileException | null, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function ok(command: string, args: string[], cwd: string, timeout?: number): Promise<Run> {
  const r = await sh(command, args, cwd, timeout);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

let files: string[] = [];
let tarball = '';

beforeAll(async () => {
  mkdirSync(stage);
  mkdirSync(app);
  // A clean build (no stale files of an earlier one), as `npm pack` makes it through `prepack`.
  await ok(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')], root);
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md']) copyFileSync(join(root, f), join(stage, f));
  const packed = await ok('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], stage);
  const info = (JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[])[0]!;
  tarball = join(work, info.filename);
  files = info.files.map((f) => f.path).sort();
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // protobufjs: the optional peer streamnorm/sparkplug needs (the README says to install it for Sparkplug).
  await ok('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'rxjs@^7.8.0', 'protobufjs@^8.8.1'], app, 150_000);
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true })); // ~40 MB of node_modules

describe('the package as users get it (npm pack, installed into an empty project)', () => {
  it('holds only what users need: the built library and CLI with their types, README, CHANGELOG', () => {
    const allowed = /^(package\.json|README\.md|CHANGELOG\.md|dist\/index\.(js|d\.ts)|dist\/(src|operators|connectors|bin)\/.+\.(js|d\.ts))$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/bin/streamnorm.js', 'dist/src/index.js', 'dist/connectors/mqtt/index.d.ts', 'dist/connectors/influx/index.js', 'README.md', 'CHANGELOG.md']) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => /^dist\/(bench|examples|test)\//.test(f))).toBe(false);
  });

  it('imports the root and every subpath export and runs them', async () => {
    writeFileSync(
      join(app, 'use.mjs'),
      `import { from, lastValueFrom, toArray } from 'rxjs';
import { normalize } from 'streamnorm';
import { StandardScaler, toJsonNumber } from 'streamnorm/core';
import { encodeNormalized, backoffDelay } from 'streamnorm/mqtt';
import { formatLine } from 'streamnorm/influx';
import { encodeSeriesKey } from 'streamnorm/nats';
import { parseSparkplugTopic } from 'streamnorm/sparkplug';
import pkg from 'streamnorm/package.json' with { type: 'json' };
const out = await lastValueFrom(from([1, 2, 3, 4].map((value) => ({ series: 's', value }))).pipe(normalize({ freeze: { afterSamples: 3 } }), toArray()));
console.log(JSON.stringify({
  last: out.at(-1).value,
  core: new StandardScaler().learnMany([1, 3]).transform(3),
  nan: toJsonNumber(NaN),
  mqtt: JSON.parse(encodeNormalized(out.at(-1))).phase,
  backoff: backoffDelay(1, { initialMs: 10, jitter: 0 }),
  influx: formatLine({ measurement: 'm', fields: { v: 1 }, timestamp: '5' }),
  nats: encodeSeriesKey('a/b'),
  sparkplug: parseSparkplugTopic('spBv1.0/plant/NDATA/edge1').edge,
  version: pkg.version,
}));
`,
    );
    const r = await ok(process.execPath, ['use.mjs'], app);
    expect(JSON.parse(r.stdout)).toEqual({ last: 2.449489742783178, core: 1, nan: 'NaN', mqtt: 'frozen', backoff: 20, influx: 'm v=1 5', nats: 'a_2Fb', sparkplug: 'edge1', version: '0.2.0' });
  });

  it('has types that tsc checks in that project (and that catch a mistake)', async () => {
    writeFileSync(
      join(app, 'use.ts'),
      `import { from } from 'rxjs';
import { normalize, type Normalized, type NormalizeOptions } from 'streamnorm';
import { createScaler, type ScalerSpec } from 'streamnorm/core';
import { mqttSource, type MqttSourceOptions } from 'streamnorm/mqtt';
import { influxSink, type InfluxSinkOptions } from 'streamnorm/influx';
import { sparkplugSource, type SparkplugSourceOptions } from 'streamnorm/sparkplug';
import { encodeSeriesKey } from 'streamnorm/nats';
const options: NormalizeOptions = { freeze: { afterSamples: 3 }, whileFitting: 'hold' };
const spec: ScalerSpec = { kind: 'robust', quantileRange: [10, 90] };
from([{ series: 's', value: 1 }]).pipe(normalize(options)).subscribe((n: Normalized) => n.value.toFixed(2));
createScaler(spec).learn(3);
const source: MqttSourceOptions = { connect: { url: 'mqtt://127.0.0.1:1883' }, topics: 'a/+b' };
const sink: InfluxSinkOptions = { url: 'http://127.0.0.1:8086', bucket: 'b', retry: { initialMs: 100 } };
void mqttSource;
void influxSink;
void sparkplugSource;
const key: string = encodeSeriesKey('a/b');
void key;
const sp: Partial<SparkplugSourceOptions> = {};
void sp;
void source;
void sink;
// @ts-expect-error: not a scaler kind
createScaler({ kind: 'zscore' });
`,
    );
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['use.ts'] }));
    const r = await sh(process.execPath, [tsc, '-p', join(app, 'tsconfig.json')], app);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('npx streamnorm --help works, and a short demo runs', async () => {
    const help = await ok('npx', ['--no', '--', 'streamnorm', '--help'], app);
    expect(help.stdout).toMatch(/Usage: streamnorm <command>/);
    const demo = await ok('npx', ['--no', '--', 'streamnorm', 'demo', '--duration', '2s', '--no-view', '--period', '100ms'], app, 60_000);
    expect(demo.stderr).toBe('');
    expect(demo.stdout).toMatch(/stopped after [\d.]+ s: \d+ messages sent, \d+ readings received/);
  }, 90_000);

  it('without a package a command needs, that command names it; --help and other commands still work', async () => {
    renameSync(join(app, 'node_modules/aedes'), join(app, 'node_modules/aedes-away'));
    try {
      const demo = await sh('npx', ['--no', '--', 'streamnorm', 'demo', '--duration', '1s', '--no-view'], app);
      expect(demo.stderr).toBe('streamnorm: streamnorm demo needs the package aedes, which is not installed: npm install aedes\n');
      expect(demo.code).toBe(1);
      expect((await ok('npx', ['--no', '--', 'streamnorm', 'demo', '--help'], app)).stdout).toMatch(/Usage: streamnorm demo/);
      writeFileSync(join(app, 'r.csv'), 'series,value\na,1\na,3\n');
      expect((await ok('npx', ['--no', '--', 'streamnorm', 'fit', '--input', 'r.csv', '--out', 's.json'], app)).stdout).toMatch(/^fitted 1 series from 2 readings/);
    } finally {
      renameSync(join(app, 'node_modules/aedes-away'), join(app, 'node_modules/aedes'));
    }
  }, 60_000);
});
