import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { ClusterRunConfig } from '../cli/run-config.js';
import { openCheckpoints } from '../../connectors/nats/checkpoints.js';
import { openFrozenStats } from '../../connectors/nats/frozen-kv.js';
import { openLeases } from '../../connectors/nats/leases.js';
import type { ClusterCounters } from './counters.js';
import { OutputPublisher } from './outputs.js';
import { JsPublisher } from './js-publisher.js';
import type { RunningRole } from './run-cluster.js';
import { PartitionWorker } from './worker.js';
import { startFrozenOnly } from './frozen-only.js';
import { startBridge } from './bridge.js';
import { startShare } from './share.js';
import { untilAnswered } from './retry.js';
import { lifecycleOptions } from '../cli/config-lifecycle.js';

/** Everything a role starts from. */
export interface RoleStart {
  config: ClusterRunConfig;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  partitions: number;
  counters: ClusterCounters;
  log: (line: string) => void;
}

/** Starts the config's role. */
export async function startRole(s: RoleStart): Promise<RunningRole> {
  const { config, nc, counters } = s;
  const { cluster } = config;
  const stats = await untilAnswered(() => openFrozenStats(nc, { bucket: cluster.statsBucket, replicas: cluster.replicas }));
  const publisher = config.output.nats ? new OutputPublisher(new JsPublisher(nc), config.output.nats.subject, counters) : undefined;
  const streams = [`KV_${cluster.statsBucket}`, ...(cluster.role === 'share' ? [] : [cluster.stream]), ...(config.output.nats ? [config.output.nats.stream] : [])];
  if (cluster.role === 'worker') streams.push(`KV_${cluster.stream}-leases`, `KV_${cluster.stream}-checkpoints`);
  switch (cluster.role) {
    case 'worker': {
      if (!('nats' in config.input) || publisher === undefined) throw new Error('worker role needs input.nats and output.nats');
      const leases = await untilAnswered(() => openLeases(nc, { bucket: `${cluster.stream}-leases`, worker: cluster.worker, ttlMs: cluster.leaseMs, replicas: cluster.replicas }));
      const checkpoints = await untilAnswered(() => openCheckpoints(nc, { bucket: `${cluster.stream}-checkpoints`, replicas: cluster.replicas }));
      await leadersElected(s.jsm, streams);
      const lifecycle = lifecycleOptions(config);
      const ctx = { nc, js: s.js, jsm: s.jsm, cluster, worker: cluster.worker, stream: cluster.stream, prefix: cluster.prefix, inputRecipes: config.input.nats.recipes, normalize: lifecycle.normalize, store: lifecycle.store, leases, checkpoints, stats, publisher, counters, log: s.log };
      const worker = new PartitionWorker(ctx, leases, s.partitions);
      await worker.start();
      if (config.refit?.approve) worker.approvals(cluster.approveSubject ?? `${cluster.stream}.approve`);
      return { counters, describe: () => `partitions [${worker.held().join(',')}] ${worker.describe()}`, stop: () => worker.stop() };
    }
    case 'frozen-only':
      await leadersElected(s.jsm, streams);
      if (!('nats' in config.input) || publisher === undefined) throw new Error('frozen-only role needs input.nats and output.nats');
      return startFrozenOnly({ ...s, stats, publisher, recipes: config.input.nats.recipes });
    case 'bridge':
      await leadersElected(s.jsm, streams);
      if (!('mqtt' in config.input)) throw new Error('bridge role needs input.mqtt');
      return startBridge({ ...s, mqtt: config.input.mqtt });
    case 'share':
      await leadersElected(s.jsm, streams);
      if (!('mqtt' in config.input) || publisher === undefined) throw new Error('share role needs input.mqtt and output.nats');
      return startShare({ ...s, stats, publisher, mqtt: config.input.mqtt });
  }
}

/** Waits (up to 30 s) until each replicated stream has a leader: a stream just made on a cluster refuses writes until then. */
async function leadersElected(jsm: JetStreamManager, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const name of names) {
    for (;;) {
      const info = await jsm.streams.info(name).catch(() => undefined);
      if (info !== undefined && (info.cluster === undefined || info.cluster.leader !== undefined)) break;
      if (Date.now() > deadline) throw new Error(`stream ${name} has no leader after 30 s (is a majority of the NATS cluster up?)`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
