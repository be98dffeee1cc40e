import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunConfig } from '../../bin/cli/run-config.js';
import { runCli } from '../bin/cli-process.js';
import { natsSkipReason, startNats, type NatsServer } from '../helpers/nats.js';

const worker = {
  cluster: { servers: 'nats://127.0.0.1:4222', partitions: 8 },
  input: { nats: { topics: 'sensors/+site/+device' } },
  output: { nats: {} },
};

describe('the cluster section of the run config', () => {
  it('reads a worker config with its defaults', () => {
    const c = readRunConfig(worker);
    expect(c.cluster).toMatchObject({ servers: ['nats://127.0.0.1:4222'], role: 'worker', stream: 'streamnorm', prefix: 'part', partitions: 8, replicas: 1, leaseMs: 10_000, checkpointIntervalMs: 30_000, maxUnacked: 1000, ackWaitMs: 30_000, duplicateWindowMs: 120_000, statsBucket: 'streamnorm-stats' });
    expect(c.output).toEqual({ nats: { subject: 'normalized.{series}', stream: 'streamnorm-out' } });
  });
  it.each([
    ['an unknown key', { ...worker, cluster: { ...worker.cluster, partitons: 3 } }, 'config.cluster.partitons: unknown key'],
    ['no partitions for a worker', { ...worker, cluster: { servers: 'nats://x:1' } }, 'config.cluster.partitions: required for the worker role'],
    ['no input.nats for a worker', { ...worker, input: { mqtt: { url: 'mqtt://x', topics: 'a/+b' } } }, 'config.input.nats: required for the worker role'],
    ['an MQTT output', { ...worker, output: { nats: {}, mqtt: { url: 'mqtt://x' } } }, 'config.output.mqtt: not with cluster'],
    ['whileFitting hold', { ...worker, normalize: { whileFitting: 'hold' } }, 'config.normalize.whileFitting: hold is not for cluster workers'],
    ['invalid error', { ...worker, normalize: { invalid: 'error' } }, 'config.normalize.invalid: error is not for cluster workers'],
    ['a state file', { ...worker, state: { file: 'x.json' } }, 'config.state: not with cluster'],
    ['a short duplicate window', { ...worker, cluster: { ...worker.cluster, duplicateWindow: '20s' } }, 'config.cluster.duplicateWindow: must be longer than checkpointInterval + lease (40000 ms)'],
    ['a delivery section', { ...worker, delivery: { maxUnacked: 10 } }, 'config.delivery: not with cluster: a worker acknowledges each message once its outputs are stored by JetStream; its bounds are cluster.maxUnacked'],
    ['drift on a frozen-only member', { ...worker, cluster: { servers: 'nats://x:1', role: 'frozen-only' }, drift: { cooldown: 5 } }, 'config.drift: for the worker role only (this member\'s role is frozen-only)'],
    ['refit on a share member', { ...worker, cluster: { servers: 'nats://x:1', role: 'share' }, input: { mqtt: { url: 'mqtt://x', topics: '$share/g/a/+b' } }, normalize: { freeze: { atTime: '2026-12-01T00:00:00Z' } }, refit: { onAlarm: true } }, 'config.refit: for the worker role only (this member\'s role is share)'],
    ['idleEvict on a frozen-only member', { ...worker, cluster: { servers: 'nats://x:1', role: 'frozen-only' }, normalize: { idleEvict: '1h' } }, 'config.normalize.idleEvict: for the worker role only: a frozen-only member would forget'],
    ['an approve subject without approval', { ...worker, cluster: { ...worker.cluster, approveSubject: 'x.approve' }, refit: { onAlarm: true } }, 'config.cluster.approveSubject: only with refit.approval: true'],
    ['input.nats without cluster', { input: { nats: { topics: 'a/+b' } }, output: { nats: {} } }, 'input.nats and output.nats are for cluster workers'],
    ['afterSamples with role share', { ...worker, cluster: { servers: 'nats://x:1', role: 'share' }, input: { mqtt: { url: 'mqtt://x', topics: '$share/g/a/+b' } }, normalize: { freeze: { afterSamples: 10 } } }, 'afterSamples is refused with role share'],
    ['afterSpan with role share', { ...worker, cluster: { servers: 'nats://x:1', role: 'share' }, input: { mqtt: { url: 'mqtt://x', topics: '$share/g/a/+b' } }, normalize: { freeze: { afterSpan: '1h' } } }, 'afterSpan is refused with role share'],
  ])('refuses %s, naming it', (_, doc, message) => {
    expect(() => readRunConfig(doc)).toThrow(message);
  });
  it('gives a worker drift, refit and idle eviction', () => {
    const c = readRunConfig({ ...worker, normalize: { idleEvict: '1h' }, drift: { cooldown: 5, keepVersions: 4 }, refit: { onAlarm: ['cusum'], every: '7d', approval: true } });
    expect([c.drift, c.refit]).toEqual([{ drift: { cooldown: 5 }, keepVersions: 4 }, { onAlarm: ['cusum'], everyMs: 7 * 86_400_000, approve: true }]);
  });
  it('takes the share role with an event-time freeze', () => {
    const c = readRunConfig({ ...worker, cluster: { servers: 'nats://x:1', role: 'share' }, input: { mqtt: { url: 'mqtt://x', topics: '$share/g/a/+b' } }, normalize: { freeze: { atTime: '2026-12-01T00:00:00Z' } } });
    expect(c.cluster?.role).toBe('share');
  });
});

describe.skipIf(natsSkipReason())('streamnorm run --check with a cluster section', () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await startNats();
  });
  afterAll(async () => {
    await server?.stop();
  });
  const file = (doc: object): string => {
    const p = join(mkdtempSync(join(tmpdir(), 'streamnorm-cluster-config-')), 'c.json');
    writeFileSync(p, JSON.stringify(doc));
    return p;
  };

  it('makes the stream, then refuses another partition count for it (exit 2)', async () => {
    const first = await runCli(['run', '--config', file({ ...worker, cluster: { servers: server.url, partitions: 8 } }), '--check']);
    expect([first.code, first.stdout]).toEqual([0, expect.stringContaining('stream streamnorm has 8 partitions')]);
    const other = await runCli(['run', '--config', file({ ...worker, cluster: { servers: server.url, partitions: 16 } }), '--check']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('stream streamnorm has 8 partitions; the config asks for 16. P is fixed per stream');
  });
  it('says when NATS cannot be reached (exit 4)', async () => {
    const r = await runCli(['run', '--config', file({ ...worker, cluster: { servers: 'nats://127.0.0.1:1', partitions: 8 } }), '--check']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('cannot reach NATS at nats://127.0.0.1:1');
  });
});
