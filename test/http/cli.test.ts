import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../bin/cli/args.js';
import { USAGE } from '../../bin/help.js';
import { readRunConfig } from '../../bin/cli/run-config.js';
import { DEMO_HTTP, httpFromArgs, parseListen } from '../../bin/http/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const base = { input: { mqtt: { url: 'mqtt://x', topics: 'a/+b' } }, output: { mqtt: { topic: 'o' } } };

describe('dashboard options of the CLI', () => {
  it('--http HOST:PORT, [v6]:PORT, port 0; --no-http turns it off', () => {
    expect(parseListen('127.0.0.1:9464', '--http')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('[::1]:0', '--http')).toEqual({ host: '::1', port: 0 });
    expect(parseListen('localhost:80', '--http')).toEqual({ host: 'localhost', port: 80 });
    for (const bad of ['9464', '127.0.0.1', ':9464', '127.0.0.1:99999', 'a b:1', '::1:80']) expect(() => parseListen(bad, '--http'), bad).toThrow(/--http: expected HOST:PORT/);
    const args = (argv: string[]) => parseCommandArgs('demo', argv, USAGE.demo);
    expect(httpFromArgs(args([]), DEMO_HTTP)).toEqual(DEMO_HTTP);
    expect(httpFromArgs(args(['--no-http']), DEMO_HTTP)).toBeUndefined();
    expect(httpFromArgs(args(['--http', '0.0.0.0:8080']), undefined)).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(httpFromArgs(args(['--http', '127.0.0.1:1']), { host: 'x', port: 2, token: 't'.repeat(16) })).toEqual({ host: '127.0.0.1', port: 1, token: 't'.repeat(16) });
  });

  it('the run config http: section (unknown keys refused, errors name the key)', () => {
    expect(readRunConfig({ ...base, http: { listen: '127.0.0.1:9464', allowedHosts: 'streamnorm.local', token: 'a'.repeat(20) } }).http).toEqual({ host: '127.0.0.1', port: 9464, allowedHosts: ['streamnorm.local'], token: 'a'.repeat(20) });
    expect(readRunConfig(base).http).toBeUndefined();
    expect(() => readRunConfig({ ...base, http: { listen: '9464' } })).toThrow('config.http.listen: expected HOST:PORT');
    expect(() => readRunConfig({ ...base, http: {} })).toThrow('config.http.listen: required');
    expect(() => readRunConfig({ ...base, http: { listen: '127.0.0.1:1', port: 2 } })).toThrow('config.http.port: unknown key; expected one of listen, allowedHosts, token');
    expect(() => readRunConfig({ ...base, http: { listen: '127.0.0.1:1', token: 'short' } })).toThrow('config.http.token: expected at least 16 characters');
  });
});

describe('the page scripts', () => {
  it('type-check with the DOM types (bin/http/static/tsconfig.json: JSDoc-typed browser modules)', () => {
    const r = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}bin/http/static/tsconfig.json`], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
