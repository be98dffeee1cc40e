import { z } from 'zod';
import type { MqttConnectOptions, MqttSourceOptions } from '../../connectors/mqtt/index.js';
import type { FluxConnection } from '../../connectors/influx/flux.js';
import type { InfluxQLConnection, InfluxSinkOptions, SeriesSelector, TailOptions, TimeInput } from '../../connectors/influx/index.js';
import { normalizeSchema } from './config-normalize.js';
import { httpSchema } from './config-http.js';
import { driftSchema, refitSchema } from './config-lifecycle.js';
import { defined, duration, integer, optionalText, qos, section, stringList, text, time } from './schema-kit.js';

/**
 * The `run` config, as one zod schema: the only validator of the config and the source of its
 * type ({@link RunConfig}). Every section refuses unknown keys; every error names the key path
 * (see `readRunConfig`). A new section is one more entry in {@link ROOT}, with its schema beside
 * the others (a file of its own when it is more than a few lines, as `config-normalize.ts`).
 */

const connect = {
  url: text,
  clientId: z.string().optional(),
  username: optionalText,
  password: optionalText,
  clean: z.boolean().optional(),
  protocolVersion: z.literal([3, 4, 5, 'auto']).optional(),
  keepalive: integer(0).optional(),
};
type ConnectFields = { url: string; clientId?: string | undefined; username?: string | undefined; password?: string | undefined; clean?: boolean | undefined; protocolVersion?: MqttConnectOptions['protocolVersion']; keepalive?: number | undefined };

function connectOptions(c: ConnectFields, defaultClientId: string): MqttConnectOptions {
  return defined({ url: c.url, clientId: c.clientId ?? defaultClientId, username: c.username, password: c.password, clean: c.clean, protocolVersion: c.protocolVersion, keepalive: c.keepalive });
}

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

const mqttInput = section({
  ...connect,
  topics: stringList,
  codec: codec.optional(),
  timeUnit: z.enum(['auto', 's', 'ms', 'us', 'ns']).optional(),
  qos: qos.default(1),
  series: text.optional(),
  deadLetter: deadLetter.optional(),
  maxPayloadBytes: integer(1).optional(),
}).transform(({ url, clientId, username, password, clean, protocolVersion, keepalive, ...source }): MqttSourceOptions & { connect: MqttConnectOptions } =>
  defined({ connect: connectOptions({ url, clientId, username, password, clean, protocolVersion, keepalive }, 'streamnorm-in'), ...source, deadLetter: source.deadLetter && defined(source.deadLetter) }),
);

/** Where InfluxDB readings come from: InfluxQL (1.x, 3.x) or Flux (2.x, Cloud). */
export type InfluxReadConfig = ({ query: 'influxql' } & InfluxQLConnection & SeriesSelector) | ({ query: 'flux' } & FluxConnection & SeriesSelector);

const selector = {
  measurement: text,
  field: stringList,
  where: z.record(z.string(), z.union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' })).optional(),
};

/** An InfluxDB source (`query: influxql`, the default, or `flux`) plus the keys in `extra`. */
function influxRead<E extends z.core.$ZodLooseShape>(extra: E) {
  const influxql = section({ query: z.literal('influxql'), url: text, db: text, rp: optionalText, username: optionalText, password: optionalText, token: optionalText, ...selector, ...extra });
  const flux = section({ query: z.literal('flux'), url: text, org: text, bucket: text, token: optionalText, ...selector, ...extra });
  return z.preprocess((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && !('query' in v) ? { query: 'influxql', ...v } : v), z.discriminatedUnion('query', [influxql, flux]));
}

const influxInput = influxRead({ tail: section({ interval: duration.optional(), lag: duration.optional(), start: time.optional() }).optional() }).transform(
  ({ tail, ...read }): InfluxReadConfig & { tail: TailOptions } => ({ ...(defined(read) as InfluxReadConfig), tail: defined(tail ?? {}) }),
);

const fitInflux = influxRead({ start: time, stop: time.optional() }).transform((read): InfluxReadConfig & { start: TimeInput; stop?: TimeInput } => defined(read) as InfluxReadConfig & { start: TimeInput });

type RunInput = { mqtt: MqttSourceOptions & { connect: MqttConnectOptions } } | { influx: InfluxReadConfig & { tail: TailOptions } };

const input = section({ mqtt: mqttInput.optional(), influx: influxInput.optional() }).transform(({ mqtt, influx }, ctx): RunInput => {
  if (mqtt !== undefined && influx === undefined) return { mqtt };
  if (influx !== undefined && mqtt === undefined) return { influx };
  ctx.issues.push({ code: 'custom', message: 'give exactly one of input.mqtt and input.influx', input: { mqtt, influx } });
  return z.NEVER;
});

const mqttOutput = section({ ...connect, url: text.optional(), topic: text.default('normalized/{series}'), statsTopic: text.optional(), qos: qos.default(1) });

const influxOutput = section({
  url: text,
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
}).transform((o, ctx): InfluxSinkOptions => {
  if ((o.bucket === undefined) === (o.db === undefined)) {
    ctx.issues.push({ code: 'custom', message: 'give exactly one of bucket (InfluxDB 2.x /api/v2/write) and db (1.x /write)', input: o });
    return z.NEVER;
  }
  return defined(o);
});

const output = section({ mqtt: mqttOutput.optional(), influx: influxOutput.optional() }).refine((o) => o.mqtt !== undefined || o.influx !== undefined, { error: 'give output.mqtt and/or output.influx' });

const state = section({ file: text, checkpointInterval: duration.optional() }).transform((s) => ({ file: s.file, checkpointIntervalMs: s.checkpointInterval ?? 30_000 }));

/** The sections of a run config. Add a new one here (e.g. `drift: driftSchema.optional()`). */
const ROOT = {
  input,
  /** History to fit (and freeze) before live data. */
  fit: section({ influx: fitInflux }).optional(),
  normalize: normalizeSchema.optional(),
  output,
  state: state.optional(),
  /** The dashboard and /metrics. */
  http: httpSchema.optional(),
  /** Drift alarms on frozen statistics (the store's). */
  drift: driftSchema.optional(),
  /** When frozen series refit, and whether promotions wait for approval. */
  refit: refitSchema.optional(),
};

/** The run config schema: parses a config document into a {@link RunConfig}. */
export const runConfigSchema = section(ROOT).transform((c, ctx) => {
  const inMqtt = 'mqtt' in c.input ? c.input.mqtt : undefined;
  let mqtt: RunOutputs['mqtt'];
  if (c.output.mqtt !== undefined) {
    const { topic, statsTopic, qos: q, ...fields } = c.output.mqtt;
    const url = fields.url ?? inMqtt?.connect.url;
    if (url === undefined) {
      ctx.issues.push({ code: 'custom', message: 'required when the input is not MQTT', path: ['output', 'mqtt', 'url'], input: undefined });
      return z.NEVER;
    }
    mqtt = defined({ connect: connectOptions({ ...fields, url }, 'streamnorm-out'), topic, statsTopic, qos: q });
  }
  return defined({ input: c.input, fit: c.fit, normalize: c.normalize ?? {}, output: defined({ mqtt, influx: c.output.influx }), state: c.state, http: c.http, drift: c.drift, refit: c.refit });
});

interface RunOutputs {
  mqtt?: { connect: MqttConnectOptions; topic: string; statsTopic?: string; qos: 0 | 1 | 2 };
  influx?: InfluxSinkOptions;
}

/** The parsed and checked `run` config. */
export type RunConfig = z.output<typeof runConfigSchema>;
