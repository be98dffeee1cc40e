import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../bin/cli/config-file.js';
import { readRunConfig } from '../../bin/cli/run-config.js';
import { classifyNatsError } from '../../bin/cluster/nats-connect.js';
import { runCli } from '../bin/cli-process.js';
import { natsSkipReason, startNats, type NatsServer } from '../helpers/nats.js';

/**
 * The cluster section's credentials and TLS: `user`/`password`, `token`, `credsFile` and
 * `tls: { ca, cert, key }` (files read at start, as `input.mqtt.tls`), refused mixes named at
 * --check, and against real nats-servers: the right credentials run, refused ones exit 5, a TLS
 * failure exits 6, and a password or token is never printed.
 */

const dir = mkdtempSync(join(tmpdir(), 'streamnorm-nats-security-'));
const worker = (cluster: object): object => ({ cluster: { servers: 'nats://127.0.0.1:4222', partitions: 8, ...cluster }, input: { nats: { topics: 'sensors/+site/+device' } }, output: { nats: {} } });
const refusal = (cluster: object): string => {
  try {
    readRunConfig(worker(cluster));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the config to be refused');
};

describe('credentials and TLS keys of the cluster section', () => {
  const creds = join(dir, 'user.creds');
  writeFileSync(creds, '-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QifQ.e30.x\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\nSUAEXAMPLE\n------END USER NKEY SEED------\n');
  writeFileSync(join(dir, 'fake-ca.pem'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');

  it('reads user and password, a token, a .creds file and the TLS files', () => {
    expect(readRunConfig(worker({ user: 'sn', password: 'pw' })).cluster).toMatchObject({ user: 'sn', password: 'pw' });
    expect(readRunConfig(worker({ token: 'tk' })).cluster).toMatchObject({ token: 'tk' });
    expect(Buffer.from(readRunConfig(worker({ credsFile: creds })).cluster?.creds ?? []).toString()).toContain('NATS USER JWT');
    const tls = readRunConfig(worker({ tls: { ca: join(dir, 'fake-ca.pem'), rejectUnauthorized: true } })).cluster?.tls;
    expect(tls?.ca?.toString()).toContain('BEGIN CERTIFICATE');
  });

  it('takes ${VAR} for the password and token, as the MQTT sections do', () => {
    const file = join(dir, 'env.yaml');
    writeFileSync(file, 'cluster: { servers: nats://x:1, partitions: 8, user: sn, password: "${NATS_PW}" }\ninput: { nats: { topics: a/+b } }\noutput: { nats: {} }\n');
    expect(readRunConfig(loadConfigFile(file, { NATS_PW: 'from-env' })).cluster?.password).toBe('from-env');
    expect(() => loadConfigFile(file, {})).toThrow('config.cluster.password: environment variable NATS_PW is not set');
  });

  it.each([
    ['user without password', { user: 'sn' }, 'config.cluster.user: give password with user (or a token instead)'],
    ['password without user', { password: 'pw' }, 'config.cluster.password: give user with password'],
    ['a token with user and password', { user: 'sn', password: 'pw', token: 'tk' }, 'config.cluster.token: give token or user and password, not both'],
    ['credsFile with a token', { credsFile: join(dir, 'user.creds'), token: 'tk' }, 'config.cluster.credsFile: give credsFile alone'],
    ['a credsFile that is not one', { credsFile: join(dir, 'fake-ca.pem') }, 'config.cluster.credsFile: expected a NATS credentials file'],
    ['a missing TLS file', { tls: { ca: join(dir, 'nope.pem') } }, `config.cluster.tls.ca: cannot read the file "${join(dir, 'nope.pem')}" (ENOENT)`],
    ['cert without key', { tls: { cert: join(dir, 'fake-ca.pem') } }, 'config.cluster.tls: give cert and key together'],
    ['an unknown key in tls', { tls: { caFile: 'x' } }, 'config.cluster.tls.caFile: unknown key; expected one of ca, cert, key, rejectUnauthorized, servername'],
    ['an unknown credential key', { pass: 'pw' }, 'config.cluster.pass: unknown key'],
  ])('refuses %s in one line naming the key', (_, cluster, message) => {
    const m = refusal(cluster);
    expect(m).toContain(message);
    expect(m.split('\n')).toHaveLength(1);
  });

  it('never shows a password or token value in a refusal', () => {
    const m = refusal({ user: 'sn', password: 12345678 });
    expect(m).toContain('config.cluster.password: expected a string');
    expect(m).not.toContain('12345678');
    expect(refusal({ token: ['s3cret-token'] })).not.toContain('s3cret-token');
  });

  it('classifies connection errors: authorization 5, certificates 6, the rest 4', () => {
    const cause = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    expect(classifyNatsError(Object.assign(new Error("'Authorization Violation'"), { name: 'AuthorizationError' })).kind).toBe('credentials');
    expect(classifyNatsError(new Error('wrapped', { cause })).kind).toBe('tls');
    expect(classifyNatsError(new Error("server does not support 'tls'")).kind).toBe('tls');
    expect(classifyNatsError(new Error('connection refused'))).toEqual({ kind: 'unreachable', reason: 'connection refused' });
  });
});

const skip = natsSkipReason() ?? (spawnSync('openssl', ['version']).status === 0 ? undefined : 'openssl not installed');

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** Two CAs (the second unknown to the server), a server certificate for 127.0.0.1 and a client certificate, as PEM files in `dir`. */
function makeCertificates(): void {
  for (const ca of ['ca', 'other-ca']) openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=streamnorm ${ca}`);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=streamnorm-worker');
  openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '2');
}

describe.skipIf(skip !== undefined)('a cluster member on a secured nats-server', () => {
  const password = 's3cret-nats-pw';
  const token = 't0ken-s3cret';
  let auth: NatsServer;
  let tokenServer: NatsServer;
  let tls: NatsServer;
  beforeAll(async () => {
    makeCertificates();
    const pem = (f: string): string => JSON.stringify(join(dir, f));
    [auth, tokenServer, tls] = await Promise.all([
      startNats({ extra: `authorization { user: streamnorm, password: "${password}" }` }),
      startNats({ extra: `authorization { token: "${token}" }` }),
      startNats({ extra: `tls { cert_file: ${pem('server.pem')}, key_file: ${pem('server.key')}, ca_file: ${pem('ca.pem')}, verify: true, timeout: 2 }` }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([auth?.stop(), tokenServer?.stop(), tls?.stop()]);
  });

  let n = 0;
  const config = (servers: string, keys: string): string => {
    const p = join(dir, `member-${++n}.yaml`);
    writeFileSync(p, `cluster: { servers: "${servers}", partitions: 8${keys === '' ? '' : `, ${keys}`} }\ninput: { nats: { topics: "sensors/+site/+device" } }\noutput: { nats: {} }\n`);
    return p;
  };
  const printed = (r: { stdout: string; stderr: string }): string => r.stdout + r.stderr;

  it('user and password (from the environment): a worker runs and reports its status; a wrong password exits 5 and is never printed', async () => {
    const run = await runCli(['run', '--config', config(auth.url, 'user: streamnorm, password: "${NATS_PW}"'), '--duration', '3s', '--status-interval', '500ms'], { NATS_PW: password });
    expect([run.code, run.stderr]).toEqual([0, expect.any(String)]);
    expect(run.stdout).toMatch(/worker \S+ running on streamnorm \(8 partitions\)/);
    expect(run.stdout).toMatch(/\[\d+ s\] /);
    expect(printed(run)).not.toContain(password);
    const wrong = await runCli(['run', '--config', config(auth.url, 'user: streamnorm, password: "${NATS_PW}"'), '--check'], { NATS_PW: 'not-the-pw-9876' });
    expect(wrong.code).toBe(5);
    expect(wrong.stderr).toContain(`NATS at ${auth.url} refused the credentials: Authorization Violation`);
    expect(printed(wrong)).not.toContain('not-the-pw-9876');
    const none = await runCli(['run', '--config', config(auth.url, ''), '--check']);
    expect(none.code).toBe(5);
  });

  it('a token: the right one passes --check, a wrong one exits 5 without printing it', async () => {
    const ok = await runCli(['run', '--config', config(tokenServer.url, `token: "${token}"`), '--check']);
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining('NATS answers')]);
    const wrong = await runCli(['run', '--config', config(tokenServer.url, 'token: wr0ng-t0ken-123'), '--check']);
    expect(wrong.code).toBe(5);
    expect(printed(wrong)).not.toContain('wr0ng-t0ken-123');
  });

  it('TLS with ca, cert and key passes --check; an unknown CA exits 6; TLS asked of a plain server exits 6', async () => {
    const files = (ca: string): string => `tls: { ca: ${join(dir, ca)}, cert: ${join(dir, 'client.pem')}, key: ${join(dir, 'client.key')} }`;
    const ok = await runCli(['run', '--config', config(tls.url, files('ca.pem')), '--check']);
    expect([ok.code, ok.stderr, ok.stdout]).toEqual([0, expect.any(String), expect.stringContaining('stream streamnorm has 8 partitions')]);
    const unknownCa = await runCli(['run', '--config', config(tls.url, files('other-ca.pem')), '--check']);
    expect(unknownCa.code).toBe(6);
    expect(unknownCa.stderr).toContain(`NATS at ${tls.url}: TLS failed`);
    const plain = await runCli(['run', '--config', config(tokenServer.url, `token: "${token}", ${files('ca.pem')}`), '--check']);
    expect(plain.code).toBe(6);
    expect(printed(plain)).not.toContain(token);
  });

  it('an unreachable server still exits 4, its URL password masked', async () => {
    const r = await runCli(['run', '--config', config('nats://streamnorm:url-pw-4321@127.0.0.1:1', ''), '--check']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('cannot reach NATS at nats://***:***@127.0.0.1:1');
    expect(printed(r)).not.toContain('url-pw-4321');
  });
});
