import type { IClientOptions, IPublishPacket } from 'mqtt';
import type { Normalized } from '../../src/reading.js';
import { createMqttConnection, type MqttConnection, type MqttConnectOptions } from '../mqtt/connection.js';
import { addRoute } from '../mqtt/dispatcher.js';
import { decodeSparkplugPayload, encodeSparkplugPayload, SPARKPLUG_DATATYPES, type SparkplugMetric } from './payload.js';
import { sparkplugTopic } from './topic.js';
import { refuseUnknownKeys } from '../../src/options.js';

/** Options of {@link sparkplugEdgeNode}. */
export interface SparkplugEdgeNodeOptions {
  /** How to connect (the node builds its client: its death certificate is the MQTT will). */
  connect: MqttConnectOptions;
  /** Sparkplug group id. */
  group: string;
  /** Edge node id. */
  edge: string;
  /** Device of a normalized value (default: its `device` tag, else `normalized`). */
  device?: (n: Normalized) => string;
  /** Metric name of a normalized value (default: its series). */
  metric?: (n: Normalized) => string;
  /** Birth/death sequence number of the first session, 0–255 (default 0; +1 per reconnect). */
  bdSeq?: number;
}

/** A Sparkplug B edge node of its own that publishes normalized values. */
export interface SparkplugEdgeNode {
  /** Connects (NDEATH as will) and publishes the NBIRTH; resolves once it is written. */
  start(): Promise<void>;
  /**
   * Publishes one normalized value as DDATA by alias, after a DBIRTH of its device when the
   * device or the metric is new (a known device gets DDEATH and a new DBIRTH listing every
   * metric). NaN goes out as `is_null`. Resolves once written (QoS 0).
   */
  publish(n: Normalized): Promise<void>;
  /** Publishes the NDEATH (a graceful end sends no will) and disconnects. */
  end(): Promise<void>;
  /** The connection (client and events). */
  readonly connection: MqttConnection;
  /** Messages published, by type. */
  readonly counters: { births: number; data: number; deaths: number; rebirths: number };
}

const BAD_ID = /[/+#]/;
const OPTION_KEYS = ['connect', 'group', 'edge', 'device', 'metric', 'bdSeq'] as const;

/**
 * Publishes normalized values as a Sparkplug B edge node: NBIRTH (with `bdSeq` and a
 * `Node Control/Rebirth` metric) at every connect, a DBIRTH before any DDATA of a device,
 * DDATA by alias (Double metrics, aliases unique in the node), `seq` 0–255 wrapping, and the
 * NDEATH registered as the MQTT will, so that host applications mark the series stale if the
 * process dies. An `NCMD` `Node Control/Rebirth` republishes every BIRTH.
 *
 * Sparkplug publishes at QoS 0: values are not stored or redelivered by the broker.
 *
 * @example
 * ```ts
 * import { sparkplugEdgeNode } from 'streamnorm/sparkplug';
 * const node = sparkplugEdgeNode({ connect: { url: brokerUrl }, group: 'docs', edge: 'normalizer' });
 * await node.start();
 * const n = { series: 'press1/temp', raw: 20, value: 0.5, phase: 'frozen', version: 1, tags: { device: 'press1' } } as const;
 * await node.publish(n); // the device's DBIRTH, with this first value
 * await node.publish({ ...n, value: 0.7 }); // DDATA by alias
 * node.counters; // => { births: 2, data: 1, deaths: 0, rebirths: 0 }
 * await node.end();
 * ```
 */
export function sparkplugEdgeNode(options: SparkplugEdgeNodeOptions): SparkplugEdgeNode {
  refuseUnknownKeys(options, OPTION_KEYS, 'sparkplugEdgeNode');
  const { group, edge } = options;
  if (options.bdSeq !== undefined && !(Number.isInteger(options.bdSeq) && options.bdSeq >= 0 && options.bdSeq <= 255)) throw new Error(`sparkplugEdgeNode: bdSeq must be an integer in 0..255, got ${String(options.bdSeq)}`);
  for (const [what, id] of [['group', group], ['edge', edge]] as const) if (id === '' || BAD_ID.test(id)) throw new Error(`sparkplugEdgeNode: bad ${what} ${JSON.stringify(id)}`);
  const deviceOf = options.device ?? ((n: Normalized) => n.tags?.device ?? 'normalized');
  const metricOf = options.metric ?? ((n: Normalized) => n.series);
  let bdSeq = options.bdSeq ?? 0;
  let seq = 0;
  let nextAlias = 1n;
  const devices = new Map<string, Map<string, { alias: bigint; value: number }>>();
  const counters = { births: 0, data: 0, deaths: 0, rebirths: 0 };
  const death = (): Buffer => Buffer.from(encodeSparkplugPayload({ timestamp: BigInt(Date.now()), metrics: [{ name: 'bdSeq', datatype: SPARKPLUG_DATATYPES.UInt64, long_value: BigInt(bdSeq) }] }));
  const will = { topic: sparkplugTopic({ group, type: 'NDEATH', edge }), payload: death(), qos: 1 as const, retain: false };
  const mqtt: IClientOptions = { ...options.connect.mqtt, will };
  const connection = createMqttConnection({ ...options.connect, mqtt });
  const client = connection.client;

  const send = async (type: 'NBIRTH' | 'DBIRTH' | 'DDATA' | 'DDEATH', device: string | undefined, metrics: SparkplugMetric[]): Promise<void> => {
    const now = BigInt(Date.now());
    if (type === 'NBIRTH') seq = 0;
    const payload = { timestamp: now, seq: BigInt(seq), metrics };
    seq = (seq + 1) % 256;
    const topic = sparkplugTopic(device === undefined ? { group, type, edge } : { group, type, edge, device });
    await client.publishAsync(topic, Buffer.from(encodeSparkplugPayload(payload)), { qos: 0 });
  };
  const metricOfValue = (alias: bigint, value: number, name?: string): SparkplugMetric => ({
    ...(name === undefined ? {} : { name }),
    alias,
    datatype: SPARKPLUG_DATATYPES.Double,
    ...(Number.isNaN(value) ? { is_null: true } : { double_value: value }),
  });
  const deviceBirth = async (device: string): Promise<void> => {
    const metrics = [...(devices.get(device) ?? new Map<string, { alias: bigint; value: number }>())].map(([name, m]) => metricOfValue(m.alias, m.value, name));
    await send('DBIRTH', device, metrics);
    counters.births++;
  };
  const births = async (): Promise<void> => {
    await send('NBIRTH', undefined, [
      { name: 'bdSeq', datatype: SPARKPLUG_DATATYPES.UInt64, long_value: BigInt(bdSeq) },
      { name: 'Node Control/Rebirth', datatype: SPARKPLUG_DATATYPES.Boolean, boolean_value: false },
    ]);
    counters.births++;
    for (const device of devices.keys()) await deviceBirth(device);
  };
  // a new session: the next connect's NBIRTH and will carry the next bdSeq
  client.on('close', () => {
    bdSeq = (bdSeq + 1) % 256;
    will.payload = death();
    if (client.options.will) client.options.will.payload = will.payload;
  });
  let born: Promise<void> = Promise.resolve();
  client.on('connect', () => {
    born = births().catch(() => undefined);
  });
  const ncmd = sparkplugTopic({ group, type: 'NCMD', edge });
  const removeRoute = addRoute(client, {
    matches: (topic) => topic === ncmd,
    deliver: (packet: IPublishPacket, done) => {
      try {
        const rebirth = decodeSparkplugPayload(packet.payload as Uint8Array).metrics?.some((m) => m.name === 'Node Control/Rebirth' && m.boolean_value === true);
        if (rebirth) {
          counters.rebirths++;
          void births().catch(() => undefined);
        }
      } catch {
        // not a Sparkplug command: ignored
      }
      done();
    },
  });

  let started: Promise<void> | undefined;
  return {
    connection,
    counters,
    start() {
      started ??= (async () => {
        connection.start();
        await connection.ready;
        await born;
        await client.subscribeAsync(ncmd, { qos: 0 });
      })();
      return started;
    },
    async publish(n) {
      const device = deviceOf(n);
      const metric = metricOf(n);
      if (device === '' || BAD_ID.test(device)) throw new Error(`sparkplugEdgeNode: bad device ${JSON.stringify(device)} for ${n.series}`);
      let known = devices.get(device);
      const isNewDevice = known === undefined;
      known ??= new Map();
      let m = known.get(metric);
      if (m === undefined) {
        m = { alias: nextAlias++, value: n.value };
        known.set(metric, m);
        devices.set(device, known);
        if (!isNewDevice) {
          await send('DDEATH', device, []);
          counters.deaths++;
        }
        await deviceBirth(device);
        return;
      }
      m.value = n.value;
      await send('DDATA', device, [{ ...metricOfValue(m.alias, n.value), ...(n.time === undefined ? {} : { timestamp: BigInt(Math.round(n.time)) }) }]);
      counters.data++;
    },
    async end() {
      if (client.connected) {
        await client.publishAsync(will.topic, death(), { qos: 1 });
        counters.deaths++;
      }
      removeRoute();
      await connection.end();
    },
  };
}
