import type { IPublishPacket, MqttClient } from 'mqtt';
import { Observable, Subject, share } from 'rxjs';
import type { Reading } from '../../src/reading.js';
import { createMqttConnection, type MqttConnectOptions } from '../mqtt/connection.js';
import { deadLetterMessage, publishDeadLetter, type DeadLetterOptions } from '../mqtt/dead-letter.js';
import { addRoute } from '../mqtt/dispatcher.js';
import { watchClient, type MqttEvent } from '../mqtt/events.js';
import type { MalformedReason } from '../mqtt/malformed.js';
import { subscribeWhenConnected } from '../mqtt/subscribe.js';
import { SparkplugHostSession, type RebirthReason, type SparkplugSessionOptions } from './host-session.js';
import { encodeSparkplugPayload, SPARKPLUG_DATATYPES } from './payload.js';
import { SPARKPLUG_NAMESPACE, sparkplugTopic } from './topic.js';
import { refuseUnknownKeys } from '../../src/options.js';

/** Options of {@link sparkplugSource}. */
export interface SparkplugSourceOptions extends SparkplugSessionOptions {
  /** A client you own (the source never ends it); otherwise give `connect`. */
  client?: MqttClient;
  /** Build a client from options (ended when the source's subscription ends). */
  connect?: MqttConnectOptions;
  /** Sparkplug groups to read (default: every group, `spBv1.0/#`). */
  groups?: readonly string[];
  /** Subscription QoS (default 1; edge nodes publish DATA and BIRTHs at QoS 0, so that is what arrives). */
  qos?: 0 | 1;
  /** Ask nodes for a rebirth (`NCMD` `Node Control/Rebirth`) on a seq gap or an unknown alias (default true). */
  requestRebirth?: boolean;
  /** Republish payloads that are not Sparkplug B protobuf (reason `bad-protobuf`). */
  deadLetter?: DeadLetterOptions;
  /** Receive clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
}

/** What a {@link sparkplugSource} reports besides readings. */
export type SparkplugEvent =
  | { type: 'stale'; group: string; edge: string; device?: string; series: string[] }
  | { type: 'rebirth'; group: string; edge: string; reason: RebirthReason }
  | { type: 'malformed'; topic: string; detail: string; payload: Uint8Array }
  | { type: 'mqtt'; event: MqttEvent };

/** A running-on-subscribe Sparkplug B source. */
export interface SparkplugSource {
  /** One reading per numeric metric value (see {@link SparkplugHostSession}); shared among subscribers. */
  readonly readings$: Observable<Reading>;
  /** Stale series, rebirth requests, malformed payloads and connection events (hot). */
  readonly events$: Observable<SparkplugEvent>;
  /** The host session: its counters, and which series are stale. */
  readonly session: SparkplugHostSession;
  /** Dead letters published, and publishes (dead letters, rebirth requests) that failed. */
  readonly counters: { deadLettered: number; publishFailures: number };
}

const SOURCE_KEYS = ['client', 'connect', 'groups', 'qos', 'requestRebirth', 'deadLetter', 'now', 'historical', 'rebirthIntervalMs'] as const;

/**
 * Reads Sparkplug B (Eclipse Tahu) edge nodes as a host application: subscribes to
 * `spBv1.0/{group}/#`, learns metrics from BIRTH certificates, and emits one {@link Reading} per
 * metric value, series `{group}/{edge}/{device}/{metric}` (see {@link SparkplugHostSession} for
 * the rules: aliases, `seq`, `is_null`, `is_historical`, `bdSeq`).
 *
 * Delivery: Sparkplug edge nodes publish DATA (and BIRTH) messages at QoS 0, so the broker
 * neither stores nor redelivers them: the at-least-once acknowledgement of `mqttSource` does not
 * cover them, and a message lost on the way is lost. A lost message shows as a `seq` gap, which
 * this source answers with a rebirth request (the node republishes its BIRTHs, current values
 * included), counted, not with the lost values.
 *
 * Bad input never stops the stream: a payload that is not protobuf is counted, reported on
 * `events$`, and republished to the dead-letter topic when `deadLetter` is set; other topics
 * (`STATE`, commands) are ignored and counted.
 *
 * @example
 * ```ts
 * import { firstValueFrom } from 'rxjs';
 * import { connectMqtt } from 'streamnorm/mqtt';
 * import { encodeSparkplugPayload, sparkplugSource } from 'streamnorm/sparkplug';
 * const source = sparkplugSource({ connect: { url: brokerUrl }, groups: ['docs'] });
 * const first = firstValueFrom(source.readings$);
 * const edge = await connectMqtt({ url: brokerUrl });
 * await new Promise((r) => setTimeout(r, 200)); // let the source subscribe
 * const birth = { seq: 0n, metrics: [{ name: 'bdSeq', datatype: 8, long_value: 0n }, { name: 'Temp', alias: 1n, datatype: 10, double_value: 21.5 }] };
 * await edge.publishAsync('spBv1.0/docs/NBIRTH/gw1', Buffer.from(encodeSparkplugPayload(birth)));
 * const r = await first;
 * [r.series, r.value, r.tags?.datatype]; // => ['docs/gw1/Temp', 21.5, 'Double']
 * await edge.endAsync();
 * ```
 */
export function sparkplugSource(options: SparkplugSourceOptions): SparkplugSource {
  refuseUnknownKeys(options, SOURCE_KEYS, 'sparkplugSource');
  if (options.client === undefined && options.connect === undefined) throw new Error('sparkplugSource needs a client or connect options');
  const groups = options.groups ?? [];
  for (const g of groups) if (g === '' || /[/+#]/.test(g)) throw new Error(`sparkplugSource: bad group ${JSON.stringify(g)}`);
  const session = new SparkplugHostSession(options);
  const events = new Subject<SparkplugEvent>();
  const counters = { deadLettered: 0, publishFailures: 0 };
  const now = options.now ?? Date.now;
  const filters = Object.fromEntries((groups.length === 0 ? [`${SPARKPLUG_NAMESPACE}/#`] : groups.map((g) => `${SPARKPLUG_NAMESPACE}/${g}/#`)).map((f) => [f, { qos: options.qos ?? 1 }]));
  const prefix = `${SPARKPLUG_NAMESPACE}/`;
  const matches = (topic: string): boolean => topic.startsWith(prefix) && (groups.length === 0 || groups.includes(topic.split('/')[1] as string));

  const readings$ = new Observable<Reading>((subscriber) => {
    const conn = options.client === undefined ? createMqttConnection(options.connect as MqttConnectOptions) : undefined;
    const client = conn?.client ?? (options.client as MqttClient);
    const failed = (what: string) => (error: Error): void => {
      counters.publishFailures++;
      events.next({ type: 'mqtt', event: { type: 'error', error: new Error(`${what} failed: ${error.message}`), fatal: false } });
    };
    const stopEvents =
      conn === undefined
        ? watchClient(client, (event) => events.next({ type: 'mqtt', event }))
        : (() => {
            const s = conn.events$.subscribe((event) => {
              events.next({ type: 'mqtt', event });
              if (event.type === 'error' && event.fatal) subscriber.error(event.error);
            });
            return () => s.unsubscribe();
          })();

    const take = (packet: IPublishPacket, done: (error?: Error) => void): void => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      const receivedAt = now();
      const out = session.handle(packet.topic, payload, receivedAt);
      for (const r of out.readings) {
        if (subscriber.closed) break;
        subscriber.next(r);
      }
      if (out.stale) events.next({ type: 'stale', ...out.stale });
      if (out.rebirth) {
        events.next({ type: 'rebirth', ...out.rebirth });
        if (options.requestRebirth !== false) {
          const ncmd = sparkplugTopic({ group: out.rebirth.group, type: 'NCMD', edge: out.rebirth.edge });
          const body = encodeSparkplugPayload({ timestamp: BigInt(receivedAt), metrics: [{ name: 'Node Control/Rebirth', datatype: SPARKPLUG_DATATYPES.Boolean, boolean_value: true }] });
          client.publishAsync(ncmd, Buffer.from(body), { qos: 0 }).catch(failed(`rebirth request to ${ncmd}`));
        }
      }
      if (out.malformed === undefined) return done();
      events.next({ type: 'malformed', topic: packet.topic, detail: out.malformed, payload });
      if (options.deadLetter === undefined) return done();
      // 'bad-protobuf' is a Sparkplug reason beside the MQTT codecs' MalformedReason values
      const problem = { reason: 'bad-protobuf' as unknown as MalformedReason, detail: out.malformed };
      const letter = deadLetterMessage(options.deadLetter, client.options.protocolVersion ?? 4, packet.topic, payload, [problem], receivedAt);
      publishDeadLetter(client, letter, () => done()).then(() => void counters.deadLettered++, failed(`dead letter to ${letter.topic}`));
    };
    const removeRoute = addRoute(client, { matches, deliver: take });
    const stopSubscribing = subscribeWhenConnected(client, filters, {
      granted: () => undefined,
      refused: (error) => subscriber.error(error),
      interrupted: (error) => events.next({ type: 'mqtt', event: { type: 'error', error, fatal: false } }),
    });
    conn?.start();
    return () => {
      stopEvents();
      stopSubscribing();
      if (conn !== undefined) setImmediate(() => void conn.end().finally(removeRoute));
      else if (!client.connected) removeRoute();
      else client.unsubscribe(Object.keys(filters), () => removeRoute());
    };
  }).pipe(share());

  return { readings$, events$: events.asObservable(), session, counters };
}
