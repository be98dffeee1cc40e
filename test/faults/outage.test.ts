import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BRIDGE_NORMALIZE_DEFAULTS } from '../../bin/run/bridge.js';
import { mosquittoSkipReason } from '../helpers/mosquitto.js';
import { startFaultBroker, type FaultBroker } from './broker.js';
import { bridgeConfig, expectSameOutputs, publishAll, rssMiB, sleep, startBridge, until, Watcher, writeFile } from './harness.js';
import { decodeAll, faultFreeOutputs, type Message } from './sequence.js';
import type { CliProcess } from '../bin/cli-process.js';

/**
 * The output broker is down while 150,000 messages arrive: the bridge takes messages up to its
 * bound (the default, 1000) and stops; the input broker keeps the rest; the bridge's memory stays
 * within 256 MiB (RSS sampled every 100 ms); once the output broker is back, every message comes
 * out, equal to a fault-free run. (Before: 34,465 of 100,000 lost past mqtt.js's 65,535 pending
 * publishes, 448 MiB, and SIGINT/SIGTERM no longer stopped the process.)
 */
const skip = mosquittoSkipReason();
const COUNT = 150_000;

describe.skipIf(skip !== undefined)('fault: the output broker down for 150,000 messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-fault-outage-'));
  let brokers: FaultBroker[] = [];
  let run: CliProcess | undefined;
  afterAll(async () => {
    run?.child.kill('SIGKILL');
    for (const b of brokers) await b.stop();
  });

  it('takes up to the bound, stays within 256 MiB, and delivers all 150,000 once the broker is back', async () => {
    const input = await startFaultBroker({ saveOnEveryChange: false });
    const output = await startFaultBroker({ saveOnEveryChange: false });
    brokers = [input, output];
    const base = Date.now() - 3_600_000;
    const messages: Message[] = [];
    for (let i = 0; i < COUNT; i++) messages.push({ topic: `plant/s${i % 2}/d${i % 100}`, payload: `{"temp":${(i * 7919) % 1000 / 10},"time":${base + i}}` });
    const expected = faultFreeOutputs(decodeAll(messages), { ...BRIDGE_NORMALIZE_DEFAULTS, freeze: { afterSamples: 50 }, whileFitting: 'raw' });
    const watcher = new Watcher(output.url, 'watcher-outage');
    await watcher.connect();
    const cfg = writeFile(join(dir, 'outage.yaml'), bridgeConfig({ input: input.url, output: output.url, state: join(dir, 'outage.json'), normalize: '{ freeze: { afterSamples: 50 }, whileFitting: raw }' }));
    run = startBridge(cfg, ['--status-interval', '1s']);
    await run.waitFor(/\[\d+ s\] received/);
    await output.signal('SIGTERM'); // down (its persistence keeps the watcher's session)
    let maxRss = 0;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMiB(run?.child.pid as number))), 100);
    await publishAll(input.url, messages, undefined, 'pub-outage');
    await sleep(1500);
    const outageRss = maxRss;
    const taken = Number([...run.stdout().matchAll(/unacknowledged (\d+)/g)].at(-1)?.[1]);
    expect(taken).toBeLessThanOrEqual(1000); // the bound: the broker holds the rest
    await output.start();
    await until(() => watcher.keys().size, (n) => n >= COUNT, `${COUNT} outputs`, 150_000, 500);
    clearInterval(sampler);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const { duplicates } = expectSameOutputs(watcher.outputs, expected);
    console.log(`[fault] output broker down for ${COUNT} messages: max RSS ${outageRss.toFixed(0)} MiB during the outage, ${maxRss.toFixed(0)} MiB in all, ${taken} unacknowledged at the bound, ${duplicates} duplicates`);
    expect(maxRss).toBeLessThanOrEqual(256);
    await watcher.end();
  }, 240_000);
});
