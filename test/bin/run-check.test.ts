import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAedes, type AedesBroker } from '../helpers/aedes.js';
import { runCli } from './cli-process.js';

/**
 * Every config mistake of issue 12 is found by `run --check` (exit 2, the key named), where
 * before `--check` said valid and `run` crashed with a stack trace, or every output failed with no
 * reason printed, or the state file was rewritten continuously.
 */
const dir = mkdtempSync(join(tmpdir(), 'streamnorm-run-check-'));

describe('run --check: config mistakes, exit 2, the key named', () => {
  let broker: AedesBroker;
  beforeAll(async () => {
    broker = await startAedes();
    writeFileSync(join(dir, 'dummy.pem'), 'not really a certificate');
  });
  afterAll(async () => {
    await broker?.close();
  });
  const input = (extra = '') => `input:\n  mqtt: { url: "${broker.url}", clientId: check-in, protocolVersion: 4, topics: "plant/+site/+device", codec: { kind: json, fields: "*" }${extra} }\n`;
  const output = 'output:\n  mqtt: { topic: "out/{site}/{device}/{field}", protocolVersion: 4 }\n';
  const cases: [string, () => string, RegExp][] = [
    ['an unknown codec kind', () => input().replace('kind: json, fields: "*"', 'kind: csv') + output, /^streamnorm: config\.input\.mqtt\.codec\.kind: expected one of number, senml, json, got "csv"$/m],
    ['a malformed topic pattern', () => input().replace('plant/+site/+device', 'plant/+site/#rest/x') + output, /^streamnorm: config\.input\.mqtt\.topics: topic pattern "plant\/\+site\/#rest\/x": # must be the last level$/m],
    ['an InfluxDB url that is not a URL', () => input() + 'output:\n  influx: { url: "not a url", bucket: b }\n', /^streamnorm: config\.output\.influx\.url: expected a URL such as http:\/\/host:8086$/m],
    ['a broker url with the wrong scheme', () => input().replace(`url: "${broker.url}"`, 'url: "http://u:s3cret@host:1883"') + output, /^streamnorm: config\.input\.mqtt\.url: expected a URL such as mqtt:\/\/host:1883 or mqtts:\/\/host:8883 .*got the scheme http$/m],
    ['an output topic with a tag no reading has', () => input() + output.replace('{device}', '{devcie}'), /^streamnorm: config\.output\.mqtt\.topic: \{devcie\} is not a tag of the input's readings \(they have \{series\}, \{site\}, \{device\}, \{field\}\): every output would fail$/m],
    ['checkpointInterval: 0', () => input() + output + 'state: { file: ./s.json, checkpointInterval: 0 }\n', /^streamnorm: config\.state\.checkpointInterval: expected a duration of at least 100ms/m],
    ['a held window larger than the bound', () => input() + 'normalize: { whileFitting: hold, holdLimit: 5000 }\n' + output, /^streamnorm: config\.normalize\.holdLimit: a held window of 5000 readings is larger than delivery\.maxUnacknowledged \(1000\)/m],
    ['a bound beyond Receive Maximum', () => input() + output + 'delivery: { maxUnacknowledged: 70000 }\n', /^streamnorm: config\.delivery\.maxUnacknowledged: expected an integer <= 65535/m],
    ['maxInflight beyond the packet ids', () => input() + output.replace('protocolVersion: 4 }', 'protocolVersion: 4, maxInflight: 70000 }'), /^streamnorm: config\.output\.mqtt\.maxInflight: expected an integer <= 65000/m],
    ['a stats topic not ending in {series}', () => input() + output.replace('protocolVersion: 4 }', 'protocolVersion: 4, statsTopic: "stats/{series}/x" }'), /^streamnorm: config\.output\.mqtt\.statsTopic: stats topic template "stats\/\{series\}\/x" must end with the level \{series\}$/m],
    ['a TLS file that cannot be read', () => input(', tls: { ca: ./no-such-ca.pem }') + output, /^streamnorm: config\.input\.mqtt\.tls\.ca: cannot read the file "\.\/no-such-ca\.pem" \(ENOENT\)$/m],
    ['a client certificate without its key', () => input(`, tls: { cert: ${join(dir, 'dummy.pem')} }`) + output, /^streamnorm: config\.input\.mqtt\.tls: give cert and key together/m],
    ['an unknown delivery key', () => input() + output + 'delivery: { maxUnacked: 10 }\n', /^streamnorm: config\.delivery\.maxUnacked: unknown key; expected one of maxUnacknowledged, drainTimeout, checkpointDelay$/m],
    ['a plausibleTime that is not a window', () => input() + 'normalize: { plausibleTime: yes }\n' + output, /^streamnorm: config\.normalize\.plausibleTime: expected false or \{ min: TIME, maxAhead: DURATION \}/m],
    ['a dead-letter topic with an unknown placeholder', () => input(', deadLetter: { topic: "dead/{device}" }') + output, /^streamnorm: config\.input\.mqtt\.deadLetter\.topic: \{device\} is not known/m],
  ];
  for (const [name, yaml, message] of cases) {
    it(name, async () => {
      const path = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(path, yaml());
      const { code, stderr, stdout } = await runCli(['run', '--config', path, '--check']);
      expect(stderr, stdout).toMatch(message);
      expect(stderr).not.toMatch(/s3cret|\n\s+at /); // no password, no stack trace
      expect(code).toBe(2);
    });
  }

  it('a valid config: --check warns about a clean session and a missing state file, exit 0', async () => {
    const path = join(dir, 'valid.yaml');
    writeFileSync(path, input() + output);
    const { code, stdout } = await runCli(['run', '--config', path, '--check']);
    expect(stdout).toMatch(/^warning: config\.input\.mqtt\.clean: a clean session loses/m);
    expect(stdout).toMatch(/^warning: config\.state: no state file/m);
    expect(stdout).toMatch(/is valid$/m);
    expect(code).toBe(0);
  });

  it('QoS 0 input: --check warns', async () => {
    const path = join(dir, 'qos0.yaml');
    writeFileSync(path, input(', qos: 0, clean: false') + output + 'state: { file: ./x.json }\n');
    const { code, stdout } = await runCli(['run', '--config', path, '--check']);
    expect(stdout).toMatch(/^warning: config\.input\.mqtt\.qos: QoS 0 input is never acknowledged/m);
    expect(stdout).not.toMatch(/clean session/);
    expect(code).toBe(0);
  });
});
