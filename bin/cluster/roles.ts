import type { NatsConnection } from '@nats-io/nats-core';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { ClusterRunConfig } from '../cli/run-config.js';
import { openCheckpoints } from '../../connectors/nats/checkpoints.js';
import { openFrozenStats } from '../../connectors/nats/frozen-kv.js';
import { openLeases } from '../../connectors/nats/leases.js';
import type { ClusterCounters } from './counters.js';
import { OutputPublisher } from './outputs.js';
import type { RunningRole } from './run-cluster.js';
import { PartitionWorker } from './worker.js';
import { startFrozenOnly } from './frozen-only.js';
import { startBridge } from './bridge.js';
import { startShare } from './share.js';

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
  const stats = await openFrozenStats(nc, { bucket: cluster.statsBucket, replicas: cluster.replicas });
  const publisher = config.output.nats ? new OutputPublisher(s.js, config.output.nats.subject, counters) : undefined;
  switch (cluster.role) {
    case 'worker': {
      if (!('nats' in config.input) || publisher === undefined) throw new Error('worker role needs input.nats and output.nats');
      const leases = await openLeases(nc, { bucket: `${cluster.stream}-leases`, worker: cluster.worker, ttlMs: cluster.leaseMs, replicas: cluster.replicas });
      const checkpoints = await openCheckpoints(nc, { bucket: `${cluster.stream}-checkpoints`, replicas: cluster.replicas });
      const ctx = { nc, js: s.js, jsm: s.jsm, cluster, worker: cluster.worker, stream: cluster.stream, prefix: cluster.prefix, inputRecipes: config.input.nats.recipes, normalize: config.normalize, leases, checkpoints, stats, publisher, counters, log: s.log };
      const worker = new PartitionWorker(ctx, leases, s.partitions);
      await worker.start();
      return { counters, describe: () => `partitions [${worker.held().join(',')}]`, stop: () => worker.stop() };
    }
    case 'frozen-only':
      if (!('nats' in config.input) || publisher === undefined) throw new Error('frozen-only role needs input.nats and output.nats');
      return startFrozenOnly({ ...s, stats, publisher, recipes: config.input.nats.recipes });
    case 'bridge':
      if (!('mqtt' in config.input)) throw new Error('bridge role needs input.mqtt');
      return startBridge({ ...s, mqtt: config.input.mqtt });
    case 'share':
      if (!('mqtt' in config.input) || publisher === undefined) throw new Error('share role needs input.mqtt and output.nats');
      return startShare({ ...s, stats, publisher, mqtt: config.input.mqtt });
  }
}
