import { Subject } from 'rxjs';
import type { Normalized, Reading } from '../../src/reading.js';
import type { ScalerSpec } from '../../src/scalers/create.js';
import type { FreezePoint } from '../../operators/index.js';
import { SeriesStore, normalize } from '../../operators/index.js';
import { messageReadings, type MqttConnectOptions, type MqttSourceOptions } from '../../connectors/mqtt/index.js';
import type { FrozenStatsBucket } from '../../connectors/nats/frozen-kv.js';
import { frozenSnapshot } from './frozen-only.js';
import { mqttIntake } from './mqtt-intake.js';
import { PartialFits } from './partial-fits.js';
import type { OutputPublisher } from './outputs.js';
import type { RoleStart } from './roles.js';
import type { RunningRole } from './run-cluster.js';

/**
 * The `share` role: the mergeable route for a source that cannot be partitioned (an MQTT
 * `$share` subscription hands each worker a part of every series). Each worker fits partial
 * statistics; at the freeze point (an event time, `freeze: { atTime }`, or a message on
 * `cluster.freezeSubject`) the partial fits meet in a KV bucket and are merged exactly (Chan et
 * al. for moments, the KLL merge or the exact sample union for quantiles; see
 * {@link PartialFits}), and the one merged v1 is written to the statistics bucket, which every
 * worker watches and serves. Readings at or after the freeze time are not learned; readings before
 * it that arrive after a worker sent its partial fit are counted as late. Count-based freezes are
 * refused by the config (no global order of samples across workers).
 */
export async function startShare(s: RoleStart & { stats: FrozenStatsBucket; publisher: OutputPublisher; mqtt: MqttSourceOptions & { connect: MqttConnectOptions } }): Promise<RunningRole> {
  const { cluster, normalize: options } = s.config;
  const { counters } = s;
  const spec: ScalerSpec = typeof options.scaler === 'object' ? options.scaler : { kind: 'standard' };
  const points = options.freeze === undefined ? [] : Array.isArray(options.freeze) ? (options.freeze as FreezePoint[]) : [options.freeze as FreezePoint];
  const atTime = points.flatMap((p) => (typeof p === 'object' && 'atTime' in p ? [p.atTime] : [])).reduce((a, b) => Math.min(a, b), Infinity);
  const store = new SeriesStore({ drift: false });
  const closed = new Set<string>();
  let late = 0;
  let sink: Normalized[] = [];
  const common = { ...options, freeze: 'never' as const, store };
  const learner = new Subject<Reading>();
  const server = new Subject<Reading>();
  const { freeze: _freeze, refit: _refit, ...transformOnly } = options;
  const subs = [learner.pipe(normalize(common)).subscribe((n) => sink.push(n)), server.pipe(normalize({ ...transformOnly, store, learn: false })).subscribe((n) => sink.push(n))];

  const fits = await PartialFits.open(s.nc, {
    bucket: `${cluster.statsBucket}-merge`,
    worker: cluster.worker,
    ttlMs: cluster.leaseMs,
    replicas: cluster.replicas,
    timeoutMs: cluster.mergeTimeoutMs,
    partial: (series) => {
      closed.add(series);
      return store.fitting(series);
    },
    merged: async (series, params) => {
      const r = await s.stats.write(series, params, { spec, writer: { worker: cluster.worker } });
      if (r.outcome === 'written') counters.statsWritten++;
      else if (r.outcome === 'exists') counters.statsExisting++;
      else counters.statsConflicts++;
    },
    onError: (e) => void (counters.lastError = `merge: ${e.message}`),
  });
  const watching = s.stats.watch().subscribe({
    next: (entry) => {
      if ((store.params(entry.series)?.version ?? 0) >= entry.params.version) return;
      store.restore(frozenSnapshot(entry, spec));
      closed.delete(entry.series);
    },
    error: (e: Error) => void (counters.lastError = `stats watch: ${e.message}`),
  });
  const notifier = cluster.freezeSubject === undefined ? undefined : s.nc.subscribe(cluster.freezeSubject);
  if (notifier !== undefined) {
    void (async () => {
      for await (const m of notifier) {
        let named: unknown;
        try {
          named = m.data.length === 0 ? undefined : m.json();
        } catch {
          named = m.string();
        }
        const ids = typeof named === 'string' ? [named] : Array.isArray(named) ? named.filter((x): x is string => typeof x === 'string') : [...store.keys()].filter((id) => store.phase(id) === 'fitting');
        for (const id of ids) void fits.announce(id);
      }
    })();
  }

  const intake = mqttIntake(
    s.mqtt,
    (topic, payload, recipe, done) => {
      const { readings, problems } = messageReadings(recipe, topic, payload, Date.now());
      counters.malformed += problems.length;
      counters.readings += readings.length;
      for (const r of readings) {
        if (store.params(r.series) !== undefined) server.next(r);
        else if (closed.has(r.series)) {
          if ((r.time ?? Infinity) < atTime) late++;
          server.next(r);
        } else if ((r.time ?? -Infinity) >= atTime) {
          void fits.announce(r.series);
          server.next(r);
        } else learner.next(r);
      }
      const outs = sink;
      sink = [];
      Promise.all(outs.map((n) => s.publisher.publish(n, undefined, () => undefined))).then(
        () => {
          counters.acked++;
          done();
        },
        (e: Error) => done(e),
      );
    },
    counters,
  );
  return {
    counters,
    describe: () => `share ${cluster.worker}: ${store.size} series, ${closed.size} waiting for their merged fit, ${late} late readings`,
    stop: async () => {
      await intake.stop();
      notifier?.unsubscribe();
      watching.unsubscribe();
      await fits.stop();
      for (const sub of subs) sub.unsubscribe();
    },
  };
}
