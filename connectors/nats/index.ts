/**
 * streamnorm/nats: NATS JetStream plumbing for partitioned workers. Series ids as KV keys and
 * subject tokens, the partition function of nats-server's subject mapping, the partitioned input
 * stream and the output stream, partition leases with fencing, partition checkpoints, and the
 * frozen statistics of every series in a watchable, versioned KV bucket. Needs the NATS client
 * packages (`@nats-io/transport-node`, `@nats-io/jetstream`, `@nats-io/kv`).
 *
 * @packageDocumentation
 */
export { encodeSeriesKey, decodeSeriesKey } from './key-codec.js';
export { partitionOf, partitionMapping } from './partition.js';
export { partitionSubject, readPartitionSubject } from './subjects.js';
export { ensurePartitionedStream, ensureOutputStream } from './stream.js';
export type { PartitionedStreamOptions, PartitionedStream, OutputStreamOptions } from './stream.js';
export { FrozenStatsBucket, openFrozenStats, decodeFrozenEntry, FROZEN_KV_FORMAT } from './frozen-kv.js';
export type { FrozenEntry, FrozenWriter, FrozenStatsOptions, FrozenWriteResult } from './frozen-kv.js';
export { LeaseTable, openLeases, FencedError } from './leases.js';
export type { Lease, LeaseOptions } from './leases.js';
export { CheckpointStore, openCheckpoints, CHECKPOINT_FORMAT } from './checkpoints.js';
export type { Checkpoint } from './checkpoints.js';
export { outputSubject } from './output-subject.js';
