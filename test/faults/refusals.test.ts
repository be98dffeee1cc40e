import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mosquittoSkipReason } from '../helpers/mosquitto.js';
import { parsePrometheusText, valueOf } from '../http/prom-text.js';
import { startFaultBroker, type FaultBroker } from './broker.js';
import { bridgeConfig, publishAll, startBridge, until, Watcher, writeFile } from './harness.js';
import { decodeAll, faultSequence } from './sequence.js';
import type { CliProcess } from '../bin/cli-process.js';

/**
 * Outputs the broker refuses (an ACL forbids half the output topics; MQTT 5 PUBACK reason 135) are
 * counted (status line and `streamnorm_publish_failures_total`), said once with the reason, and
 * their messages acknowledged: sent again they would be refused again. Held windows that together need more messages than the bound are released by
 * `holdOverflow` at the bound, counted: never a deadlock.
 */
const skip = mosquittoSkipReason();

describe.skipIf(skip !== undefined)('fault: refused publishes and held windows at the bound', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-fault-refusals-'));
  const brokers: FaultBroker[] = [];
  let run: CliProcess | undefined;
  afterAll(async () => {
    run?.child.kill('SIGKILL');
    for (const b of brokers) await b.stop();
  });

  it('publishes refused by an ACL: counted, reason said once, every message acknowledged', async () => {
    const acl = join(dir, 'acl');
    writeFileSync(acl, ['topic read #', 'topic write plant/#', 'topic write dead/#', 'topic write out/s0/#', ''].join('\n'));
    chmodSync(dir, 0o755); // mosquitto reads it as the mosquitto user
    chmodSync(acl, 0o644);
    const broker = await startFaultBroker({ extra: [`acl_file ${acl}`] });
    brokers.push(broker);
    const messages = faultSequence({ devices: 4, steps: 30, seed: 21 });
    const readings = decodeAll(messages);
    const watcher = new Watcher(broker.url, 'watcher-acl');
    await watcher.connect();
    const cfg = writeFile(join(dir, 'acl.yaml'), bridgeConfig({ input: broker.url, output: broker.url, state: join(dir, 'acl.json'), normalize: '{ freeze: { afterSamples: 10 }, whileFitting: raw }', extra: 'http: { listen: "127.0.0.1:0" }\n' }).replace('topic: "out/{series}"', 'topic: "out/{site}/{device}/{field}"'));
    run = startBridge(cfg);
    await run.waitFor(/\[\d+ s\] received/);
    await publishAll(broker.url, messages, undefined, 'pub-acl');
    const allowed = readings.filter((r) => r.tags?.site === 's0').length;
    await until(() => watcher.outputs.length, (n) => n >= allowed, 'allowed outputs');
    await run.waitFor(new RegExp(`received ${readings.length}, .*mqtt published ${allowed} \\(${readings.length - allowed} failed\\).*unacknowledged 0\\b`), 20_000);
    // the same counts on /metrics
    const origin = /metrics: +(http:\/\/[^/\s]+)/.exec(run.stdout())?.[1] as string;
    const metrics = parsePrometheusText(await (await fetch(`${origin}/metrics`)).text());
    expect([valueOf(metrics, 'streamnorm_published_total'), valueOf(metrics, 'streamnorm_publish_failures_total')]).toEqual([allowed, readings.length - allowed]);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const said = run.stdout().split('\n').filter((l) => l.includes('the broker refused it'));
    expect(said.length).toBeGreaterThan(0);
    expect(said.length).toBeLessThanOrEqual(readings.length - allowed); // once per topic and reason, not per output
    expect(said[0]).toMatch(/mqtt output to out\/s1\/\S+: the broker refused it: .*Not authorized/i);
    expect(new Set(watcher.outputs.map((o) => o.series.split('/')[0]))).toEqual(new Set(['s0']));
    await watcher.end();
  }, 60_000);

  it('held windows larger than the bound together: released by holdOverflow at the bound, counted, never a deadlock', async () => {
    const broker = await startFaultBroker();
    brokers.push(broker);
    const messages = faultSequence({ devices: 20, steps: 30, seed: 22 });
    const readings = decodeAll(messages);
    const watcher = new Watcher(broker.url, 'watcher-bound');
    await watcher.connect();
    const cfg = writeFile(
      join(dir, 'bound.yaml'),
      bridgeConfig({ input: broker.url, output: broker.url, state: join(dir, 'bound.json'), normalize: '{ freeze: { afterSamples: 25 }, whileFitting: hold, holdLimit: 50, holdOverflow: provisional }', extra: 'delivery: { maxUnacknowledged: 100, checkpointDelay: 20ms }\n' }),
    );
    run = startBridge(cfg);
    await run.waitFor(/\[\d+ s\] received/);
    await publishAll(broker.url, messages, undefined, 'pub-bound');
    // 20 series x 25 readings held before any freeze = 250 messages > the bound of 100
    await until(() => watcher.keys().size, (n) => n >= readings.length, `one output per reading (${readings.length})`, 40_000);
    await run.waitFor(/unacknowledged 0\b/, 20_000);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const atBound = Number(/held \d+ \(\d+ overflows, (\d+) at the bound\)/.exec(run.stdout().split('\n').filter((l) => l.startsWith('stopped')).at(-1) ?? '')?.[1]);
    expect(atBound).toBeGreaterThan(0);
    const flags = new Set(watcher.outputs.map((o) => o.flag ?? o.phase));
    expect(flags.has('provisional')).toBe(true); // windows released at the bound
    expect([...flags].every((f) => ['provisional', 'held', 'frozen'].includes(f))).toBe(true);
    console.log(`[fault] hold at the bound: ${readings.length} readings, ${atBound} windows released by holdOverflow at the bound`);
    await watcher.end();
  }, 60_000);
});
