import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV, type KvOptions } from '@nats-io/kv';

/**
 * @internal Creates a KV bucket, or opens the one that exists. Workers started together race to
 * create the same buckets, and nats-server 2.9 may answer the loser with an error ("subjects
 * overlap with an existing stream") instead of the bucket; once the bucket's stream exists, the
 * create is asked again, which then finds it.
 */
export async function createBucket(nc: NatsConnection, name: string, options: Partial<KvOptions>): Promise<KV> {
  const kvm = new Kvm(nc);
  try {
    return await kvm.create(name, options);
  } catch (e) {
    const exists = await jetstreamManager(nc)
      .then((jsm) => jsm.streams.info(`KV_${name}`))
      .catch(() => undefined);
    if (exists === undefined) throw e;
    return kvm.create(name, options);
  }
}
