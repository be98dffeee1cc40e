import { z } from 'zod';
import { compileTopicPattern, fillTemplate, type MqttConnectOptions, type MqttSourceOptions } from '../../connectors/mqtt/index.js';
import type { NormalizeOptions } from '../../operators/index.js';
import type { HttpConfig } from '../http/cli.js';
import type { FluxConnection } from '../../connectors/influx/flux.js';
import { defaultSeriesId, type InfluxQLConnection, type InfluxSinkOptions, type SeriesKey, type SeriesSelector, type TailOptions, type TimeInput } from '../../connectors/influx/index.js';
import { normalizeSchema } from './config-normalize.js';
import { httpSchema } from './config-http.js';
import { driftSchema, refitSchema } from './config-lifecycle.js';
import { perSampleSchema, runMethod, type RunMethod } from './config-method.js';
import { connectFields, connectOptions, httpUrl } from './config-connect.js';
import { deliverySchema, outputChecks, type DeliveryConfig } from './config-delivery.js';
import { clusterProblems, clusterSchema, natsInput, natsOutput, type ClusterConfig, type NatsInputConfig, type NatsOutputConfig } from './config-cluster.js';
import { defined, duration, integer, optionalText, qos, section, stringList, text, time } from './schema-kit.js';

/**
 * The `run` config, as one zod schema: the only validator of the config and the source of its
 * type ({@link RunConfig}). Every section refuses unknown keys; every error names the key path
 * (see `readRunConfig`). A new section is one more entry in {@link ROOT}, with its schema beside
 * the others (a file of its own when it is more than a few lines, as `config-normalize.ts`).
 */

/** How MQTT payloads are read: `number`, `senml`, or `{ kind: json, value | fields, time, unit }`. */
const codec = z.union(
  [
    z.enum(['number', 'senml']),
    z.discriminatedUnion('kind', [
      section({ kind: z.literal('number') }),
      section({ kind: z.literal('senml') }),
      section({
        kind: z.literal('json'),
        value: z.string().optional(),
        fields: z.union([z.literal('*'), z.array(z.string()).min(1), z.record(z.string(), z.string())], { error: 'expected "*", a list of paths or a mapping name: path' }).optional(),
        time: z.string().optional(),
        unit: z.string().optional(),
      }),
    ]),
  ],
  { error: (iss) => (typeof iss.input === 'object' && iss.input !== null ? undefined : 'expected one of number, senml, or an object with kind number, senml or json') },
);

const deadLetter = section({ topic: text.optional(), qos: qos.optional(), format: z.enum(['auto', 'raw', 'envelope']).optional() });

/** Topic patterns, each compiled here so a malformed one is refused at --check. */
const topicPatterns = stringList.check((ctx) => {
  ctx.value.forEach((pattern, i) => {
    try {
      compileTopicPattern(pattern);
    } catch (e) {
      ctx.issues.push({ code: 'custom', message: (e as Error).message, path: ctx.value.length > 1 ? [i] : [], input: undefined });
    }
  });
});

const mqttInput = section({
  ...connectFields,
  topics: topicPatterns,
  codec: codec.optional(),
  timeUnit: z.enum(['auto', 's', 'ms', 'us', 'ns']).optional(),
  qos: qos.default(1),
  series: text.optional(),
  deadLetter: deadLetter.optional(),
  maxPayloadBytes: integer(1).optional(),
}).transform(({ url, clientId, username, password, clean, protocolVersion, keepalive, tls, ...source }): MqttSourceOptions & { connect: MqttConnectOptions } =>
  defined({ connect: connectOptions({ url, clientId, username, password, clean, protocolVersion, keepalive, tls }, 'streamnorm-in'), ...source, deadLetter: source.deadLetter && defined(source.deadLetter) }),
);

/** Where InfluxDB readings come from: InfluxQL (1.x, 3.x) or Flux (2.x, Cloud). */
export type InfluxReadConfig = ({ query: 'influxql' } & InfluxQLConnection & SeriesSelector) | ({ query: 'flux' } & FluxConnection & SeriesSelector);

const selector = {
  measurement: text,
  field: stringList,
  where: z.record(z.string(), z.union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' })).optional(),
};

/**
 * `series: "{site}/{device}/{field}"`: the series id of a stored series from its tags, `field` and
 * `measurement`, so history fitted from InfluxDB names series as the live MQTT input does. A row
 * without one of the template's tags keeps the default id (`measurement,tags/field`).
 */
const seriesTemplate = text.transform((template): ((key: SeriesKey) => string) => (key) => {
  const id = fillTemplate(template, { ...key.tags, field: key.field, measurement: key.measurement });
  return typeof id === 'string' ? id : defaultSeriesId(key);
});

/** An InfluxDB source (`query: influxql`, the default, or `flux`) plus the keys in `extra`. */
function influxRead<E extends z.core.$ZodLooseShape>(extra: E) {
  const common = { ...selector, series: seriesTemplate.optional(), ...extra };
  const influxql = section({ query: z.literal('influxql'), url: httpUrl, db: text, rp: optionalText, username: optionalText, password: optionalText, token: optionalText, ...common });
  const flux = section({ query: z.literal('flux'), url: httpUrl, org: text, bucket: text, token: optionalText, ...common });
  return z.preprocess((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && !('query' in v) ? { query: 'influxql', ...v } : v), z.discriminatedUnion('query', [influxql, flux]));
}

/** The connector options of a parsed InfluxDB source (`series` as the selector's `seriesId`). */
function readOptions({ series, ...read }: { series?: ((key: SeriesKey) => string) | undefined }): unknown {
  return defined({ ...read, seriesId: series });
}

const influxInput = influxRead({ tail: section({ interval: duration.optional(), lag: duration.optional(), start: time.optional() }).optional() }).transform(
  ({ tail, ...read }): InfluxReadConfig & { tail: TailOptions } => ({ ...(readOptions(read) as InfluxReadConfig), tail: defined(tail ?? {}) }),
);

const fitInflux = influxRead({ start: time, stop: time.optional() }).transform((read): InfluxReadConfig & { start: TimeInput; stop?: TimeInput } => readOptions(read) as InfluxReadConfig & { start: TimeInput });

type RunInput = { mqtt: MqttSourceOptions & { connect: MqttConnectOptions } } | { influx: InfluxReadConfig & { tail: TailOptions } };

const input = section({ mqtt: mqttInput.optional(), influx: influxInput.optional(), nats: natsInput(codec).optional() }).transform(({ mqtt, influx, nats }, ctx): RunInput | { nats: NatsInputConfig } => {
  const given = [mqtt, influx, nats].filter((v) => v !== undefined).length;
  if (given === 1) return mqtt !== undefined ? { mqtt } : influx !== undefined ? { influx } : { nats: nats as NatsInputConfig };
  ctx.issues.push({ code: 'custom', message: `give exactly one of input.mqtt and input.influx${nats === undefined ? '' : ' (or input.nats with cluster)'}`, input: { mqtt, influx } });
  return z.NEVER;
});

const mqttOutput = section({
  ...connectFields,
  url: connectFields.url.optional(),
  topic: text.default('normalized/{series}'),
  statsTopic: text.optional(),
  qos: qos.default(1),
  /** QoS 1/2 publishes waiting for the broker's acknowledgement at most (the rest wait in order). */
  maxInflight: integer(1).max(65_000, { error: 'expected an integer <= 65000 (mqtt.js has 65 535 packet ids)' }).default(1000),
});

const retry = section({ maxRetries: integer(0).optional(), maxRetryTime: duration.optional(), initialDelay: duration.optional(), maxDelay: duration.optional() }).transform((r) =>
  defined({ maxRetries: r.maxRetries, maxRetryTime: r.maxRetryTime, initialMs: r.initialDelay, maxMs: r.maxDelay }),
);

const influxOutput = section({
  url: httpUrl,
  token: optionalText,
  org: optionalText,
  bucket: optionalText,
  db: optionalText,
  rp: optionalText,
  measurement: optionalText,
  field: optionalText,
  raw: z.boolean().optional(),
  phaseTag: z.boolean().optional(),
  versionTag: z.boolean().optional(),
  flagTag: z.boolean().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  precision: z.enum(['ns', 'us', 'ms', 's']).optional(),
  spill: optionalText,
  batchSize: integer(1).optional(),
  flushInterval: duration.optional(),
  invalid: z.enum(['drop', 'raw-only']).optional(),
  retry: retry.optional(),
}).transform((o, ctx): InfluxSinkOptions => {
  if ((o.bucket === undefined) === (o.db === undefined)) {
    ctx.issues.push({ code: 'custom', message: 'give exactly one of bucket (InfluxDB 2.x /api/v2/write) and db (1.x /write)', input: o });
    return z.NEVER;
  }
  return defined(o);
});

const output = section({ mqtt: mqttOutput.optional(), influx: influxOutput.optional(), nats: natsOutput.optional() }).refine((o) => o.mqtt !== undefined || o.influx !== undefined || o.nats !== undefined, {
  error: 'give output.mqtt and/or output.influx',
});

const state = section({
  file: text,
  checkpointInterval: duration.refine((ms) => ms >= 100, { error: 'expected a duration of at least 100ms (state is also checkpointed at every freeze and before learned readings are acknowledged)' }).optional(),
}).transform((s) => ({ file: s.file, checkpointIntervalMs: s.checkpointInterval ?? 30_000 }));

/** The sections of a run config. Add a new one here (e.g. `drift: driftSchema.optional()`). */
const ROOT = {
  input,
  /** History to fit (and freeze) before live data. */
  fit: section({ influx: fitInflux }).optional(),
  normalize: normalizeSchema.optional(),
  output: output.optional(),
  state: state.optional(),
  /** The dashboard and /metrics. */
  http: httpSchema.optional(),
  /** Drift alarms on frozen statistics (the store's). */
  drift: driftSchema.optional(),
  /** When frozen series refit, and whether promotions wait for approval. */
  refit: refitSchema.optional(),
  /** End-to-end delivery: the bound on unacknowledged messages, the shutdown drain, checkpoint batching. */
  delivery: deliverySchema.optional(),
  /** A worker group on NATS JetStream (config-cluster.ts). */
  cluster: clusterSchema.optional(),
  /** LayerNorm or RMSNorm across the fields of one message, after normalize. */
  perSample: perSampleSchema.optional(),
};

/** The run config schema: parses a config document into a {@link RunConfig}. */
export const runConfigSchema = section(ROOT).transform((c, ctx): RunConfig | ClusterRunConfig => {
  if (c.cluster !== undefined) {
    const { method: kind, ewm: _ewm, batchNorm: _batchNorm, ...normalize } = c.normalize ?? {};
    if ((kind !== undefined && kind !== 'fit') || _ewm !== undefined || _batchNorm !== undefined) ctx.issues.push({ code: 'custom', message: 'not with cluster yet: workers fit and freeze (method fit)', path: ['normalize', 'method'], input: undefined });
    if (c.perSample !== undefined) ctx.issues.push({ code: 'custom', message: 'not with cluster yet: a single-process run only', path: ['perSample'], input: undefined });
    return clusterConfig({ ...c, normalize, cluster: c.cluster }, ctx);
  }
  if (c.output === undefined) {
    ctx.issues.push({ code: 'custom', message: 'required', path: ['output'], input: undefined });
    return z.NEVER;
  }
  if ('nats' in c.input || c.output.nats !== undefined) {
    ctx.issues.push({ code: 'custom', message: 'input.nats and output.nats are for cluster workers: add a cluster section', path: ['nats' in c.input ? 'input' : 'output', 'nats'], input: undefined });
    return z.NEVER;
  }
  const inMqtt = 'mqtt' in c.input ? c.input.mqtt : undefined;
  let mqtt: RunOutputs['mqtt'];
  if (c.output.mqtt !== undefined) {
    const { topic, statsTopic, qos: q, maxInflight, ...fields } = c.output.mqtt;
    if (fields.url === undefined && inMqtt === undefined) {
      ctx.issues.push({ code: 'custom', message: 'required when the input is not MQTT', path: ['output', 'mqtt', 'url'], input: undefined });
      return z.NEVER;
    }
    // Without a url of its own, the output goes to the input's broker, with its credentials and TLS.
    const shared = inMqtt?.connect;
    const connect =
      fields.url !== undefined || shared === undefined
        ? connectOptions({ ...fields, url: fields.url as string }, 'streamnorm-out')
        : { ...connectOptions({ ...fields, url: shared.url, username: fields.username ?? shared.username, password: fields.password ?? shared.password }, 'streamnorm-out'), ...(fields.tls === undefined && shared.mqtt ? { mqtt: shared.mqtt } : {}) };
    mqtt = defined({ connect: { ...connect, clean: fields.clean ?? true }, topic, statsTopic, qos: q, maxInflight });
  }
  const delivery = c.delivery ?? deliverySchema.parse({});
  const { method: _method, ewm: _ewm, batchNorm: _batchNorm, ...normalize } = c.normalize ?? {};
  const { method, issues } = runMethod(c.normalize ?? {});
  for (const issue of [...issues, ...methodChecks(method, c)]) ctx.issues.push({ code: 'custom', ...issue, input: undefined });
  const config: RunConfig = defined({ input: c.input as RunInput, fit: c.fit, normalize, method, perSample: c.perSample, output: defined({ mqtt, influx: c.output.influx }), state: c.state, http: c.http, delivery, drift: c.drift, refit: c.refit });
  for (const issue of outputChecks(config)) ctx.issues.push({ code: 'custom', ...issue, input: undefined });
  return config;
});

/** Sections that a method other than fit does not read, and a perSample stage that could not see a message's outputs together. */
function methodChecks(method: RunMethod, c: { fit?: unknown; refit?: unknown; perSample?: unknown; normalize?: { whileFitting?: string } }): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const kind = method.kind;
  // A row is the outputs of one message: an output made later (a held window, a batch that closes
  // with another message's reading) could never join its row.
  const later = c.normalize?.whileFitting === 'hold' ? 'whileFitting: hold' : method.kind === 'batchNorm' && method.batchNorm.initialMode !== 'eval' ? 'batchNorm in train mode' : undefined;
  if (c.perSample !== undefined && later !== undefined) issues.push({ path: ['perSample'], message: `needs every output of a message while the message is handled, which ${later} does not give` });
  if (kind !== 'fit') {
    if (c.fit !== undefined) issues.push({ path: ['fit'], message: `fits a training window: method fit only (method is ${kind})` });
    if (c.refit !== undefined) issues.push({ path: ['refit'], message: `refits frozen statistics: method fit only (method is ${kind})` });
  }
  return issues;
}

interface RunOutputs {
  mqtt?: { connect: MqttConnectOptions; topic: string; statsTopic?: string; qos: 0 | 1 | 2; maxInflight: number };
  influx?: InfluxSinkOptions;
}

/** The parsed and checked `run` config of a single process. */
export interface RunConfig {
  cluster?: undefined;
  input: RunInput;
  fit?: { influx: InfluxReadConfig & { start: TimeInput; stop?: TimeInput } };
  normalize: NormalizeOptions;
  output: RunOutputs;
  state?: { file: string; checkpointIntervalMs: number };
  http?: HttpConfig;
  delivery: DeliveryConfig;
  drift?: z.output<typeof driftSchema>;
  refit?: z.output<typeof refitSchema>;
  /** How each series is normalized: fit and freeze (the default), EWM, BatchNorm, or none. */
  method: RunMethod;
  /** LayerNorm or RMSNorm across the fields of one message, after the method. */
  perSample?: z.output<typeof perSampleSchema>;
}

/** The parsed and checked `run` config of a cluster member (`cluster:` given). */
export interface ClusterRunConfig {
  cluster: ClusterConfig;
  input: { nats: NatsInputConfig } | { mqtt: MqttSourceOptions & { connect: MqttConnectOptions } };
  fit?: undefined;
  normalize: NormalizeOptions;
  output: { nats?: NatsOutputConfig; mqtt?: undefined; influx?: undefined };
  state?: undefined;
  http?: HttpConfig;
  delivery?: undefined;
  /** Drift alarms of the worker's partition stores (the store's `drift`, `keepVersions`). */
  drift?: z.output<typeof driftSchema>;
  /** When frozen series refit; promotions are written to the statistics bucket with compare-and-set. */
  refit?: z.output<typeof refitSchema>;
}

/** A cluster member's config, checked for what its role needs. */
function clusterConfig(
  c: { cluster: ClusterConfig; input: RunInput | { nats: NatsInputConfig }; fit?: unknown; normalize?: NormalizeOptions; output?: { mqtt?: unknown; influx?: unknown; nats?: NatsOutputConfig }; state?: unknown; http?: HttpConfig; drift?: unknown; refit?: unknown; delivery?: unknown },
  ctx: z.core.$RefinementCtx,
): ClusterRunConfig {
  const normalize = c.normalize ?? {};
  const output = c.output ?? {};
  const problems = clusterProblems({ cluster: c.cluster, input: c.input, output, normalize, delivery: c.delivery, drift: c.drift, refit: c.refit as ClusterRunConfig['refit'] });
  if ('influx' in c.input) problems.push({ path: ['input', 'influx'], message: 'not with cluster: give input.nats (workers) or input.mqtt (bridge, share)' });
  if (c.fit !== undefined) problems.push({ path: ['fit'], message: 'not with cluster: workers fit on the stream; replay it from the start instead' });
  if (c.state !== undefined) problems.push({ path: ['state'], message: 'not with cluster: partitions are checkpointed to NATS KV' });
  for (const p of problems) ctx.issues.push({ code: 'custom', message: p.message, path: p.path, input: undefined });
  if (problems.length > 0) return z.NEVER;
  return defined({ cluster: c.cluster, input: c.input as ClusterRunConfig['input'], normalize, output: defined({ nats: output.nats }), http: c.http, drift: c.drift as ClusterRunConfig['drift'], refit: c.refit as ClusterRunConfig['refit'] });
}
