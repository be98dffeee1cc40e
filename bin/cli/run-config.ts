import type { NormalizeOptions } from '../../operators/index.js';
import type { MqttConnectOptions, MqttSourceOptions } from '../../connectors/mqtt/index.js';
import type { FluxConnection } from '../../connectors/influx/flux.js';
import type { InfluxQLConnection, InfluxSinkOptions, SeriesSelector, TailOptions, TimeInput } from '../../connectors/influx/index.js';
import { CliError } from './args.js';
import { ConfigReader } from './config-check.js';
import { readNormalizeConfig } from './normalize-config.js';
import { readHttpConfig, type HttpConfig } from '../http/cli.js';

/** Where InfluxDB readings come from: InfluxQL (1.x, 3.x) or Flux (2.x, Cloud). */
export type InfluxReadConfig =
  | ({ query: 'influxql' } & InfluxQLConnection & SeriesSelector)
  | ({ query: 'flux' } & FluxConnection & SeriesSelector);

/** The parsed and checked `run` config. */
export interface RunConfig {
  input: { mqtt: MqttSourceOptions & { connect: MqttConnectOptions } } | { influx: InfluxReadConfig & { tail: TailOptions } };
  /** History to fit (and freeze) before live data. */
  fit?: { influx: InfluxReadConfig & { start: TimeInput; stop?: TimeInput } };
  normalize: NormalizeOptions;
  output: {
    mqtt?: { connect: MqttConnectOptions; topic: string; statsTopic?: string; qos: 0 | 1 | 2 };
    influx?: InfluxSinkOptions;
  };
  state?: { file: string; checkpointIntervalMs: number };
  /** The dashboard and /metrics (`http: { listen: HOST:PORT, allowedHosts, token }`). */
  http?: HttpConfig;
}

/**
 * Checks a parsed config document and turns it into a {@link RunConfig}. Every error names the key
 * path and what was expected; unknown keys are refused.
 */
export function readRunConfig(doc: Record<string, unknown>): RunConfig {
  const root = new ConfigReader(doc, 'config').only(['input', 'fit', 'normalize', 'output', 'state', 'http']);
  const input = root.object('input');
  if (!input) throw new CliError('config.input: required (input.mqtt or input.influx)');
  input.only(['mqtt', 'influx']);
  const inMqtt = input.object('mqtt');
  const inInflux = input.object('influx');
  if (!!inMqtt === !!inInflux) throw new CliError('config.input: give exactly one of input.mqtt and input.influx');

  const normalizeSection = root.object('normalize');
  const config: RunConfig = {
    input: inMqtt ? { mqtt: readMqttInput(inMqtt) } : { influx: { ...readInfluxRead(inInflux as ConfigReader, ['tail']), tail: readTail((inInflux as ConfigReader).object('tail')) } },
    normalize: normalizeSection ? readNormalizeConfig(normalizeSection) : {},
    output: {},
  };

  const fit = root.object('fit');
  if (fit) {
    fit.only(['influx']);
    const f = fit.object('influx');
    if (!f) throw new CliError('config.fit: expected fit.influx (history to fit before live data)');
    const start = f.raw('start');
    if (typeof start !== 'string' && typeof start !== 'number') throw new CliError(`${f.at('start')}: required (RFC 3339 time or ms since the epoch)`);
    const stop = f.raw('stop');
    if (stop !== undefined && typeof stop !== 'string' && typeof stop !== 'number') throw new CliError(`${f.at('stop')}: expected an RFC 3339 time or ms since the epoch`);
    config.fit = { influx: { ...readInfluxRead(f, ['start', 'stop']), start, ...(stop !== undefined ? { stop } : {}) } };
  }

  const output = root.object('output');
  if (!output) throw new CliError('config.output: required (output.mqtt and/or output.influx)');
  output.only(['mqtt', 'influx']);
  const outMqtt = output.object('mqtt');
  if (outMqtt) {
    outMqtt.only([...CONNECT_KEYS, 'topic', 'statsTopic', 'qos']);
    const fallbackUrl = inMqtt?.string('url');
    const url = outMqtt.string('url') ?? fallbackUrl;
    if (!url) throw new CliError(`${outMqtt.at('url')}: required when the input is not MQTT`);
    config.output.mqtt = {
      connect: readConnect(outMqtt, url, 'streamnorm-out'),
      topic: outMqtt.string('topic', 'normalized/{series}') as string,
      ...(outMqtt.has('statsTopic') ? { statsTopic: outMqtt.requiredString('statsTopic') } : {}),
      qos: qosOf(outMqtt),
    };
  }
  const outInflux = output.object('influx');
  if (outInflux) config.output.influx = readInfluxSink(outInflux);
  if (!config.output.mqtt && !config.output.influx) throw new CliError('config.output: give output.mqtt and/or output.influx');

  const state = root.object('state');
  if (state) {
    state.only(['file', 'checkpointInterval']);
    config.state = { file: state.requiredString('file'), checkpointIntervalMs: state.duration('checkpointInterval') ?? 30_000 };
  }
  const http = root.object('http');
  if (http) config.http = readHttpConfig(http);
  return config;
}

const CONNECT_KEYS = ['url', 'clientId', 'username', 'password', 'clean', 'protocolVersion', 'keepalive'] as const;

function readConnect(r: ConfigReader, url: string, defaultClientId: string): MqttConnectOptions {
  const pv = r.raw('protocolVersion');
  if (pv !== undefined && pv !== 3 && pv !== 4 && pv !== 5 && pv !== 'auto') throw new CliError(`${r.at('protocolVersion')}: expected 3, 4, 5 or auto`);
  const options: MqttConnectOptions = { url, clientId: r.string('clientId', defaultClientId) as string };
  const username = r.string('username');
  const password = r.string('password');
  if (username) options.username = username;
  if (password) options.password = password;
  const clean = r.boolean('clean');
  if (clean !== undefined) options.clean = clean;
  if (pv !== undefined) options.protocolVersion = pv as MqttConnectOptions['protocolVersion'];
  const keepalive = r.number('keepalive', { min: 0, integer: true });
  if (keepalive !== undefined) options.keepalive = keepalive;
  return options;
}

function qosOf(r: ConfigReader): 0 | 1 | 2 {
  const q = r.raw('qos') ?? 1;
  if (q !== 0 && q !== 1 && q !== 2) throw new CliError(`${r.at('qos')}: expected 0, 1 or 2, got ${JSON.stringify(q)}`);
  return q;
}

function readMqttInput(r: ConfigReader): MqttSourceOptions & { connect: MqttConnectOptions } {
  r.only([...CONNECT_KEYS, 'topics', 'codec', 'timeUnit', 'qos', 'series', 'deadLetter', 'maxPayloadBytes']);
  const topics = r.stringList('topics');
  if (!topics) throw new CliError(`${r.at('topics')}: required (topic patterns such as sensors/+site/+device/#field)`);
  const options: MqttSourceOptions & { connect: MqttConnectOptions } = {
    connect: readConnect(r, r.requiredString('url'), 'streamnorm-in'),
    topics,
    qos: qosOf(r),
  };
  const codec = r.raw('codec');
  if (codec !== undefined) options.codec = codec as MqttSourceOptions['codec'];
  const timeUnit = r.oneOf('timeUnit', ['auto', 's', 'ms', 'us', 'ns'] as const);
  if (timeUnit) options.timeUnit = timeUnit;
  const series = r.string('series');
  if (series) options.series = series;
  const dl = r.object('deadLetter');
  if (dl) options.deadLetter = dl.value as unknown as NonNullable<MqttSourceOptions['deadLetter']>;
  const max = r.number('maxPayloadBytes', { min: 1, integer: true });
  if (max !== undefined) options.maxPayloadBytes = max;
  return options;
}

function readInfluxRead(r: ConfigReader, extra: readonly string[]): InfluxReadConfig {
  const query = r.oneOf('query', ['influxql', 'flux'] as const, 'influxql') as 'influxql' | 'flux';
  r.only(['query', 'url', 'db', 'rp', 'username', 'password', 'token', 'org', 'bucket', 'measurement', 'field', 'where', ...extra]);
  const field = r.stringList('field');
  if (!field) throw new CliError(`${r.at('field')}: required (a field or a list of fields)`);
  const selector: SeriesSelector = { measurement: r.requiredString('measurement'), field };
  const where = r.object('where');
  if (where) {
    for (const [k, v] of Object.entries(where.value)) {
      if (typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw new CliError(`${where.at(k)}: expected a string or a list of strings`);
    }
    selector.where = where.value as Record<string, string>;
  }
  const url = r.requiredString('url');
  if (query === 'flux') {
    return { query, url, org: r.requiredString('org'), bucket: r.requiredString('bucket'), ...optional(r, ['token']), ...selector };
  }
  return { query, url, db: r.requiredString('db'), ...optional(r, ['rp', 'username', 'password', 'token']), ...selector };
}

function readTail(r: ConfigReader | undefined): TailOptions {
  if (!r) return {};
  r.only(['interval', 'lag', 'start']);
  const tail: TailOptions = {};
  const interval = r.duration('interval');
  if (interval !== undefined) tail.interval = interval;
  const lag = r.duration('lag');
  if (lag !== undefined) tail.lag = lag;
  const start = r.raw('start');
  if (start !== undefined) tail.start = start as TimeInput;
  return tail;
}

function readInfluxSink(r: ConfigReader): InfluxSinkOptions {
  r.only(['url', 'token', 'org', 'bucket', 'db', 'rp', 'measurement', 'field', 'raw', 'phaseTag', 'versionTag', 'flagTag', 'tags', 'precision', 'spill', 'batchSize', 'flushInterval', 'invalid']);
  const options: InfluxSinkOptions = { url: r.requiredString('url'), ...optional(r, ['token', 'org', 'bucket', 'db', 'rp', 'measurement', 'field', 'spill']) };
  if (!options.bucket === !options.db) throw new CliError(`${r.path}: give exactly one of bucket (InfluxDB 2.x /api/v2/write) and db (1.x /write)`);
  for (const flag of ['raw', 'phaseTag', 'versionTag', 'flagTag'] as const) {
    const v = r.boolean(flag);
    if (v !== undefined) options[flag] = v;
  }
  const precision = r.oneOf('precision', ['ns', 'us', 'ms', 's'] as const);
  if (precision) options.precision = precision;
  const invalid = r.oneOf('invalid', ['drop', 'raw-only'] as const);
  if (invalid) options.invalid = invalid;
  const tags = r.object('tags');
  if (tags) options.tags = tags.value as Record<string, string>;
  const batchSize = r.number('batchSize', { min: 1, integer: true });
  if (batchSize !== undefined) options.batchSize = batchSize;
  const flush = r.duration('flushInterval');
  if (flush !== undefined) options.flushInterval = flush;
  return options;
}

function optional(r: ConfigReader, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = r.string(k);
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}
