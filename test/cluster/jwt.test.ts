import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount } from '@nats-io/nkeys';
import { jetstream } from '@nats-io/jetstream';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../bin/cli-process.js';
import { makeJwtOperator, type JwtOperator, type UserCreds } from '../helpers/nats-jwt.js';
import { natsSkipReason, startNats, type NatsServer } from '../helpers/nats.js';
import { bySeries, essence, makeReadings, publishReadings, readOutputs, singleProcess, startMember, stopMember, waitForMessages, workerConfig, type WorkerProcess } from './helpers.js';

/**
 * The cluster section's `credsFile` against a nats-server in operator (decentralized JWT) mode:
 * an operator, a system account and an application account with JetStream, trusted through a
 * MEMORY resolver. A user of the account passes --check and runs a worker that normalizes what
 * the test publishes; a user the server cannot trace to the operator, or an expired one, exits 5
 * and its NKey seed is never printed.
 */

const NORMALIZE = { freeze: { afterSamples: 20 }, whileFitting: 'provisional' as const };

describe.skipIf(natsSkipReason())('credsFile on a nats-server in operator (JWT) mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-nats-jwt-'));
  let op: JwtOperator;
  let server: NatsServer;
  const members: WorkerProcess[] = [];
  beforeAll(async () => {
    op = makeJwtOperator();
    server = await startNats({ extra: op.serverConfig });
  }, 60_000);
  afterAll(async () => {
    for (const w of members.splice(0)) w.child.kill('SIGKILL');
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  let n = 0;
  /** Writes a user's .creds file and a worker config naming it; returns the config's path. */
  const configWith = (user: UserCreds): { creds: string; config: string } => {
    const creds = join(dir, `user-${++n}.creds`);
    writeFileSync(creds, user.creds, { mode: 0o600 });
    const config = join(dir, `member-${n}.json`);
    writeFileSync(config, JSON.stringify(workerConfig(server.url, `jwt-${n}`, { cluster: { credsFile: creds } })));
    return { creds, config };
  };
  const printed = (r: { stdout: string; stderr: string }): string => r.stdout + r.stderr;

  it('a user of the account: --check passes; a worker consumes what is published and its outputs reach the output stream', async () => {
    const worker = op.user('streamnorm-worker');
    const { creds, config } = configWith(worker);
    const check = await runCli(['run', '--config', config, '--check']);
    expect([check.code, check.stderr]).toEqual([0, expect.any(String)]);
    expect(check.stdout).toContain('NATS answers; stream streamnorm has 8 partitions');
    expect(printed(check)).not.toContain(worker.seed);

    const w = startMember('jwt-worker', workerConfig(server.url, 'jwt-worker', { normalize: NORMALIZE, cluster: { credsFile: creds } }));
    members.push(w);
    await w.waitFor(/running/);
    // The test publishes and reads as a second user of the same account.
    const client = op.user('test-client');
    const nc = await connect({ servers: server.url, authenticator: credsAuthenticator(new TextEncoder().encode(client.creds)) });
    try {
      const readings = makeReadings(20, 40).flat();
      await publishReadings(jetstream(nc), readings, 8);
      await waitForMessages(nc, 'streamnorm-out', readings.length);
      expect(await stopMember(w)).toBe(0);
      const outputs = await readOutputs(nc, 'streamnorm-out');
      expect(outputs).toHaveLength(readings.length);
      const got = bySeries(outputs);
      for (const [series, list] of await singleProcess(readings, NORMALIZE)) expect(got.get(series)?.map(essence), series).toEqual(list.map(essence));
    } finally {
      await nc.close();
    }
    expect(w.stdout()).not.toContain(worker.seed);
  }, 90_000);

  it.each([
    ['a user signed by an account the server does not know', (): UserCreds => op.user('stranger', { signer: createAccount() })],
    ['a user claiming the account but signed by a key that is not one of its signing keys', (): UserCreds => op.user('impostor', { signer: createAccount(), issuerAccount: op.account.getPublicKey() })],
    ['a user whose JWT expired a minute ago', (): UserCreds => op.user('expired', { exp: Math.floor(Date.now() / 1000) - 60 })],
  ])('%s: --check exits 5, the credentials refused, the seed never printed', async (_, make) => {
    const user = make();
    const { config } = configWith(user);
    const r = await runCli(['run', '--config', config, '--check']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`NATS at ${server.url} refused the credentials: Authorization Violation`);
    expect(printed(r)).not.toContain(user.seed);
    expect(user.seed).toMatch(/^SU[A-Z2-7]{56}$/);
  });
});
