import { gunzipSync, gzipSync } from 'node:zlib';
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { createBucket } from './bucket.js';
import type { Snapshot } from '../../src/state/snapshot.js';
import { refuseUnknownKeys } from '../../src/options.js';

/** The format tag of a partition checkpoint. */
export const CHECKPOINT_FORMAT = 'streamnorm.checkpoint/1';

/** A partition's checkpoint: its series' state and the stream sequence it covers. */
export interface Checkpoint {
  partition: number;
  /** Every message up to this stream sequence is in `snapshot` and acknowledged; replay from seq + 1. */
  seq: number;
  /** The worker that wrote it and its lease revision (the fencing token). */
  worker: string;
  lease: number;
  /** The store snapshot of the partition's series (absent in a claim marker before the first checkpoint). */
  snapshot?: Snapshot;
}

/**
 * Partition checkpoints in a KV bucket, key `p.<n>`, value the gzipped JSON of a
 * {@link Checkpoint}. Every write is compare-and-set on the revision this owner last saw: a new
 * owner first re-writes the checkpoint it takes over under its own lease ({@link
 * CheckpointStore.claim}), so the previous owner's next checkpoint fails on the server even if
 * its lease check passed just before a pause.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { openCheckpoints } from 'streamnorm/nats';
 * const nc = await connect({ servers: natsUrl });
 * const store = await openCheckpoints(nc, { bucket: 'doc-ckpt-store' });
 * const { revision } = await store.claim(2, 'w1', 5);
 * await store.write({ partition: 2, seq: 41, worker: 'w1', lease: 5 }, revision);
 * (await store.read(2)).checkpoint?.seq; // => 41
 * await nc.close();
 * ```
 */
export class CheckpointStore {
  constructor(
    readonly kv: KV,
    private readonly maxBytes: number,
  ) {}

  /** Reads a partition's checkpoint (undefined when it has none) and the key's revision (0 when none). */
  async read(partition: number): Promise<{ checkpoint: Checkpoint | undefined; revision: number }> {
    const e = await this.kv.get(`p.${partition}`);
    if (e === null || e.operation !== 'PUT') return { checkpoint: undefined, revision: e?.revision ?? 0 };
    let doc: Checkpoint & { format?: unknown };
    try {
      doc = JSON.parse(gunzipSync(e.value).toString('utf8')) as Checkpoint & { format?: unknown };
    } catch (err) {
      throw new Error(`checkpoint of partition ${partition} (revision ${e.revision}) is unreadable: ${(err as Error).message}`);
    }
    if (doc.format !== CHECKPOINT_FORMAT || doc.partition !== partition || !Number.isInteger(doc.seq)) {
      throw new Error(`checkpoint of partition ${partition} (revision ${e.revision}) is not a ${CHECKPOINT_FORMAT} document of that partition`);
    }
    const { format: _f, ...checkpoint } = doc;
    return { checkpoint, revision: e.revision };
  }

  /**
   * Writes a checkpoint over revision `expected` (0: there is none yet) by compare-and-set;
   * returns the new revision. Throws when another owner wrote since (fenced) or it is too large.
   */
  async write(checkpoint: Checkpoint, expected: number): Promise<number> {
    const body = gzipSync(Buffer.from(JSON.stringify({ format: CHECKPOINT_FORMAT, ...checkpoint })));
    if (body.byteLength > this.maxBytes) {
      throw new Error(`checkpoint of partition ${checkpoint.partition} is ${body.byteLength} bytes gzipped, above the server's max_payload ${this.maxBytes}: raise max_payload or use more partitions`);
    }
    const key = `p.${checkpoint.partition}`;
    try {
      return expected === 0 ? await this.kv.create(key, body) : await this.kv.update(key, body, expected);
    } catch (e) {
      if (/wrong last sequence|key exists/i.test((e as Error).message)) {
        throw new Error(`checkpoint of partition ${checkpoint.partition} was written by another owner since revision ${expected}: fenced, not written`);
      }
      throw e;
    }
  }

  /**
   * Takes a partition over: reads its checkpoint and re-writes it under the new lease, fencing the
   * previous owner; returns it with the revision the next write must name.
   */
  async claim(partition: number, worker: string, lease: number): Promise<{ checkpoint: Checkpoint; revision: number }> {
    const previous = await this.read(partition);
    const checkpoint: Checkpoint = { ...(previous.checkpoint ?? { partition, seq: 0 }), worker, lease };
    return { checkpoint, revision: await this.write(checkpoint, previous.revision) };
  }
}

/**
 * Opens (creating when missing) a checkpoint bucket; see {@link CheckpointStore}.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { openCheckpoints } from 'streamnorm/nats';
 * const nc = await connect({ servers: natsUrl });
 * const mine = await openCheckpoints(nc, { bucket: 'doc-ckpt' });
 * const theirs = await openCheckpoints(nc, { bucket: 'doc-ckpt' });
 * const claim = await mine.claim(0, 'a', 1);
 * claim.checkpoint.seq; // => 0
 * await theirs.claim(0, 'b', 2);
 * let fenced = '';
 * await mine.write({ partition: 0, seq: 10, worker: 'a', lease: 1 }, claim.revision).catch((e: Error) => (fenced = e.message));
 * fenced.endsWith('fenced, not written'); // => true
 * await nc.close();
 * ```
 */
export async function openCheckpoints(nc: NatsConnection, options: { bucket: string; replicas?: number }): Promise<CheckpointStore> {
  refuseUnknownKeys(options, ['bucket', 'replicas'], 'openCheckpoints');
  // reads go to the stream's leader: a take-over must see the latest checkpoint
  const kv = await createBucket(nc, options.bucket, { history: 2, replicas: options.replicas ?? 1, allow_direct: false });
  return new CheckpointStore(kv, nc.info?.max_payload ?? 1024 * 1024);
}
