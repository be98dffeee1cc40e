import type { IPublishPacket, MqttClient } from 'mqtt';
import { Observable, share } from 'rxjs';
import type { Reading } from '../../src/reading.js';
import { checkCodec, type CodecSpec } from './codecs/codec.js';
import { checkConnectOptions, createMqttConnection, type MqttConnectOptions } from './connection.js';
import { DEAD_LETTER_KEYS, deadLetterMessage, publishDeadLetter, type DeadLetterOptions } from './dead-letter.js';
import { optionKeys, refuseUnknownKeys } from '../../src/options.js';
import { SourceDiagnostics } from './diagnostics.js';
import { addRoute } from './dispatcher.js';
import { subscribeWhenConnected } from './subscribe.js';
import { watchClient } from './events.js';
import { messageReadings, type ReadingRecipe, type SeriesNaming } from './to-readings.js';
import { compileTopicPattern } from './topic-pattern.js';
import type { TimeUnit } from './time-unit.js';

/** One topic pattern with its own codec, time unit or series naming. */
export interface TopicSubscription {
  pattern: string;
  codec?: CodecSpec;
  timeUnit?: TimeUnit;
  series?: SeriesNaming;
}

/** Options of {@link mqttSource}. */
export interface MqttSourceOptions {
  /** A client you own (the source never ends it); otherwise give `connect`. */
  client?: MqttClient;
  /** Build a client from options (ended when the source's subscription ends). */
  connect?: MqttConnectOptions;
  /** Topic patterns with named wildcards (see {@link compileTopicPattern}); the first match wins. */
  topics: string | readonly (string | TopicSubscription)[];
  /** Payload codec (default `'number'`). */
  codec?: CodecSpec;
  /** Unit of numeric timestamps in payloads (default `'auto'`). */
  timeUnit?: TimeUnit;
  /** Subscription QoS (default 1). */
  qos?: 0 | 1 | 2;
  /** Larger payloads are refused as `oversize` (default 256 KiB). */
  maxPayloadBytes?: number;
  /** Series naming (see {@link messageReadings}). */
  series?: SeriesNaming;
  /** Copy MQTT 5 user properties into tags: all (`true`) or the named ones. Topic captures win. */
  userPropertyTags?: boolean | readonly string[];
  /** Republish refused messages (see {@link DeadLetterOptions}). */
  deadLetter?: DeadLetterOptions;
  /**
   * Keep the broker-side subscription when the source ends (no UNSUBSCRIBE), so a persistent
   * session goes on queueing for the next run. Default: true when `connect.clean` is false.
   */
  keepSubscription?: boolean;
  /** Receive clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
  /** Distinct topics counted before counts go to one bucket (default 10 000). */
  maxTrackedTopics?: number;
}

/** The keys of {@link MqttSourceOptions}. */
export const SOURCE_KEYS = optionKeys<MqttSourceOptions>({
  client: true, connect: true, topics: true, codec: true, timeUnit: true, qos: true, maxPayloadBytes: true, series: true,
  userPropertyTags: true, deadLetter: true, keepSubscription: true, now: true, maxTrackedTopics: true,
});
const TOPIC_KEYS = optionKeys<TopicSubscription>({ pattern: true, codec: true, timeUnit: true, series: true });

/** A running-on-subscribe MQTT source: its readings and what it has seen. */
export interface MqttSource {
  /**
   * The readings. Subscribing connects (or uses the given client) and subscribes the topic
   * filters; unsubscribing undoes both. Shared: concurrent subscribers share one MQTT
   * subscription. Errors on a fatal connection error or a refused subscription.
   */
  readonly readings$: Observable<Reading>;
  /** Counts per topic and reason, and the `malformed$` and `events$` streams. */
  readonly diagnostics: SourceDiagnostics;
}

/**
 * Subscribes to MQTT topic patterns and emits one {@link Reading} per value in each message.
 *
 * Acknowledgement (at-least-once with QoS 1): a message is acknowledged only once it has been
 * *taken*, meaning every reading decoded from it has been passed to the subscriber's `next` and
 * `next` has returned (so every synchronous operator downstream has handled it), and, for a
 * refused message, it has been counted and its dead letter is held by the client (in its outgoing
 * store for QoS 1/2, resent after reconnects; see {@link publishDeadLetter}). mqtt.js
 * reads the next packet only then, which also gives backpressure. A message whose readings the
 * subscriber did not take completely (it unsubscribed midway) is left unacknowledged, so a
 * persistent session (`connect: { clean: false, clientId }`) gets it again on resume. Work a
 * pipeline defers past `next` (a `bufferTime`, an async publish) is not covered by the
 * acknowledgement; make that step idempotent or flush it before ending.
 *
 * Malformed messages never stop the stream: each refused message or field is counted per topic
 * and {@link MalformedReason} in `diagnostics`, reported on `diagnostics.malformed$`, and
 * republished to a dead-letter topic when `deadLetter` is set. Good fields of a message with a
 * bad one still become readings (and the message is also dead-lettered). Values that decode but
 * are not finite numbers (null, NaN, ±Infinity from text) are readings: the operators' invalid
 * policy counts them per series.
 *
 * @throws Error at once for a malformed topic pattern or an unknown codec, or when neither
 * `client` nor `connect` is given.
 *
 * @example
 * ```ts
 * import { firstValueFrom, take, toArray } from 'rxjs';
 * import { connectMqtt, mqttSource } from 'streamnorm/mqtt';
 * const source = mqttSource({ connect: { url: brokerUrl }, topics: 'sensors/+site/+device', codec: { kind: 'json' } });
 * const firstTwo = firstValueFrom(source.readings$.pipe(take(2), toArray()));
 * const pub = await connectMqtt({ url: brokerUrl });
 * await new Promise((r) => setTimeout(r, 200)); // let the source subscribe
 * await pub.publishAsync('sensors/s1/d1', 'not json', { qos: 1 });
 * await pub.publishAsync('sensors/s1/d1', '{"value": 20.5, "time": 1700000000}', { qos: 1 });
 * await pub.publishAsync('sensors/s1/d2', '{"value": 7, "time": 1700000001}', { qos: 1 });
 * (await firstTwo).map((r) => [r.series, r.value, r.time]); // => [['s1/d1', 20.5, 1700000000000], ['s1/d2', 7, 1700000001000]]
 * source.diagnostics.byTopic(); // => { 'sensors/s1/d1': { 'bad-json': 1 } }
 * await pub.endAsync();
 * ```
 */
export function mqttSource(options: MqttSourceOptions): MqttSource {
  refuseUnknownKeys(options, SOURCE_KEYS, 'mqttSource');
  checkConnectOptions(options.connect, 'mqttSource: connect');
  if (options.client === undefined && options.connect === undefined) throw new Error('mqttSource needs a client or connect options');
  const recipes = recipesOf(options);
  const diagnostics = new SourceDiagnostics(options.maxTrackedTopics);
  const now = options.now ?? Date.now;
  const qos = options.qos ?? 1;
  const keepSubscription = options.keepSubscription ?? options.connect?.clean === false;

  const readings$ = new Observable<Reading>((subscriber) => {
    const conn = options.client === undefined ? createMqttConnection(options.connect as MqttConnectOptions) : undefined;
    const client = conn?.client ?? (options.client as MqttClient);
    let closed = false;
    const fail = (error: Error): void => {
      if (!closed) subscriber.error(error);
    };
    const stopEvents =
      conn === undefined
        ? watchClient(client, (e) => diagnostics.recordEvent(e))
        : (() => {
            const s = conn.events$.subscribe((e) => {
              diagnostics.recordEvent(e);
              if (e.type === 'error' && e.fatal) fail(e.error);
            });
            return () => s.unsubscribe();
          })();

    const take = (packet: IPublishPacket, done: (error?: Error) => void): void => {
      const { counters } = diagnostics;
      counters.messages += 1;
      if (closed) {
        counters.unacknowledged += 1;
        done(new Error('source closed: message left unacknowledged for redelivery'));
        return;
      }
      const topic = packet.topic;
      const recipe = recipes.find((r) => r.pattern.match(topic) !== undefined) as ReadingRecipe;
      const receivedAt = now();
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      const { readings, problems } = messageReadings(recipe, topic, payload, receivedAt, packet.properties?.userProperties);
      for (const reading of readings) {
        if (subscriber.closed) {
          counters.unacknowledged += 1;
          done(new Error('subscriber stopped before taking every reading of the message'));
          return;
        }
        counters.readings += 1;
        subscriber.next(reading);
      }
      for (const p of problems) {
        const m = { topic, reason: p.reason, detail: p.detail, payload, receivedAt };
        diagnostics.recordMalformed(p.name === undefined ? m : { ...m, name: p.name });
      }
      if (problems.length === 0 || options.deadLetter === undefined) {
        counters.acknowledged += 1;
        done();
        return;
      }
      const letter = deadLetterMessage(options.deadLetter, client.options.protocolVersion ?? 4, topic, payload, problems, receivedAt);
      const ack = (): void => {
        counters.acknowledged += 1;
        done();
      };
      publishDeadLetter(client, letter, ack).then(
        () => {
          counters.deadLettered += 1;
        },
        (error: Error) => {
          counters.deadLetterFailures += 1;
          diagnostics.recordEvent({ type: 'error', error: new Error(`dead letter to ${letter.topic} failed: ${error.message}`), fatal: false });
        },
      );
    };
    const removeRoute = addRoute(client, {
      matches: (topic) => recipes.some((r) => r.pattern.match(topic) !== undefined),
      deliver: take,
    });

    const filters = Object.fromEntries(recipes.map((r) => [r.pattern.filter, { qos }]));
    const stopSubscribing = subscribeWhenConnected(client, filters, {
      granted: () => undefined,
      refused: fail,
      interrupted: (error) => diagnostics.recordEvent({ type: 'error', error, fatal: false }),
    });
    conn?.start();

    return () => {
      closed = true;
      stopEvents();
      stopSubscribing();
      if (conn !== undefined) {
        // after the current delivery has been acknowledged; the route stays until the client
        // is gone, so nothing arriving meanwhile is acknowledged
        const end = (): void => void conn.end().finally(removeRoute);
        const persistent = options.connect?.clean === false;
        setImmediate(() => (persistent && !keepSubscription && client.connected ? client.unsubscribe(Object.keys(filters), end) : end()));
      } else if (keepSubscription || !client.connected) {
        removeRoute();
      } else {
        client.unsubscribe(Object.keys(filters), () => removeRoute());
      }
    };
  }).pipe(share());

  return { readings$, diagnostics };
}

/** The reading recipe of each topic pattern of a source (patterns, codecs, subscriptions' and dead letters' keys checked here). */
export function recipesOf(options: MqttSourceOptions): ReadingRecipe[] {
  const topics = typeof options.topics === 'string' ? [options.topics] : options.topics;
  if (topics.length === 0) throw new Error('mqttSource needs at least one topic pattern');
  refuseUnknownKeys(options.deadLetter, DEAD_LETTER_KEYS, 'mqttSource: deadLetter');
  return topics.map((t) => {
    if (typeof t !== 'string') refuseUnknownKeys(t, TOPIC_KEYS, 'mqttSource: topic subscription');
    const spec: TopicSubscription = typeof t === 'string' ? { pattern: t } : t;
    const codec = spec.codec ?? options.codec ?? 'number';
    checkCodec(codec);
    const recipe: ReadingRecipe = {
      pattern: compileTopicPattern(spec.pattern),
      codec,
      timeUnit: spec.timeUnit ?? options.timeUnit ?? 'auto',
      maxPayloadBytes: options.maxPayloadBytes ?? 256 * 1024,
    };
    const series = spec.series ?? options.series;
    if (series !== undefined) recipe.series = series;
    if (options.userPropertyTags !== undefined) recipe.userPropertyTags = options.userPropertyTags;
    return recipe;
  });
}
