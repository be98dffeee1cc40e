import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../bin/cli/args.js';
import { main } from '../../bin/main.js';
import { runCli } from './cli-process.js';

/** The CLI refuses what it does not know: exit 2 and a one-line error that names the flag or key. */
const dir = mkdtempSync(join(tmpdir(), 'streamnorm-strict-'));
const csv = join(dir, 'r.csv');
writeFileSync(csv, 'series,value\na,1\na,3\n');

async function refusal(argv: string[]): Promise<{ code: number; message: string }> {
  try {
    await main(argv, () => undefined);
  } catch (e) {
    if (e instanceof CliError) return { code: e.exitCode, message: e.message };
    throw e;
  }
  throw new Error(`streamnorm ${argv.join(' ')} was accepted`);
}

describe('command-line flags: unknown, missing values, wrong types', () => {
  const cases: [string, string[], RegExp][] = [
    ['a typo of a flag (fit --scalar robust)', ['fit', '--input', csv, '--out', join(dir, 's.json'), '--scalar', 'robust'], /unknown option --scalar/],
    ['a flag of another command (inspect --scaler)', ['inspect', join(dir, 's.json'), '--scaler', 'robust'], /unknown option --scaler/],
    ['a missing value (fit --out)', ['fit', '--input', csv, '--out'], /--out needs a value/],
    ['a value given to a switch (inspect --json=yes)', ['inspect', join(dir, 's.json'), '--json=yes'], /--json takes no value/],
    ['a short flag that does not exist (fit -x)', ['fit', '-x'], /unknown option -x/],
    ['a stray word (fit extra)', ['fit', '--input', csv, '--out', join(dir, 's.json'), 'extra'], /fit: unexpected argument "extra"/],
    ['a number that is not one (demo --sites two)', ['demo', '--sites', 'two'], /--sites: expected an integer >= 1, got "two"/],
    ['a duration that is not one (run --duration soon)', ['run', '--config', 'x.yaml', '--duration', 'soon'], /--duration: expected a duration like 500ms, 30s, 5m or 1h, got "soon"/],
  ];
  for (const [name, argv, message] of cases) {
    it(name, async () => {
      const r = await refusal(argv);
      expect(r.message).toMatch(message);
      expect(r.code).toBe(2);
    });
  }

  it('a negative number is a value, not a flag', async () => {
    const out = join(dir, 'neg.json');
    expect(await main(['fit', '--input', csv, '--out', out, '--scaler', 'minmax', '--feature-range', '-1,1'], () => undefined)).toBe(0);
  });

  it('as a process: exit 2 and one line on stderr', async () => {
    const r = await runCli(['fit', '--input', csv, '--out', join(dir, 's.json'), '--scalar', 'robust']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^streamnorm: fit: unknown option --scalar/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--help always works, whatever else is on the line', async () => {
    for (const argv of [['fit', '--scalar', 'robust', '--help'], ['fit', '--out', '--help'], ['inspect', '-h', '--bogus'], ['--help', 'frobnicate'], ['help', 'run']]) {
      const lines: string[] = [];
      expect(await main(argv, (l) => lines.push(l)), argv.join(' ')).toBe(0);
      expect(lines.join('\n')).toMatch(/Usage: streamnorm/);
    }
  });
});

describe('run --check validates every section of the config, naming the key', () => {
  const base = (extra: string): string => `input:\n  mqtt:\n    url: mqtt://127.0.0.1:1\n    topics: a/+b\n${extra}output:\n  mqtt: { topic: "o/{series}" }\n`;
  const cases: [string, string, RegExp][] = [
    ['a typo in the codec', base('    codec: { kind: json, feilds: "*" }\n'), /config\.input\.mqtt\.codec\.feilds: unknown key; expected one of kind, value, fields, time, unit/],
    ['an unknown codec', base('    codec: csv\n'), /config\.input\.mqtt\.codec: expected one of number, senml, or an object with kind number, senml or json, got "csv"/],
    ['a typo in deadLetter', base('    deadLetter: { topik: "dl/{topic}" }\n'), /config\.input\.mqtt\.deadLetter\.topik: unknown key; expected one of topic, qos, format/],
    ['a bad deadLetter format', base('    deadLetter: { format: json }\n'), /config\.input\.mqtt\.deadLetter\.format: expected one of auto, raw, envelope, got "json"/],
    ['a tag that is not a string', `${base('')}  influx: { url: http://127.0.0.1:1, bucket: b, tags: { site: 3 } }\n`, /config\.output\.influx\.tags\.site: expected a string, got number 3/],
    ['a key of the other query language', 'input:\n  influx: { query: flux, url: http://127.0.0.1:1, org: o, bucket: b, db: plant, measurement: env, field: temp }\noutput:\n  mqtt: { url: mqtt://127.0.0.1:1 }\n', /config\.input\.influx\.db: unknown key; expected one of query, url, org, bucket, token, measurement, field, where, series, tail/],
    ['an output broker missing', 'input:\n  influx: { url: http://127.0.0.1:1, db: plant, measurement: env, field: temp }\noutput:\n  mqtt: { topic: t }\n', /config\.output\.mqtt\.url: required when the input is not MQTT/],
    ['a time that is not one', `${base('')}fit:\n  influx: { url: http://127.0.0.1:1, db: plant, measurement: env, field: temp, start: yesterday }\n`, /config\.fit\.influx\.start: expected an RFC 3339 time such as 2026-11-01T00:00:00Z, got "yesterday"/],
    ['a typo in a scaler option', base('normalize:\n  scaler: { kind: standard, withMeans: false }\n'), /config\.normalize\.scaler\.withMeans: unknown key; expected one of kind, pre, zeroSpread, clip, withMean, withStd/],
  ];
  for (const [name, yaml, message] of cases) {
    it(name, async () => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, yaml);
      const r = await refusal(['run', '--config', file, '--check']);
      expect(r.message).toMatch(message);
      expect(r.code).toBe(2);
    });
  }
});
