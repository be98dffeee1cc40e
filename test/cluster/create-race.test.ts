/**
 * Workers started together create the same streams and buckets at the same moment; every one of
 * them must end up using the one that exists (a CI run saw a worker exit with nats-server 2.9's
 * "subjects overlap with an existing stream" for the loser of such a race).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ensureOutputStream, ensurePartitionedStream } from '../../connectors/nats/index.js';
import { createBucket } from '../../connectors/nats/bucket.js';
import { natsSkipReason, startNats, type NatsServer } from '../helpers/nats.js';

describe.skipIf(natsSkipReason())('streams and buckets created by several processes at once', () => {
  let server: NatsServer;
  const conns: NatsConnection[] = [];
  beforeAll(async () => {
    server = await startNats();
    for (let i = 0; i < 6; i++) conns.push(await connect({ servers: server.url }));
  }, 30_000);
  afterAll(async () => {
    for (const nc of conns) await nc.close();
    await server?.stop();
  });

  it('six connections creating the same partitioned stream, output stream and bucket all get it, round after round', async () => {
    for (let round = 0; round < 8; round++) {
      const jsms = await Promise.all(conns.map((nc) => jetstreamManager(nc)));
      const parts = await Promise.all(jsms.map((jsm) => ensurePartitionedStream(jsm, { name: `in-${round}`, prefix: `p${round}`, partitions: 8 })));
      expect(new Set(parts.map((p) => p.info.config.name))).toEqual(new Set([`in-${round}`]));
      const outs = await Promise.all(jsms.map((jsm) => ensureOutputStream(jsm, { name: `out-${round}`, subjects: [`out${round}.>`] })));
      expect(outs.every((o) => o.config.name === `out-${round}`)).toBe(true);
      const buckets = await Promise.all(conns.map((nc) => createBucket(nc, `b-${round}`, { history: 1 })));
      await buckets[0]!.put('k', 'v');
      expect((await buckets[5]!.get('k'))?.string()).toBe('v');
    }
  }, 60_000);
});
