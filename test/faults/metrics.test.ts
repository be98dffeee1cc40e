import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mosquittoSkipReason } from '../helpers/mosquitto.js';
import { parsePrometheusText, valueOf } from '../http/prom-text.js';
import { startFaultBroker, type FaultBroker } from './broker.js';
import { bridgeConfig, publishAll, until, writeFile } from './harness.js';
import { faultSequence } from './sequence.js';
import { startCli } from '../bin/cli-process.js';

/**
 * The delivery metrics issue 14 waits for, on `/metrics`: `streamnorm_unacknowledged_messages`
 * (gauge) and `streamnorm_checkpoint_age_seconds` (gauge); `/readyz` reflects the output sinks
 * (503 naming `mqtt-out` while the output broker is away).
 */
const skip = mosquittoSkipReason();

describe.skipIf(skip !== undefined)('delivery metrics and readiness of streamnorm run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-fault-metrics-'));
  const brokers: FaultBroker[] = [];
  afterAll(async () => {
    for (const b of brokers) await b.stop();
  });

  it('unacknowledged messages and checkpoint age on /metrics; /readyz follows the output broker', async () => {
    const input = await startFaultBroker();
    const output = await startFaultBroker();
    brokers.push(input, output);
    const cfg = writeFile(
      join(dir, 'metrics.yaml'),
      bridgeConfig({ input: input.url, output: output.url, state: join(dir, 'metrics.json'), normalize: '{ freeze: { afterSamples: 5 }, whileFitting: raw }', extra: 'http: { listen: "127.0.0.1:0" }\ndelivery: { maxUnacknowledged: 50 }\n' }),
    );
    const run = startCli(['run', '--config', cfg, '--status-interval', '0']);
    await run.waitFor(/metrics: +http:\S+/);
    const origin = /metrics: +(http:\/\/[^/\s]+)/.exec(run.stdout())?.[1] as string;
    const metrics = async () => parsePrometheusText(await (await fetch(`${origin}/metrics`)).text());
    const ready = async () => {
      const res = await fetch(`${origin}/readyz`);
      return { status: res.status, body: (await res.json()) as { probes: Record<string, boolean> } };
    };
    await until(ready, (r) => r.status === 200, 'ready');
    await output.signal('SIGTERM');
    await until(ready, (r) => r.status === 503 && r.body.probes['mqtt-out'] === false, 'not ready without the output broker');
    await publishAll(input.url, faultSequence({ devices: 4, steps: 30, seed: 41 }), undefined, 'pub-metrics');
    const full = await until(metrics, (m) => valueOf(m, 'streamnorm_unacknowledged_messages') === 50, 'unacknowledged at the bound');
    expect(valueOf(full, 'streamnorm_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);
    await output.start();
    await until(metrics, (m) => valueOf(m, 'streamnorm_unacknowledged_messages') === 0 && valueOf(m, 'streamnorm_published_total') === 240, 'all published, none unacknowledged', 30_000);
    await until(ready, (r) => r.status === 200, 'ready again');
    const age = valueOf(await metrics(), 'streamnorm_checkpoint_age_seconds');
    expect(age).toBeLessThan(5);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  }, 60_000);
});
