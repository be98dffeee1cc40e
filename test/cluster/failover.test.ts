import { describe, expect, it } from 'vitest';
import { natsSkipReason } from '../helpers/nats.js';
import { bySeries, essence, makeReadings, natsClient, publishReadings, readOutputs, singleProcess, startMember, stopMember, waitForMessages, workerConfig, natsSuite, type WorkerProcess } from './helpers.js';

const skip = natsSkipReason();
const NORMALIZE = { freeze: { afterSamples: 20 }, whileFitting: 'provisional' as const };

/**
 * 3 worker processes on 1 nats-server, 200 series with staggered starts (some fitting, some
 * frozen at any moment); one worker killed with SIGKILL mid-stream: its partitions are taken over
 * from their checkpoints. Nothing is lost, and the outputs per series (values, versions, phases)
 * equal one process over the same readings; the replayed outputs were recognised as duplicates.
 */
describe.skipIf(skip)('partitioned workers: kill -9 of a worker mid-stream', () => {
  const suite = natsSuite();
  const workers = suite.members;

  it('loses nothing, and every series equals the single-process run', async () => {
    const rounds = makeReadings(200, 80);
    const all = rounds.flat();
    const { nc, js } = await natsClient(suite.server().url);
    for (const name of ['w1', 'w2', 'w3']) workers.push(startMember(name, workerConfig(suite.server().url, name, { normalize: NORMALIZE })));
    await Promise.all(workers.map((w) => w.waitFor(/running/)));
    await new Promise((r) => setTimeout(r, 2500)); // the three share the 8 partitions
    await publishReadings(js, rounds.slice(0, 40).flat(), 8);
    const half = rounds.slice(0, 40).flat().length;
    await waitForMessages(nc, 'streamnorm-out', Math.floor(half * 0.6));
    const victim = workers[1] as WorkerProcess;
    victim.child.kill('SIGKILL');
    await victim.exit;
    await publishReadings(js, rounds.slice(40).flat(), 8);
    await waitForMessages(nc, 'streamnorm-out', all.length, 90_000);
    const survivors = [workers[0], workers[2]] as WorkerProcess[];
    await new Promise((r) => setTimeout(r, 1500));
    const codes = await Promise.all(survivors.map(stopMember));
    expect(codes).toEqual([0, 0]);

    const outputs = await readOutputs(nc, 'streamnorm-out');
    expect(outputs.length).toBe(all.length); // one output per reading: 0 lost, none stored twice
    const got = bySeries(outputs);
    const want = await singleProcess(all, NORMALIZE);
    expect(got.size).toBe(200);
    for (const [series, list] of want) expect(got.get(series)?.map(essence), series).toEqual(list.map(essence));
    const phases = new Set(outputs.map((o) => o.phase));
    expect(phases).toEqual(new Set(['fitting', 'frozen']));
    const counters = survivors.map((w) => w.counters());
    const duplicates = counters.reduce((a, c) => a + (c.duplicates ?? 0), 0);
    console.log(`kill -9: survivors took ${counters.map((c) => c.claimed).join('+')} claims, ${duplicates} duplicate outputs recognised, ${counters.map((c) => c.redelivered).join('+')} redeliveries skipped`);
    expect(counters.every((c) => (c.claimed ?? 0) >= 3)).toBe(true);
    await nc.close();
  }, 180_000);
});
