import { RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type StreamInfo } from '@nats-io/jetstream';
import { refuseUnknownKeys } from '../../src/options.js';

/** Options of {@link ensurePartitionedStream}. */
export interface PartitionedStreamOptions {
  /** Stream name (default `streamnorm`). */
  name?: string;
  /** Subject prefix of the partitions: `prefix.<partition>.>` (default `part`). */
  prefix?: string;
  /** Number of partitions P; fixed for the life of the stream. */
  partitions: number;
  /** Replicas of the stream (1, or 3 on a 3-node cluster; default 1). */
  replicas?: number;
  /** Keep messages at most this long, ms (default 7 days). */
  maxAgeMs?: number;
  /** Keep at most this many bytes (default unlimited). */
  maxBytes?: number;
  /** Publishes with the same message id within this window are stored once, ms (default 2 minutes). */
  duplicateWindowMs?: number;
}

const KEYS = ['name', 'prefix', 'partitions', 'replicas', 'maxAgeMs', 'maxBytes', 'duplicateWindowMs'] as const;

/** What a partitioned stream is, as {@link ensurePartitionedStream} found or made it. */
export interface PartitionedStream {
  name: string;
  prefix: string;
  partitions: number;
  info: StreamInfo;
}

const DESCRIPTION = /^streamnorm partitions=(\d+) prefix=(\S+)$/;

/**
 * Creates the partitioned input stream, or checks the one that exists. The stream keeps messages
 * by limits (age, bytes), not as a work queue, so a partition can be replayed from a checkpoint's
 * sequence + 1. Its partition count P and prefix are written in its description and are fixed:
 * a different P (or prefix) for an existing stream is refused, since every series would move to
 * another partition and lose its checkpointed state. A stream of the same name that streamnorm
 * did not make, or with work-queue or interest retention, is refused too.
 *
 * @throws Error naming the stream and the mismatch.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { jetstreamManager } from '@nats-io/jetstream';
 * import { ensurePartitionedStream } from 'streamnorm/nats';
 * const nc = await connect({ servers: natsUrl });
 * const jsm = await jetstreamManager(nc);
 * const made = await ensurePartitionedStream(jsm, { name: 'doc-in', partitions: 8 });
 * made.info.config.subjects; // => ['part.*.>']
 * let refused = '';
 * await ensurePartitionedStream(jsm, { name: 'doc-in', partitions: 16 }).catch((e: Error) => (refused = e.message));
 * refused.startsWith('stream doc-in has 8 partitions'); // => true
 * await nc.close();
 * ```
 */
export async function ensurePartitionedStream(jsm: JetStreamManager, options: PartitionedStreamOptions): Promise<PartitionedStream> {
  refuseUnknownKeys(options, KEYS, 'ensurePartitionedStream');
  const name = options.name ?? 'streamnorm';
  const prefix = options.prefix ?? 'part';
  const { partitions } = options;
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be an integer >= 1, got ${String(partitions)}`);
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) throw new Error(`partition prefix ${JSON.stringify(prefix)} must be subject tokens of [A-Za-z0-9_-]`);
  const existing = await jsm.streams.info(name).catch((e: Error) => {
    if (/stream not found/i.test(e.message)) return undefined;
    throw e;
  });
  if (existing !== undefined) {
    const m = DESCRIPTION.exec(existing.config.description ?? '');
    if (m === null) throw new Error(`stream ${name} exists and was not made by streamnorm (its description is ${JSON.stringify(existing.config.description ?? '')}); give another stream name`);
    if (Number(m[1]) !== partitions) {
      throw new Error(`stream ${name} has ${m[1]} partitions; the config asks for ${partitions}. P is fixed per stream (each series' partition would change and its checkpointed state be lost): keep partitions: ${m[1]}, or use a new stream`);
    }
    if (m[2] !== prefix) throw new Error(`stream ${name} partitions subjects under ${JSON.stringify(m[2])}; the config asks for ${JSON.stringify(prefix)}`);
    if (existing.config.retention !== RetentionPolicy.Limits) throw new Error(`stream ${name} has ${existing.config.retention} retention; a partitioned stream needs limits retention to replay from a checkpoint`);
    return { name, prefix, partitions, info: existing };
  }
  const config: Partial<StreamConfig> & { name: string } = {
    name,
    subjects: [`${prefix}.*.>`],
    description: `streamnorm partitions=${partitions} prefix=${prefix}`,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: options.replicas ?? 1,
    max_age: msToNanos(options.maxAgeMs ?? 7 * 24 * 3_600_000),
    duplicate_window: msToNanos(options.duplicateWindowMs ?? 120_000),
  };
  if (options.maxBytes !== undefined) config.max_bytes = options.maxBytes;
  const info = await addOrLost(jsm, config);
  // Another process created it between our look and our add (workers started together): take
  // theirs through the checks above, once.
  return info === undefined ? ensurePartitionedStream(jsm, options) : { name, prefix, partitions, info };
}

/**
 * Adds a stream; undefined when the add failed because another process created a stream of that
 * name meanwhile (nats-server 2.9 may answer such a race with "subjects overlap with an existing
 * stream" rather than with the stream), so that the caller takes the one that exists.
 */
async function addOrLost(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.add(config);
  } catch (e) {
    const now = await jsm.streams.info(config.name).catch(() => undefined);
    if (now !== undefined) return undefined;
    throw e;
  }
}

/** Options of {@link ensureOutputStream}. */
export interface OutputStreamOptions {
  /** Stream name. */
  name: string;
  /** Subjects it stores (e.g. `normalized.>`). */
  subjects: string[];
  /** Replicas (default 1). */
  replicas?: number;
  /** Keep messages at most this long, ms (default 7 days). */
  maxAgeMs?: number;
  /** Outputs published again with the same message id within this window are stored once, ms (default 2 minutes). */
  duplicateWindowMs?: number;
}

/**
 * Creates the stream that stores normalized outputs, or takes the one that exists (its duplicate
 * window is what turns outputs replayed after a take-over into counted duplicates, so a shorter
 * window than asked is refused).
 *
 * @throws Error when the existing stream's duplicate window is shorter than asked.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { jetstreamManager } from '@nats-io/jetstream';
 * import { ensureOutputStream } from 'streamnorm/nats';
 * const nc = await connect({ servers: natsUrl });
 * const info = await ensureOutputStream(await jetstreamManager(nc), { name: 'doc-out', subjects: ['doc-normalized.>'] });
 * info.config.duplicate_window; // => 120000000000
 * await nc.close();
 * ```
 */
export async function ensureOutputStream(jsm: JetStreamManager, options: OutputStreamOptions): Promise<StreamInfo> {
  refuseUnknownKeys(options, ['name', 'subjects', 'replicas', 'maxAgeMs', 'duplicateWindowMs'], 'ensureOutputStream');
  const window = msToNanos(options.duplicateWindowMs ?? 120_000);
  const existing = await jsm.streams.info(options.name).catch(() => undefined);
  if (existing !== undefined) {
    if (existing.config.duplicate_window < window) {
      throw new Error(`output stream ${options.name} keeps message ids for ${existing.config.duplicate_window / 1e6} ms; ${window / 1e6} ms are needed so that outputs replayed after a take-over are recognised as duplicates`);
    }
    return existing;
  }
  const added = await addOrLost(jsm, {
    name: options.name,
    subjects: options.subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: options.replicas ?? 1,
    max_age: msToNanos(options.maxAgeMs ?? 7 * 24 * 3_600_000),
    duplicate_window: window,
  });
  return added ?? ensureOutputStream(jsm, options);
}

/** Milliseconds as the nanoseconds JetStream's API takes. */
export function msToNanos(ms: number): number {
  return Math.round(ms * 1e6);
}
