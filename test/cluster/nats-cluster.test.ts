import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { partitionOf, partitionSubject } from '../../connectors/nats/index.js';
import { natsSkipReason, startNatsCluster, type NatsCluster } from '../helpers/nats.js';
import { bySeries, essence, makeReadings, natsClient, readOutputs, singleProcess, startMember, stopMember, waitForMessages, workerConfig, type TestReading, type WorkerProcess } from './helpers.js';

const NORMALIZE = { freeze: { afterSamples: 20 }, whileFitting: 'provisional' as const };

/**
 * Publishes round by round (a series' readings stay in time order), each with a message id,
 * retrying until stored: a device's at-least-once, made idempotent by the stream.
 */
async function publishUntilStored(js: JetStreamClient, rounds: readonly (readonly TestReading[])[]): Promise<number> {
  let retries = 0;
  for (const round of rounds) {
    await Promise.all(
      round.map(async (r) => {
        const subject = partitionSubject('part', partitionOf([r.site, r.device], 8), `sensors/${r.site}/${r.device}`) as string;
        for (;;) {
          try {
            return await js.publish(subject, JSON.stringify({ value: r.value, time: r.time }), { msgID: `${r.site}/${r.device}@${r.time}`, timeout: 2000 });
          } catch {
            retries++;
            await new Promise((res) => setTimeout(res, 200));
          }
        }
      }),
    );
  }
  return retries;
}

/**
 * A 3-node NATS cluster on loopback, every stream and bucket with 3 replicas; 2 workers; the node
 * leading the input stream is killed with SIGKILL mid-stream. The cluster elects new leaders, the
 * workers go on, nothing is lost and every series equals one process.
 */
describe.skipIf(natsSkipReason())('3-node NATS cluster, replicas 3, one node killed', () => {
  let cluster: NatsCluster;
  const members: WorkerProcess[] = [];
  beforeAll(async () => {
    cluster = await startNatsCluster(3);
  });
  afterAll(async () => {
    for (const w of members) w.child.kill('SIGKILL');
    await cluster?.stop();
  });

  it('loses nothing', async () => {
    const rounds = makeReadings(100, 60);
    const all = rounds.flat();
    const { nc, js } = await natsClient(cluster.urls);
    for (const name of ['w1', 'w2']) members.push(startMember(name, workerConfig(cluster.urls, name, { replicas: 3, normalize: NORMALIZE, cluster: { lease: '5s', ackWait: '10s' } })));
    await Promise.all(members.map((w) => w.waitFor(/running/, 60_000)));
    let retries = await publishUntilStored(js, rounds.slice(0, 25));
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    const leader = (await jsm.streams.info('streamnorm')).cluster?.leader;
    const victim = cluster.nodes.find((n, i) => `n${i + 1}` === leader) ?? cluster.nodes[0];
    await victim!.kill('SIGKILL');
    retries += await publishUntilStored(js, rounds.slice(25));
    await waitForMessages(nc, 'streamnorm-out', all.length, 90_000).catch((e: Error) => {
      for (const w of members) console.log(`${w.name}:\n${w.stdout().split('\n').filter((l) => !l.startsWith('[')).slice(-30).join('\n')}\nLAST ${w.stdout().split('\n').filter((l) => l.startsWith('[')).at(-1)}`);
      throw e;
    });
    await new Promise((r) => setTimeout(r, 1000));
    const codes = await Promise.all(members.map(stopMember));
    expect(codes).toEqual([0, 0]);
    expect((await jsm.streams.info('streamnorm')).state.messages).toBe(all.length); // the retried publishes were stored once
    const outputs = await readOutputs(nc, 'streamnorm-out');
    expect(outputs.length).toBe(all.length);
    const want = await singleProcess(all, NORMALIZE);
    const got = bySeries(outputs);
    const bad = [...want].filter(([series, list]) => JSON.stringify(got.get(series)?.map(essence)) !== JSON.stringify(list.map(essence))).map(([s]) => s);
    if (bad.length > 0) for (const w of members) console.log(`BAD ${bad.join(' ')}\n${w.name}:\n${w.stdout().split('\n').filter((l) => !l.startsWith('[')).join('\n')}`);
    for (const [series, list] of want) expect(got.get(series)?.map(essence), series).toEqual(list.map(essence));
    console.log(`3-node cluster: killed ${leader}; ${retries} input publishes retried; workers ${JSON.stringify(members.map((w) => w.counters()))}`);
    await nc.close();
  }, 240_000);
});
