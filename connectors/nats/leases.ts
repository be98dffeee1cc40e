import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { createBucket } from './bucket.js';
import { encodeSeriesKey } from './key-codec.js';
import { optionKeys, refuseUnknownKeys } from '../../src/options.js';

/** Options of {@link openLeases}. */
export interface LeaseOptions {
  /** KV bucket of the leases (one per worker group). */
  bucket: string;
  /** This worker's id (unique in the group). */
  worker: string;
  /** How long a lease lives without renewal, ms: the bucket's max age. */
  ttlMs: number;
  /** Replicas of the bucket (default 1). */
  replicas?: number;
}

/** A partition lease this worker holds: its KV revision is the fencing token. */
export interface Lease {
  partition: number;
  /** The revision of the lease key at the latest renewal. */
  revision: number;
  /** The revision it was claimed at: names the claim (consumer names, checkpoint owner). */
  claimed: number;
  /** Local time until which the lease is surely still held (renewal sent + ttl − margin). */
  validUntil: number;
}

/**
 * Thrown by {@link LeaseTable.assert} when a partition's lease is no longer held.
 *
 * @example
 * ```ts
 * import { FencedError } from 'streamnorm/nats';
 * new FencedError(3, 'its lease lapsed').message; // => 'partition 3: its lease lapsed; this worker no longer holds it and writes nothing for it'
 * ```
 */
export class FencedError extends Error {
  constructor(readonly partition: number, why: string) {
    super(`partition ${partition}: ${why}; this worker no longer holds it and writes nothing for it`);
    this.name = 'FencedError';
  }
}

/**
 * Partition leases in a KV bucket whose max age is the lease time: a lease is a key `p.<n>`
 * created by its claimer (create fails while another holds it), renewed by compare-and-set on
 * its revision, and gone when not renewed in time (the server expires it), so another worker's
 * create takes the partition over. Members announce themselves under `w.<id>` the same way, so
 * each worker knows the group's size and takes its share.
 *
 * The local deadline (`validUntil`: the time a renewal was sent + ttl − a fifth of ttl) ends
 * before the server can expire the key, so a worker paused past its lease finds it lapsed before
 * it writes anything (see {@link LeaseTable.assert}); compare-and-set on every KV write is the
 * second line, on the server.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { FencedError, openLeases } from 'streamnorm/nats';
 * const nc = await connect({ servers: natsUrl });
 * const leases = await openLeases(nc, { bucket: 'doc-lease-table', worker: 'w1', ttlMs: 1000 });
 * await leases.heartbeat();
 * await leases.members(); // => 1
 * await leases.claim(0);
 * leases.holds(0); // => true
 * await leases.release(0);
 * let error: unknown;
 * try { leases.assert(0); } catch (e) { error = e; }
 * error instanceof FencedError; // => true
 * await nc.close();
 * ```
 */
export class LeaseTable {
  /** Leases held, by partition. */
  readonly held = new Map<number, Lease>();
  private readonly margin: number;

  constructor(
    readonly kv: KV,
    private readonly jsm: JetStreamManager,
    readonly options: LeaseOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.margin = Math.max(options.ttlMs / 5, 50);
  }

  private value(): string {
    return JSON.stringify({ worker: this.options.worker, at: new Date(this.now()).toISOString() });
  }

  /** Announces (or renews) this worker's membership. */
  async heartbeat(): Promise<void> {
    await this.kv.put(`w.${encodeSeriesKey(this.options.worker)}`, this.value());
  }

  /** Withdraws this worker's membership (at a clean shutdown). */
  async leave(): Promise<void> {
    await this.kv.delete(`w.${encodeSeriesKey(this.options.worker)}`).catch(() => undefined);
  }

  /**
   * The keys under `prefix` whose latest value is not a delete: read from the stream's leader
   * (the subjects it holds, then each key), not with a key-listing consumer, which on a cluster
   * that just lost a node may read an empty replica.
   */
  private async live(prefix: 'w' | 'p'): Promise<string[]> {
    const stream = `KV_${this.options.bucket}`;
    const head = `$KV.${this.options.bucket}.`;
    const info = await this.jsm.streams.info(stream, { subjects_filter: `${head}${prefix}.>` });
    const keys = Object.keys(info.state.subjects ?? {}).map((s) => s.slice(head.length));
    const entries = await Promise.all(keys.map((k) => this.kv.get(k)));
    return entries.flatMap((e) => (e !== null && e.operation === 'PUT' ? [e.key] : []));
  }

  /** The number of live members (this one included once it has sent a heartbeat). */
  async members(): Promise<number> {
    return (await this.live('w')).length;
  }

  /** Partitions that have a live lease now (anyone's). */
  async taken(): Promise<Set<number>> {
    return new Set((await this.live('p')).map((k) => Number(k.slice(2))));
  }

  /** Tries to claim a partition; returns its lease, or undefined when someone holds it. */
  async claim(partition: number): Promise<Lease | undefined> {
    const sent = this.now();
    try {
      const revision = await this.kv.create(`p.${partition}`, this.value());
      const lease = { partition, revision, claimed: revision, validUntil: sent + this.options.ttlMs - this.margin };
      this.held.set(partition, lease);
      return lease;
    } catch (e) {
      if (/wrong last sequence|key exists/i.test((e as Error).message)) return undefined;
      throw e;
    }
  }

  /** Renews a held lease by compare-and-set; false (and the lease dropped) when it was lost. */
  async renew(partition: number): Promise<boolean> {
    const lease = this.held.get(partition);
    if (lease === undefined) return false;
    if (this.now() >= lease.validUntil) {
      this.held.delete(partition);
      return false;
    }
    const sent = this.now();
    try {
      lease.revision = await this.kv.update(`p.${partition}`, this.value(), lease.revision);
      lease.validUntil = sent + this.options.ttlMs - this.margin;
      return true;
    } catch (e) {
      if (!/wrong last sequence/i.test((e as Error).message)) throw e;
      this.held.delete(partition);
      return false;
    }
  }

  /** Gives a held lease back (after the partition's hand-over checkpoint). */
  async release(partition: number): Promise<void> {
    const lease = this.held.get(partition);
    this.held.delete(partition);
    if (lease !== undefined) await this.kv.delete(`p.${partition}`, { previousSeq: lease.revision }).catch(() => undefined);
  }

  /** Whether the lease of a partition is surely still held now. */
  holds(partition: number): boolean {
    const lease = this.held.get(partition);
    return lease !== undefined && this.now() < lease.validUntil;
  }

  /**
   * Throws a {@link FencedError} unless the partition's lease is surely still held (and, when
   * `claimed` is given, is still the claim made at that revision: a partition lost and claimed
   * again is another claim): called right before every write for the partition.
   */
  assert(partition: number, claimed?: number): void {
    const lease = this.held.get(partition);
    if (lease === undefined) throw new FencedError(partition, 'its lease was lost or given back');
    if (claimed !== undefined && lease.claimed !== claimed) throw new FencedError(partition, `its claim at revision ${claimed} was lost (it is held now under revision ${lease.claimed})`);
    if (this.now() >= lease.validUntil) {
      this.held.delete(partition);
      throw new FencedError(partition, `its lease lapsed ${this.now() - lease.validUntil} ms ago (not renewed in time: paused or cut off?)`);
    }
  }
}

/**
 * Opens (creating when missing) the lease bucket of a worker group; see {@link LeaseTable}.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { openLeases } from 'streamnorm/nats';
 * const nc = await connect({ servers: natsUrl });
 * const a = await openLeases(nc, { bucket: 'doc-leases', worker: 'a', ttlMs: 2000 });
 * const b = await openLeases(nc, { bucket: 'doc-leases', worker: 'b', ttlMs: 2000 });
 * (await a.claim(3))?.partition; // => 3
 * await b.claim(3); // => undefined
 * await a.renew(3); // => true
 * await nc.close();
 * ```
 */
export async function openLeases(nc: NatsConnection, options: LeaseOptions): Promise<LeaseTable> {
  refuseUnknownKeys(options, optionKeys<LeaseOptions>({ bucket: true, worker: true, ttlMs: true, replicas: true }), 'openLeases');
  if (!(options.ttlMs >= 500)) throw new RangeError(`lease time must be at least 500 ms, got ${options.ttlMs}`);
  // reads go to the stream's leader (no direct gets from replicas that may lag)
  const kv = await createBucket(nc, options.bucket, { ttl: options.ttlMs, history: 1, replicas: options.replicas ?? 1, allow_direct: false });
  const status = await kv.status();
  if (status.ttl !== options.ttlMs) throw new Error(`lease bucket ${options.bucket} has a lease time of ${status.ttl} ms; the config asks for ${options.ttlMs} ms (every worker of a group must use one)`);
  return new LeaseTable(kv, await jetstreamManager(nc), options);
}
