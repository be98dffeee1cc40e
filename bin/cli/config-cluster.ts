import { hostname } from 'node:os';
import { z } from 'zod';
import { checkCodec, compileTopicPattern, type CodecSpec, type ReadingRecipe, type TimeUnit } from '../../connectors/mqtt/index.js';
import { tlsSchema } from './config-connect.js';
import { defined, duration, integer, optionalText, section, stringList, text } from './schema-kit.js';

/**
 * The run config's `cluster:` section and its `input.nats` / `output.nats` kinds: a worker group
 * on NATS JetStream (see docs/scale-out.md).
 *
 * ```yaml
 * cluster:
 *   servers: [nats://10.0.0.1:4222, nats://10.0.0.2:4222]
 *   role: worker              # worker | frozen-only | bridge | share
 *   partitions: 64            # P, fixed per stream (another P for an existing stream is refused)
 *   stream: streamnorm        # the partitioned input stream (subjects part.<p>.<topic levels>)
 *   replicas: 3
 *   lease: 10s                # a dead worker's partitions are taken over after this
 *   checkpointInterval: 30s
 *   maxUnacked: 1000          # per partition: the consumer's max_ack_pending
 *   user: streamnorm          # with password; or token; or credsFile (a .creds file: JWT and NKey seed)
 *   password: ${NATS_PASSWORD}
 *   tls: { ca: ./ca.pem, cert: ./client.pem, key: ./client.key }   # as input.mqtt.tls
 *   approveSubject: streamnorm.approve   # with refit.approval: a message here approves (all, or a JSON list of series ids)
 * input:
 *   nats: { topics: sensors/+site/+device, codec: number }   # how the subjects' topic levels read
 * output:
 *   nats: { subject: 'normalized.{series}', stream: streamnorm-out }
 * ```
 */

/** The roles of a cluster member. */
export type ClusterRole = 'worker' | 'frozen-only' | 'bridge' | 'share';

/** The parsed `cluster:` section. */
export interface ClusterConfig {
  servers: string[];
  role: ClusterRole;
  worker: string;
  stream: string;
  prefix: string;
  partitions?: number;
  replicas: number;
  maxAgeMs: number;
  maxBytes?: number;
  leaseMs: number;
  checkpointIntervalMs: number;
  maxUnacked: number;
  ackWaitMs: number;
  duplicateWindowMs: number;
  /** KV bucket of every series' frozen statistics. */
  statsBucket: string;
  /** `share` role: a NATS subject whose messages freeze (all fitting series, or the ids a message names). */
  freezeSubject?: string;
  /** `worker` role with `refit.approval`: a NATS subject whose messages approve waiting promotions (default `<stream>.approve`). */
  approveSubject?: string;
  /** `share` role: the time to wait for every member's partial fit, ms. */
  mergeTimeoutMs: number;
  /** Credentials: user and password, a token, or a .creds file's content (at most one kind). */
  user?: string;
  password?: string;
  token?: string;
  creds?: Uint8Array;
  /** TLS: the CA, client certificate and key (PEM, read at start), as `input.mqtt.tls`. */
  tls?: NatsTls;
}

/** The parsed `cluster.tls`. */
export type NatsTls = z.output<typeof tlsSchema>;

/** A .creds file (the same file reader as the TLS files: a missing one is named at --check). */
const credsFile = tlsSchema.shape.ca.unwrap().refine((b) => b.includes('NATS USER JWT'), { error: 'expected a NATS credentials file (.creds, with -----BEGIN NATS USER JWT-----)' });

/** One line per mix of credentials that cannot be meant, with the key it is about. */
function credentialProblems(c: { user?: string | undefined; password?: string | undefined; token?: string | undefined; creds?: Uint8Array | undefined }): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (c.user !== undefined && c.password === undefined) out.push({ path: 'user', message: 'give password with user (or a token instead)' });
  if (c.password !== undefined && c.user === undefined) out.push({ path: 'password', message: 'give user with password' });
  if (c.token !== undefined && (c.user !== undefined || c.password !== undefined)) out.push({ path: 'token', message: 'give token or user and password, not both' });
  if (c.creds !== undefined && (c.user !== undefined || c.password !== undefined || c.token !== undefined)) out.push({ path: 'credsFile', message: 'give credsFile alone (it holds the identity), not with user, password or token' });
  return out;
}

export const clusterSchema = section({
  servers: stringList,
  role: z.enum(['worker', 'frozen-only', 'bridge', 'share']).default('worker'),
  worker: text.optional(),
  stream: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'expected a stream name of [A-Za-z0-9_-]' }).default('streamnorm'),
  prefix: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'expected one subject token of [A-Za-z0-9_-]' }).default('part'),
  partitions: integer(1).optional(),
  replicas: z.literal([1, 3, 5]).default(1),
  maxAge: duration.default(7 * 24 * 3_600_000),
  maxBytes: integer(1).optional(),
  lease: duration.default(10_000),
  checkpointInterval: duration.default(30_000),
  maxUnacked: integer(1).default(1000),
  ackWait: duration.default(30_000),
  duplicateWindow: duration.default(120_000),
  statsBucket: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'expected a bucket name of [A-Za-z0-9_-]' }).default('streamnorm-stats'),
  freezeSubject: text.optional(),
  approveSubject: text.optional(),
  mergeTimeout: duration.default(30_000),
  user: optionalText,
  password: optionalText,
  token: optionalText,
  credsFile: credsFile.optional(),
  tls: tlsSchema.optional(),
}).transform((c, ctx): ClusterConfig => {
  for (const p of credentialProblems({ ...c, creds: c.credsFile })) ctx.issues.push({ code: 'custom', message: p.message, path: [p.path], input: undefined });
  if (c.lease < 1000) ctx.issues.push({ code: 'custom', message: 'expected at least 1s (renewals go every third of it)', path: ['lease'], input: c.lease });
  if (c.ackWait < 3000) ctx.issues.push({ code: 'custom', message: 'expected at least 3s', path: ['ackWait'], input: c.ackWait });
  if (c.duplicateWindow <= c.checkpointInterval + c.lease) {
    const message = `must be longer than checkpointInterval + lease (${c.checkpointInterval + c.lease} ms): outputs replayed after a take-over are recognised as duplicates only within it`;
    ctx.issues.push({ code: 'custom', message, path: ['duplicateWindow'], input: c.duplicateWindow });
  }
  const { lease, checkpointInterval, ackWait, duplicateWindow, maxAge, mergeTimeout, worker, credsFile: creds, ...rest } = c;
  return defined({
    ...rest,
    creds,
    worker: worker ?? `${hostname()}-${process.pid}`,
    leaseMs: lease,
    checkpointIntervalMs: checkpointInterval,
    ackWaitMs: ackWait,
    duplicateWindowMs: duplicateWindow,
    maxAgeMs: maxAge,
    mergeTimeoutMs: mergeTimeout,
  });
});

/** The `input.nats` section: how a partitioned message's topic levels and payload become readings. */
export interface NatsInputConfig {
  recipes: ReadingRecipe[];
}

export const natsInput = (codec: z.ZodType<unknown>) =>
  section({ topics: stringList, codec: codec.optional(), timeUnit: z.enum(['auto', 's', 'ms', 'us', 'ns']).optional(), series: text.optional(), maxPayloadBytes: integer(1).optional() }).transform(
    (n, ctx): NatsInputConfig => {
      const codecSpec = (n.codec ?? 'number') as CodecSpec;
      try {
        checkCodec(codecSpec);
        const timeUnit = (n.timeUnit ?? 'auto') as TimeUnit;
        return { recipes: n.topics.map((t): ReadingRecipe => defined({ pattern: compileTopicPattern(t), codec: codecSpec, timeUnit, maxPayloadBytes: n.maxPayloadBytes ?? 256 * 1024, series: n.series })) };
      } catch (e) {
        ctx.issues.push({ code: 'custom', message: (e as Error).message, input: n });
        return z.NEVER;
      }
    },
  );

/** The `output.nats` section. */
export interface NatsOutputConfig {
  /** Subject template: `{series}` and tags, each value one token (default `normalized.{series}`). */
  subject: string;
  /** The JetStream stream that stores the outputs (created when missing). */
  stream: string;
}

export const natsOutput = section({
  subject: text.default('normalized.{series}'),
  stream: z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'expected a stream name of [A-Za-z0-9_-]' }).default('streamnorm-out'),
});

/** What each role needs, checked once the whole config is read: one message per problem, with its path. */
export function clusterProblems(c: { cluster: ClusterConfig; input: object; output: object; normalize: { whileFitting?: string; invalid?: string; freeze?: unknown; idleEvictMs?: number }; delivery?: unknown; drift?: unknown; refit?: { approve: boolean } }): { path: string[]; message: string }[] {
  const out: { path: string[]; message: string }[] = [];
  const { role } = c.cluster;
  const has = (o: object, k: string): boolean => k in o && (o as Record<string, unknown>)[k] !== undefined;
  if ((role === 'worker' || role === 'frozen-only') && !has(c.input, 'nats')) out.push({ path: ['input', 'nats'], message: `required for the ${role} role (how the stream's messages read)` });
  if ((role === 'bridge' || role === 'share') && !has(c.input, 'mqtt')) out.push({ path: ['input', 'mqtt'], message: `required for the ${role} role` });
  if (role !== 'bridge' && !has(c.output, 'nats')) out.push({ path: ['output', 'nats'], message: `required for the ${role} role: outputs are acknowledged by JetStream before their input is` });
  for (const k of ['mqtt', 'influx']) if (has(c.output, k)) out.push({ path: ['output', k], message: 'not with cluster: outputs go to output.nats (acknowledged by JetStream, duplicates recognised by message id)' });
  if ((role === 'worker' || role === 'bridge') && c.cluster.partitions === undefined) out.push({ path: ['cluster', 'partitions'], message: `required for the ${role} role` });
  if (c.normalize.whileFitting === 'hold') out.push({ path: ['normalize', 'whileFitting'], message: 'hold is not for cluster workers: held readings are not in checkpoints, so they could not be acknowledged safely' });
  if (c.normalize.invalid === 'error') out.push({ path: ['normalize', 'invalid'], message: 'error is not for cluster workers: one bad reading would stop a partition for good; use flag or drop' });
  if (c.delivery !== undefined) out.push({ path: ['delivery'], message: 'not with cluster: a worker acknowledges each message once its outputs are stored by JetStream; its bounds are cluster.maxUnacked (per partition), cluster.ackWait and cluster.checkpointInterval' });
  for (const key of ['drift', 'refit'] as const) {
    if (c[key] !== undefined && role !== 'worker') out.push({ path: [key], message: `for the worker role only (this member's role is ${role}): drift and refits need every reading of a series, which only its partition's worker sees` });
  }
  if (c.cluster.approveSubject !== undefined && c.refit?.approve !== true) out.push({ path: ['cluster', 'approveSubject'], message: 'only with refit.approval: true (its messages approve waiting promotions)' });
  if (role !== 'worker' && c.normalize.idleEvictMs !== undefined) out.push({ path: ['normalize', 'idleEvict'], message: `for the worker role only: a ${role} member would forget statistics it cannot learn again` });
  if (role === 'share') {
    const points = c.normalize.freeze === undefined ? [{ afterSamples: 100 }] : Array.isArray(c.normalize.freeze) ? c.normalize.freeze : [c.normalize.freeze];
    for (const p of points as object[]) {
      if (typeof p === 'object' && 'afterSamples' in p) out.push({ path: ['normalize', 'freeze'], message: 'afterSamples is refused with role share: readings of a series are split across workers, so "the N-th sample" has no global order; use atTime or cluster.freezeSubject' });
      if (typeof p === 'object' && 'afterSpanMs' in p) out.push({ path: ['normalize', 'freeze'], message: 'afterSpan is refused with role share: each worker sees another first reading; use atTime or cluster.freezeSubject' });
    }
  }
  return out;
}
