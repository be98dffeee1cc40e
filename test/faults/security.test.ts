import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { mosquittoSkipReason } from '../helpers/mosquitto.js';
import { runCli, startCli } from '../bin/cli-process.js';
import { startFaultBroker, type FaultBroker } from './broker.js';

/**
 * Credentials and TLS: refused credentials exit 5 with a clear reason (not the raw CONNACK code),
 * TLS failures exit 6, a password is never printed (not even inside a URL), every broker
 * connection takes credentials (`output.mqtt` too) and TLS files (`tls: { ca, cert, key }`), and a
 * client certificate works end to end against Mosquitto with `require_certificate true`.
 */
const skip = mosquittoSkipReason() ?? (spawnSync('openssl', ['version']).status === 0 ? undefined : 'openssl not installed');

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files in `dir`. */
function makeCertificates(dir: string): void {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=streamnorm test CA');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=streamnorm-bridge');
  openssl(dir, 'x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '2');
  for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o644);
}

describe.skipIf(skip !== undefined)('credentials and TLS (Mosquitto)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-security-'));
  let auth: FaultBroker;
  let tls: FaultBroker;
  let tlsPort: number;
  beforeAll(async () => {
    chmodSync(dir, 0o755);
    execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwd'), 'bridge', 's3cret-pw'], { stdio: 'pipe' });
    chmodSync(join(dir, 'passwd'), 0o644);
    const authPort = await freePort();
    auth = await startFaultBroker({ listener: false, port: authPort, extra: [`listener ${authPort} 127.0.0.1`, 'allow_anonymous false', `password_file ${join(dir, 'passwd')}`] });
    makeCertificates(dir);
    tlsPort = await freePort();
    tls = await startFaultBroker({
      listener: false,
      port: tlsPort,
      extra: [`listener ${tlsPort} 127.0.0.1`, 'allow_anonymous true', `cafile ${join(dir, 'ca.pem')}`, `certfile ${join(dir, 'server.pem')}`, `keyfile ${join(dir, 'server.key')}`, 'require_certificate true'],
    });
  }, 60_000);
  afterAll(async () => {
    await auth?.stop();
    await tls?.stop();
  });

  const config = (name: string, inputConnect: string, outputConnect = ''): string => {
    const p = join(dir, `${name}.yaml`);
    writeFileSync(p, `input:\n  mqtt: { ${inputConnect}, clientId: sec-${name}, topics: "plant/+site/+device", codec: { kind: json, fields: "*" } }\noutput:\n  mqtt: { topic: "out/{series}"${outputConnect} }\n`);
    return p;
  };

  it('wrong credentials: exit 5, the reason in words, the password (also inside the URL) never printed', async () => {
    const inUrl = await runCli(['run', '--config', config('wrong-url', `url: "mqtt://bridge:wrong-pw@127.0.0.1:${auth.port}"`), '--check']);
    expect(inUrl.stderr).toBe(`streamnorm: the MQTT broker at mqtt://***:***@127.0.0.1:${auth.port} refused the credentials: the broker refused the connection: not authorized (CONNACK 5)\n`);
    expect(inUrl.code).toBe(5);
    const keys = await runCli(['run', '--config', config('wrong-keys', `url: "mqtt://127.0.0.1:${auth.port}", username: bridge, password: "\${PW}"`)], { PW: 'wrong-pw' });
    expect(keys.stderr).toMatch(/refused the credentials: the broker refused the connection: not authorized \(CONNACK 5\)/);
    expect(keys.stderr + keys.stdout).not.toContain('wrong-pw');
    expect(keys.code).toBe(5);
  });

  it('output.mqtt takes its own credentials: a refused output broker exits 5 at start, never hangs', async () => {
    const plain = await startFaultBroker();
    try {
      const cfg = config('out-creds', `url: "${plain.url}"`, `, url: "mqtt://127.0.0.1:${auth.port}", username: bridge, password: nope`);
      const refused = await runCli(['run', '--config', cfg]);
      expect(refused.stderr).toMatch(/the output MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+ refused the credentials/); // named: the input broker took them
      expect(refused.code).toBe(5);
      const good = config('out-creds-ok', `url: "${plain.url}"`, `, url: "mqtt://127.0.0.1:${auth.port}", username: bridge, password: s3cret-pw`);
      const ok = await runCli(['run', '--config', good, '--check']);
      expect(ok.code).toBe(0);
    } finally {
      await plain.stop();
    }
  });

  it('TLS: an unknown CA exits 6; a missing client certificate exits 6; with ca, cert and key the bridge runs end to end', async () => {
    const url = `mqtts://127.0.0.1:${tlsPort}`;
    const noCa = await runCli(['run', '--config', config('tls-no-ca', `url: "${url}"`), '--check']);
    expect(noCa.stderr).toMatch(/^streamnorm: the MQTT broker at mqtts:\/\/127\.0\.0\.1:\d+: TLS failed: (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    expect(noCa.code).toBe(6);
    const noCert = await runCli(['run', '--config', config('tls-no-cert', `url: "${url}", tls: { ca: ${join(dir, 'ca.pem')} }`), '--check']);
    expect(noCert.code, noCert.stderr).toBe(6);
    expect(noCert.stderr).toMatch(/TLS failed/);
    const tlsBlock = `tls: { ca: ${join(dir, 'ca.pem')}, cert: ${join(dir, 'client.pem')}, key: ${join(dir, 'client.key')} }`;
    const cfg = config('tls-ok', `url: "${url}", ${tlsBlock}`);
    const run = startCli(['run', '--config', cfg, '--status-interval', '100ms']);
    await run.waitFor(/\[\d+ s\] received 0/);
    const tlsOptions = { ca: [Buffer.from(execFileSync('cat', [join(dir, 'ca.pem')]))], cert: execFileSync('cat', [join(dir, 'client.pem')]), key: execFileSync('cat', [join(dir, 'client.key')]) };
    const client = await connectAsync(url, { ...tlsOptions, protocolVersion: 4 });
    const got = new Promise<string>((resolve) => client.on('message', (_t, p) => resolve(p.toString())));
    await client.subscribeAsync('out/#', { qos: 1 });
    await client.publishAsync('plant/s1/d1', '{"temp": 21}', { qos: 1 });
    expect(JSON.parse(await got)).toMatchObject({ series: 's1/d1/temp', raw: 21 });
    await client.endAsync();
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  }, 60_000);
});
