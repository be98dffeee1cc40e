import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { natsSkipReason } from '../helpers/nats.js';
import { bySeries, essence, makeReadings, natsClient, publishReadings, readOutputs, singleProcess, startMember, stopMember, waitForMessages, workerConfig, natsSuite } from './helpers.js';

const NORMALIZE = { freeze: { afterSamples: 10 }, whileFitting: 'provisional' as const };

/**
 * A worker paused (SIGSTOP) past its lease, its partitions taken over meanwhile, then continued
 * (SIGCONT) writes nothing for them: on the server no checkpoint, statistic or lease changes and
 * the output stream does not grow (only its membership heartbeat goes on). Publishes it had handed
 * to its client just before the pause (its lease still valid) may reach the server after it: they
 * carry the message ids the new owner's replay used, or compare-and-set on revisions that moved,
 * so they are refused. Then the group goes on and nothing is lost.
 */
describe.skipIf(natsSkipReason())('fencing: SIGSTOP past the lease, then SIGCONT', () => {
  const suite = natsSuite();
  const members = suite.members;

  it('writes nothing for the partitions it lost', async () => {
    const rounds = makeReadings(40, 60);
    const all = rounds.flat();
    const { nc, js } = await natsClient(suite.server().url);
    const jsm = await jetstreamManager(nc);
    const w1 = startMember('w1', workerConfig(suite.server().url, 'w1', { partitions: 4, normalize: NORMALIZE }));
    members.push(w1);
    await w1.waitFor(/running/);
    await publishReadings(js, rounds.slice(0, 20).flat(), 4);
    await waitForMessages(nc, 'streamnorm-out', rounds.slice(0, 20).flat().length);
    const before = w1.counters();
    void publishReadings(js, rounds.slice(20, 30).flat(), 4); // in flight to w1 as it stops
    await new Promise((r) => setTimeout(r, 5));
    w1.child.kill('SIGSTOP');

    const w2 = startMember('w2', workerConfig(suite.server().url, 'w2', { partitions: 4, normalize: NORMALIZE }));
    members.push(w2);
    await w2.waitFor(/(claimed partition \d[\s\S]*){4}/, 30_000);
    await waitForMessages(nc, 'streamnorm-out', rounds.slice(0, 30).flat().length);
    w2.child.kill('SIGSTOP');

    const stored = async (): Promise<number> => (await jsm.streams.info('streamnorm-out')).state.messages;
    /** Every KV key the workers write (checkpoints, statistics, leases) with its revision: what a write would change. */
    const kvState = async (): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      for (const bucket of ['streamnorm-checkpoints', 'streamnorm-stats', 'streamnorm-leases']) {
        const info = await jsm.streams.info(`KV_${bucket}`, { subjects_filter: '>' });
        for (const [subject, n] of Object.entries(info.state.subjects ?? {})) if (!subject.includes('.w.')) out[subject] = n;
        out[`${bucket} last seq`] = info.state.last_seq;
      }
      return out;
    };
    const storedBefore = await stored();
    const kvBefore = await kvState();
    const seen: string[] = [];
    const subs = ['normalized.>', '$KV.streamnorm-checkpoints.>', '$KV.streamnorm-stats.>', '$KV.streamnorm-leases.>'].map((s) => nc.subscribe(s, { callback: (_e, m) => void seen.push(m.subject) }));
    await nc.flush();
    w1.child.kill('SIGCONT');
    await w1.waitFor(/given up/, 5_000);
    await new Promise((r) => setTimeout(r, 700));
    for (const s of subs) s.unsubscribe();
    const membership = (s: string): boolean => s.startsWith('$KV.streamnorm-leases.w.');
    expect(await stored()).toBe(storedBefore); // no output stored
    const kvAfter = await kvState();
    const heartbeats = seen.filter(membership).length; // w1 still says it is alive: not a write for a partition
    expect(kvAfter['streamnorm-leases last seq']).toBe((kvBefore['streamnorm-leases last seq'] ?? 0) + heartbeats);
    expect({ ...kvAfter, 'streamnorm-leases last seq': 0 }).toEqual({ ...kvBefore, 'streamnorm-leases last seq': 0 }); // no checkpoint, statistic or lease changed
    const attempts = seen.filter((s) => !membership(s));
    console.log(`fencing: after SIGCONT ${attempts.length} publishes handed to the client before the pause reached the server (${attempts.join(', ')}), none stored`);
    w2.child.kill('SIGCONT');

    await publishReadings(js, rounds.slice(30).flat(), 4);
    await waitForMessages(nc, 'streamnorm-out', all.length, 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    await Promise.all([stopMember(w1), stopMember(w2)]);
    const after = w1.counters();
    expect(after.fenced).toBeGreaterThanOrEqual(1);
    console.log(`fencing: w1 before the pause ${JSON.stringify(before)}; at exit ${JSON.stringify(after)}`);

    const outputs = await readOutputs(nc, 'streamnorm-out');
    expect(outputs.length).toBe(all.length);
    const want = await singleProcess(all, NORMALIZE);
    const got = bySeries(outputs);
    for (const [series, list] of want) expect(got.get(series)?.map(essence), series).toEqual(list.map(essence));
    await nc.close();
  }, 120_000);
});
