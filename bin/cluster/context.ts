import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { ReadingRecipe } from '../../connectors/mqtt/index.js';
import type { CheckpointStore } from '../../connectors/nats/checkpoints.js';
import type { FrozenStatsBucket } from '../../connectors/nats/frozen-kv.js';
import type { LeaseTable } from '../../connectors/nats/leases.js';
import type { NormalizeOptions, SeriesStoreOptions } from '../../operators/index.js';
import type { ClusterConfig } from '../cli/config-cluster.js';
import type { ClusterCounters } from './counters.js';
import type { OutputPublisher } from './outputs.js';

/** What the partition runners of one worker share. */
export interface WorkerContext {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  cluster: ClusterConfig;
  worker: string;
  stream: string;
  prefix: string;
  inputRecipes: readonly ReadingRecipe[];
  /** normalize's options (the refit policy included) for each partition's pipeline. */
  normalize: NormalizeOptions;
  /** Each partition store's options (drift, versions kept, eviction). */
  store: SeriesStoreOptions;
  leases: LeaseTable;
  checkpoints: CheckpointStore;
  stats: FrozenStatsBucket;
  publisher: OutputPublisher;
  counters: ClusterCounters;
  log: (line: string) => void;
}
