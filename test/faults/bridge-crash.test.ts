import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_NORMALIZE_DEFAULTS } from '../../bin/run/bridge.js';
import { mosquittoSkipReason } from '../helpers/mosquitto.js';
import { startFaultBroker, type FaultBroker } from './broker.js';
import { bridgeConfig, distinctDeadLetters, expectSameOutputs, publishAll, received, sleep, startBridge, until, Watcher, writeFile } from './harness.js';
import { decodeAll, faultFreeOutputs, faultSequence } from './sequence.js';
import type { NormalizeOptions } from 'streamnorm';

/**
 * `streamnorm run` killed with SIGKILL while series fit, while it holds training windows, and
 * while they are frozen, then started again: every output of a fault-free run comes out (0 lost),
 * duplicates are the same outputs again, the statistics and versions are those of the fault-free
 * run (a freeze is checkpointed before its outputs leave; learned readings are acknowledged only
 * once a checkpoint holds them).
 */
const skip = mosquittoSkipReason();

describe.skipIf(skip !== undefined)('fault: streamnorm run SIGKILL, then restart (Mosquitto)', () => {
  let broker: FaultBroker;
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-fault-crash-'));
  beforeAll(async () => {
    broker = await startFaultBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  // While frozen, the sequence has no out-of-order reading: a reading older than its series'
  // training window, first seen after the freeze and sent again after the crash, cannot be told
  // from a training reading sent again (the bridge keeps the window's latest time, not every time),
  // so it would come out as the fitting phase made training readings (a documented limitation).
  const cases: { name: string; yaml: string; options: NormalizeOptions; killAt: number; bad: boolean; outOfOrder?: boolean }[] = [
    { name: 'while fitting', yaml: '{ freeze: { afterSamples: 40 }, whileFitting: drop }', options: { freeze: { afterSamples: 40 }, whileFitting: 'drop' }, killAt: 0.3, bad: true },
    { name: 'while holding', yaml: '{ freeze: { afterSamples: 40 }, whileFitting: hold, holdLimit: 200 }', options: { freeze: { afterSamples: 40 }, whileFitting: 'hold', holdLimit: 200 }, killAt: 0.3, bad: false },
    { name: 'while frozen', yaml: '{ freeze: { afterSamples: 10 }, whileFitting: raw }', options: { freeze: { afterSamples: 10 }, whileFitting: 'raw' }, killAt: 0.6, bad: true, outOfOrder: false },
  ];
  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const messages = faultSequence({ devices: 6, steps: 60, bad: c.bad, seed: i + 1, outOfOrder: c.outOfOrder !== false });
      const expected = faultFreeOutputs(decodeAll(messages), { ...BRIDGE_NORMALIZE_DEFAULTS, ...c.options });
      const watcher = new Watcher(broker.url, `watcher-crash-${i}`);
      await watcher.connect();
      const cfg = writeFile(join(dir, `crash-${i}.yaml`), bridgeConfig({ input: broker.url, output: broker.url, state: join(dir, `crash-${i}.json`), normalize: c.yaml }).replace(/fault-bridge-/g, `crash${i}-`));
      let run = startBridge(cfg);
      await run.waitFor(/\[\d+ s\] received/);
      const publishing = publishAll(broker.url, messages, { every: 10, pauseMs: 10 }, `pub-crash-${i}`);
      const total = decodeAll(messages).length;
      await until(() => received(run), (n) => n >= total * c.killAt, 'received before the kill', 20_000, 20);
      run.child.kill('SIGKILL');
      expect(await run.exit).toBe(null);
      await sleep(300);
      run = startBridge(cfg);
      await publishing;
      await until(() => watcher.keys().size, (n) => n >= expected.length, `outputs after the restart (${expected.length} expected)`, 30_000);
      await sleep(300); // any late duplicate
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      if (process.env.FAULT_DEBUG) console.log(run.stdout(), watcher.outputs.filter((o) => o.series.includes("late")).map((o) => `${o.raw}:${o.phase}`).join(" "));
      const { duplicates, retransformed } = expectSameOutputs(watcher.outputs, expected);
      const malformed = messages.filter((m) => m.malformed).length;
      expect(distinctDeadLetters(watcher.deadLetters)).toBe(malformed);
      console.log(`[fault] bridge SIGKILL ${c.name}: ${expected.length} outputs, ${duplicates} duplicates (${retransformed} made again with frozen statistics), ${watcher.deadLetters.length} dead letters (${malformed} malformed messages)`);
      await watcher.end();
    }, 90_000);
  }
});

/**
 * The case that lost 5,000 readings in 0.1: the output broker down (killed), the bridge holding
 * outputs it cannot send, then the bridge killed with SIGKILL. Nothing it took was acknowledged
 * before its outputs were confirmed, so after both come back every output of a fault-free run
 * arrives.
 */
describe.skipIf(skip !== undefined)('fault: streamnorm run SIGKILL while the output broker is down', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-fault-crash-outage-'));
  const brokers: FaultBroker[] = [];
  afterAll(async () => {
    for (const b of brokers) await b.stop();
  });

  it('loses nothing: the unconfirmed messages stay with the input broker and come again', async () => {
    const input = await startFaultBroker();
    const output = await startFaultBroker();
    brokers.push(input, output);
    const options: NormalizeOptions = { freeze: { afterSamples: 10 }, whileFitting: 'raw' };
    const messages = faultSequence({ devices: 5, steps: 80, bad: false, seed: 77, outOfOrder: false });
    const expected = faultFreeOutputs(decodeAll(messages), { ...BRIDGE_NORMALIZE_DEFAULTS, ...options });
    const watcher = new Watcher(output.url, 'watcher-crash-outage');
    await watcher.connect();
    const cfg = writeFile(join(dir, 'crash-outage.yaml'), bridgeConfig({ input: input.url, output: output.url, state: join(dir, 'crash-outage.json'), normalize: '{ freeze: { afterSamples: 10 }, whileFitting: raw }' }));
    let run = startBridge(cfg);
    await run.waitFor(/\[\d+ s\] received/);
    const half = Math.floor(messages.length / 2);
    await publishAll(input.url, messages.slice(0, half), undefined, 'pub-crash-outage-1');
    // The output broker goes down once the first half's outputs are all with the watcher: Mosquitto
    // sends a PUBACK before it saves (its main loop handles the packets, then persists), so killed
    // mid-publish it can lose outputs it acknowledged, a broker's loss that this test is not about.
    const before = faultFreeOutputs(decodeAll(messages.slice(0, half)), { ...BRIDGE_NORMALIZE_DEFAULTS, ...options }).length;
    await until(() => watcher.keys().size, (n) => n >= before, 'outputs of the first half');
    await output.signal('SIGKILL');
    await publishAll(input.url, messages.slice(half), undefined, 'pub-crash-outage-2');
    const total = decodeAll(messages).length;
    await until(() => received(run), (n) => n >= total * 0.9, 'taken while the output broker is down', 20_000, 20);
    run.child.kill('SIGKILL');
    expect(await run.exit).toBe(null);
    await output.start();
    run = startBridge(cfg);
    await until(() => watcher.keys().size, (n) => n >= expected.length, `outputs after both came back (${expected.length} expected)`, 60_000);
    await sleep(300);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const { duplicates } = expectSameOutputs(watcher.outputs, expected);
    console.log(`[fault] bridge SIGKILL during an output outage: ${expected.length} outputs, 0 lost, ${duplicates} duplicates`);
    await watcher.end();
  }, 120_000);
});
