import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { createBucket } from '../../connectors/nats/bucket.js';
import type { Scaler } from '../../src/scalers/create.js';
import type { FrozenParams } from '../../src/scalers/frozen.js';
import { restoreScaler, saveScaler } from '../../src/state/scaler-state.js';
import { decodeSeriesKey, encodeSeriesKey } from '../../connectors/nats/key-codec.js';

/** Options of {@link PartialFits.open}. */
export interface PartialFitsOptions {
  /** The merge bucket (members in `<bucket>-members`). */
  bucket: string;
  worker: string;
  /** A member not heard of for this long has left. */
  ttlMs: number;
  replicas: number;
  /** Merge with the partial fits there are once this long has passed after the freeze (a member died meanwhile). */
  timeoutMs: number;
  /** This worker's partial fit of a series at its freeze (undefined when it saw none of it); it stops learning the series. */
  partial: (series: string) => Scaler | undefined;
  /** The merged statistics of a series, to be written (first writer wins). */
  merged: (series: string, params: FrozenParams) => Promise<void>;
  onError: (e: Error) => void;
}

/**
 * Partial fits of split series, merged exactly at the freeze through a KV bucket. A freeze is
 * announced once (`f.<series>`, created by whichever worker reaches the freeze point first);
 * every live member answers with its partial fit (`p.<series>.<worker>`, the scaler's saved
 * state, or null); once every live member has answered (or the timeout passed), every member
 * merges the same partial fits in the same order (by worker id), so each computes the same bits,
 * and writes v1 with create: the first write wins, the others find the same statistics there.
 */
export class PartialFits {
  private readonly submitted = new Set<string>();
  private readonly done = new Set<string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopWatch: (() => void) | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;

  private constructor(
    private readonly kv: KV,
    private readonly members: KV,
    private readonly jsm: JetStreamManager,
    private readonly o: PartialFitsOptions,
  ) {}

  /**
   * The keys of a bucket under `filter` whose latest value is a put, read from the stream's leader
   * (not with a key-listing consumer, which on a cluster that just lost a node may read an empty
   * replica).
   */
  private async liveKeys(kv: KV, bucket: string, filter: string): Promise<string[]> {
    const head = `$KV.${bucket}.`;
    const info = await this.jsm.streams.info(`KV_${bucket}`, { subjects_filter: `${head}${filter}` });
    const keys = Object.keys(info.state.subjects ?? {}).map((s) => s.slice(head.length));
    const entries = await Promise.all(keys.map((k) => kv.get(k)));
    return entries.flatMap((e) => (e !== null && e.operation === 'PUT' ? [e.key] : []));
  }

  /** Opens the buckets, joins the members, and starts watching freezes and partial fits. */
  static async open(nc: NatsConnection, o: PartialFitsOptions): Promise<PartialFits> {
    const kv = await createBucket(nc, o.bucket, { history: 1, replicas: o.replicas, allow_direct: false });
    const members = await createBucket(nc, `${o.bucket}-members`, { history: 1, ttl: o.ttlMs, replicas: o.replicas, allow_direct: false });
    const fits = new PartialFits(kv, members, await jetstreamManager(nc), o);
    const beat = (): Promise<unknown> => members.put(encodeSeriesKey(o.worker), String(Date.now())).catch(o.onError);
    await beat();
    fits.heartbeat = setInterval(() => void beat(), o.ttlMs / 4);
    const it = await kv.watch({ ignoreDeletes: true });
    fits.stopWatch = () => it.stop();
    void (async () => {
      for await (const e of it) {
        const [kind, key] = e.key.split('.');
        if (key === undefined) continue;
        const series = decodeSeriesKey(key);
        if (kind === 'f') void fits.submit(series).catch(o.onError);
        else if (kind === 'p') void fits.tryMerge(series, false).catch(o.onError);
      }
    })();
    return fits;
  }

  /** Announces the freeze of a series (once; later announcements are no-ops). */
  async announce(series: string): Promise<void> {
    if (this.submitted.has(series)) return;
    await this.kv.create(`f.${encodeSeriesKey(series)}`, JSON.stringify({ by: this.o.worker, at: Date.now() })).catch((e: Error) => {
      if (!/wrong last sequence|key exists/i.test(e.message)) this.o.onError(e);
    });
  }

  private async submit(series: string): Promise<void> {
    if (this.submitted.has(series)) return;
    this.submitted.add(series);
    const scaler = this.o.partial(series);
    const state = scaler === undefined ? null : saveScaler(scaler);
    await this.kv.put(`p.${encodeSeriesKey(series)}.${encodeSeriesKey(this.o.worker)}`, JSON.stringify({ worker: this.o.worker, state }));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.tryMerge(series, true).catch(this.o.onError);
    }, this.o.timeoutMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async tryMerge(series: string, force: boolean): Promise<void> {
    if (this.done.has(series)) return;
    const live = new Set((await this.liveKeys(this.members, `${this.o.bucket}-members`, '>')).map(decodeSeriesKey));
    const key = encodeSeriesKey(series);
    const parts = new Map<string, Scaler | null>();
    for (const k of await this.liveKeys(this.kv, this.o.bucket, `p.${key}.*`)) {
      const e = await this.kv.get(k);
      if (e === null || e.operation !== 'PUT') continue;
      const doc = e.json<{ worker: string; state: unknown }>();
      parts.set(doc.worker, doc.state === null ? null : restoreScaler(doc.state, `partial fit ${k}`));
    }
    if (!force && ![...live].every((w) => parts.has(w))) return;
    if (this.done.has(series)) return;
    this.done.add(series);
    const fitted = [...parts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([, s]) => (s === null || s.count === 0 ? [] : [s]));
    const [first, ...rest] = fitted;
    if (first === undefined) return;
    for (const other of rest) (first as { merge(o: Scaler): unknown }).merge(other); // merge refuses another kind or other options
    await this.o.merged(series, first.freeze());
  }

  /** Leaves the members and stops watching. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const t of this.timers) clearTimeout(t);
    this.stopWatch?.();
    await this.members.delete(encodeSeriesKey(this.o.worker)).catch(() => undefined);
  }
}
