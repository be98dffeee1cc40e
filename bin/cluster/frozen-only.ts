import { Subject } from 'rxjs';
import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import type { Normalized, Reading } from '../../src/reading.js';
import { createScaler, type ScalerSpec } from '../../src/scalers/create.js';
import { saveScaler } from '../../src/state/scaler-state.js';
import { SNAPSHOT_VERSION, type Snapshot } from '../../src/state/snapshot.js';
import { SeriesStore, normalize } from '../../operators/index.js';
import type { ReadingRecipe } from '../../connectors/mqtt/index.js';
import type { FrozenEntry, FrozenStatsBucket } from '../../connectors/nats/frozen-kv.js';
import { msToNanos } from '../../connectors/nats/stream.js';
import { readingsOf } from './decode.js';
import { keepAlive, type OutputPublisher } from './outputs.js';
import type { RoleStart } from './roles.js';
import type { RunningRole } from './run-cluster.js';

/** A snapshot holding one frozen series: how KV statistics enter a store (checked by the snapshot reader). */
export function frozenSnapshot(entry: FrozenEntry, fallbackSpec: ScalerSpec): Snapshot {
  const scaler = createScaler(entry.spec ?? fallbackSpec);
  scaler.frozen = entry.params;
  scaler.version = entry.params.version;
  return { schema: 'streamnorm/snapshot', schemaVersion: SNAPSHOT_VERSION, createdAt: new Date().toISOString(), series: { [entry.series]: saveScaler(scaler) } };
}

/**
 * The `frozen-only` role: transforms any series of any partition with the statistics in the KV
 * bucket, which it watches (every series' current version, then each new one). It learns nothing,
 * so it needs no partition: all frozen-only members share one durable consumer over the whole
 * stream, and JetStream spreads the messages among them. A series without statistics yet is
 * handled as `normalize.unknownSeries` says (default here: `raw`, flagged). Outputs are published
 * with message ids of their own (`frozen:` + stream, sequence, index) and the input is
 * acknowledged once they are stored.
 */
export async function startFrozenOnly(s: RoleStart & { stats: FrozenStatsBucket; publisher: OutputPublisher; recipes: readonly ReadingRecipe[] }): Promise<RunningRole> {
  const { cluster } = s.config;
  const { counters } = s;
  const store = new SeriesStore({ drift: false });
  const spec: ScalerSpec = typeof s.config.normalize.scaler === 'object' ? s.config.normalize.scaler : { kind: 'standard' };
  let known = 0;
  const learnEntry = (entry: FrozenEntry): void => {
    if ((store.params(entry.series)?.version ?? 0) >= entry.params.version) return;
    store.restore(frozenSnapshot(entry, spec));
    known++;
  };
  const watching = s.stats
    .watch((key, e) => {
      counters.malformed++;
      counters.lastError = `stats ${key}: ${e.message}`;
    })
    .subscribe({ next: learnEntry, error: (e: Error) => void (counters.lastError = `stats watch: ${e.message}`) });
  // Every statistic already in the bucket before the first message (the watch delivers them
  // asynchronously: without this, readings of known series could pass raw at start-up).
  const current = await s.stats.read().catch((e: Error) => {
    counters.lastError = `stats read: ${e.message} (the watch goes on, skipping what it cannot read)`;
    return new Map<string, FrozenEntry>();
  });
  for (const entry of current.values()) learnEntry(entry);
  const input = new Subject<Reading>();
  let sink: Normalized[] = [];
  const { freeze: _freeze, refit: _refit, ...transformOnly } = s.config.normalize;
  const pipeline = input.pipe(normalize({ unknownSeries: 'raw', ...transformOnly, store, learn: false })).subscribe((n) => sink.push(n));
  const name = `${cluster.stream}-frozen`;
  const exists = await s.jsm.consumers.info(cluster.stream, name).catch(() => undefined);
  if (exists === undefined) {
    await s.jsm.consumers.add(cluster.stream, {
      durable_name: name,
      filter_subject: `${cluster.prefix}.>`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: msToNanos(cluster.ackWaitMs),
      max_ack_pending: cluster.maxUnacked,
    });
  }
  const consumer = await s.js.consumers.get(cluster.stream, name);
  const messages = await consumer.consume({ max_messages: Math.min(cluster.maxUnacked, 256), expires: 5_000 });
  const pending = new Map<number, { msg: JsMsg; since: number }>();
  let stopping = false;
  const check = (): void => {
    if (stopping) throw new Error('stopping');
  };
  const stopKeepAlive = keepAlive(() => pending.values(), cluster.ackWaitMs, counters);
  const loop = (async () => {
    for await (const msg of messages) {
      if (stopping) break;
      counters.messages++;
      for (const r of readingsOf(msg, cluster.prefix, s.recipes, counters)) input.next(r);
      const outs = sink;
      sink = [];
      const seq = msg.seq;
      pending.set(seq, { msg, since: Date.now() });
      Promise.all(outs.map((n, i) => s.publisher.publish(n, `frozen:${cluster.stream}:${seq}:${i}`, check))).then(
        () => {
          msg.ack();
          counters.acked++;
          pending.delete(seq);
        },
        () => pending.delete(seq), // stopping: left unacknowledged for another member
      );
    }
  })();
  return {
    counters,
    describe: () => `frozen-only, ${known} series' statistics known`,
    stop: async () => {
      messages.stop();
      await loop.catch(() => undefined);
      const deadline = Date.now() + 5_000;
      while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      stopping = true;
      stopKeepAlive();
      watching.unsubscribe();
      pipeline.unsubscribe();
    },
  };
}
