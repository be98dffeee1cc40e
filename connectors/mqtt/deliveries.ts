import type { IPublishPacket } from 'mqtt';
import type { Observable } from 'rxjs';
import type { Reading } from '../../src/reading.js';
import type { DecodeProblem } from './codecs/types.js';
import { createMqttConnection, type MqttConnectOptions, type MqttConnection } from './connection.js';
import { deadLetterMessage, publishDeadLetter } from './dead-letter.js';
import { SourceDiagnostics } from './diagnostics.js';
import { addRoute } from './dispatcher.js';
import type { MqttEvent } from './events.js';
import { DEFERRED, ReceiptOrderAcks, type AckCounters, type AckTicket } from './receipt-acks.js';
import { recipesOf, SOURCE_KEYS, type MqttSourceOptions } from './source.js';
import { optionKeys, refuseUnknownKeys } from '../../src/options.js';
import { subscribeWhenConnected } from './subscribe.js';
import { messageReadings, type ReadingRecipe } from './to-readings.js';

/** One message taken from the broker: its readings, its refusals, and how to acknowledge it. */
export interface Delivery {
  topic: string;
  readings: Reading[];
  /** Refused parts (counted in the diagnostics, dead-lettered when configured). */
  problems: DecodeProblem[];
  receivedAt: number;
  qos: 0 | 1 | 2;
  /** The broker marked it as a redelivery (DUP). */
  dup: boolean;
  /**
   * Says the message is done with (every output it produced is confirmed). Its PUBACK is sent once
   * every message received before it is done too, after its dead letter (if any) is acknowledged.
   * Idempotent.
   */
  settle(): void;
}

/** Options of {@link openMqttDeliveries}. */
export interface DeliveryOptions extends Omit<MqttSourceOptions, 'client' | 'connect'> {
  connect: MqttConnectOptions;
  /**
   * Messages taken and not yet acknowledged, at most (default 1000): sent as MQTT 5 Receive Maximum
   * (at most 65 535), and at this many the source reads no further packet until one is settled
   * (for a broker that does not honour Receive Maximum: Mosquitto's `max_inflight_messages`).
   */
  maxUnacknowledged?: number;
}

const DELIVERY_KEYS = [...SOURCE_KEYS.filter((k) => k !== 'client'), ...optionKeys<Pick<DeliveryOptions, 'maxUnacknowledged'>>({ maxUnacknowledged: true })];

/** A running at-least-once MQTT source (see {@link openMqttDeliveries}). */
export interface DeliverySource {
  readonly connection: MqttConnection;
  readonly diagnostics: SourceDiagnostics;
  readonly acks: AckCounters;
  readonly events$: Observable<MqttEvent>;
  /** Messages taken and not yet acknowledged (settled or not). */
  unacknowledged(): number;
  /** Whether the source is holding a message back because the bound is reached. */
  readonly full: boolean;
  /** Takes no further message: those that arrive are left unacknowledged (the broker keeps them). */
  stopTaking(): void;
  /** Ends the connection (after `stopTaking`); PUBACKs already due are written first. */
  end(): Promise<void>;
}

/**
 * Subscribes to topic patterns and hands each message to `onDelivery` with a `settle()` that
 * acknowledges it later, in receipt order (see `ReceiptOrderAcks`): at-least-once delivery end to
 * end when the caller settles a message only after its outputs are confirmed, with a persistent
 * session (`connect.clean: false`) and QoS 1. Decoding, diagnostics and dead letters are those of
 * `mqttSource`; a dead letter's PUBACK is awaited before its original is acknowledged.
 * `onFull` is called when the bound is reached and a message waits.
 */
export function openMqttDeliveries(options: DeliveryOptions, onDelivery: (d: Delivery) => void, onFull?: () => void): DeliverySource {
  refuseUnknownKeys(options, DELIVERY_KEYS, 'openMqttDeliveries');
  const recipes = recipesOf(options);
  const max = options.maxUnacknowledged ?? 1000;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxUnacknowledged must be an integer >= 1, got ${max}`);
  const diagnostics = new SourceDiagnostics(options.maxTrackedTopics);
  const now = options.now ?? Date.now;
  const qos = options.qos ?? 1;
  const mqtt = options.connect.mqtt ?? {};
  const connection = createMqttConnection({ ...options.connect, mqtt: { ...mqtt, properties: { ...mqtt.properties, receiveMaximum: Math.min(max, 65_535) } } });
  const client = connection.client;
  const acks = new ReceiptOrderAcks(client);
  let taking = true;
  let waiting: { packet: IPublishPacket; done: (e?: Error) => void } | undefined;
  connection.events$.subscribe((e) => diagnostics.recordEvent(e));

  const release = (): void => {
    if (waiting === undefined || acks.unsettled >= max) return;
    const w = waiting;
    waiting = undefined;
    take(w.packet, w.done);
  };

  const take = (packet: IPublishPacket, done: (error?: Error) => void): void => {
    const { counters } = diagnostics;
    if (!taking) {
      counters.unacknowledged += 1;
      done(new Error('source stopped: message left unacknowledged for redelivery'));
      return;
    }
    if (acks.unsettled >= max) {
      waiting = { packet, done };
      onFull?.();
      return;
    }
    counters.messages += 1;
    const ticket = acks.take(packet.messageId, packet.qos);
    if (packet.qos === 1) done(DEFERRED);
    else done();
    const topic = packet.topic;
    const recipe = recipes.find((r) => r.pattern.match(topic) !== undefined) as ReadingRecipe;
    const receivedAt = now();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const { readings, problems } = messageReadings(recipe, topic, payload, receivedAt, packet.properties?.userProperties);
    counters.readings += readings.length;
    for (const p of problems) {
      const m = { topic, reason: p.reason, detail: p.detail, payload, receivedAt };
      diagnostics.recordMalformed(p.name === undefined ? m : { ...m, name: p.name });
    }
    let parts = problems.length > 0 && options.deadLetter !== undefined ? 2 : 1;
    const part = (): void => {
      if (--parts > 0) return;
      counters.acknowledged += 1;
      acks.settle(ticket as AckTicket);
      release();
    };
    if (parts === 2) {
      const letter = deadLetterMessage(options.deadLetter ?? {}, client.options.protocolVersion ?? 4, topic, payload, problems, receivedAt);
      publishDeadLetter(client, letter, () => undefined).then(
        () => {
          counters.deadLettered += 1;
          part();
        },
        (error: Error) => {
          counters.deadLetterFailures += 1;
          diagnostics.recordEvent({ type: 'error', error: new Error(`dead letter to ${letter.topic} failed: ${error.message}`), fatal: false });
          part();
        },
      );
    }
    let settled = false;
    onDelivery({
      topic,
      readings,
      problems,
      receivedAt,
      qos: packet.qos,
      dup: packet.dup === true,
      settle: () => {
        if (settled) return;
        settled = true;
        part();
      },
    });
  };

  const removeRoute = addRoute(client, { matches: (topic) => recipes.some((r) => r.pattern.match(topic) !== undefined), deliver: take });
  const filters = Object.fromEntries(recipes.map((r) => [r.pattern.filter, { qos }]));
  const stopSubscribing = subscribeWhenConnected(client, filters, {
    granted: () => undefined,
    refused: (error) => diagnostics.recordEvent({ type: 'error', error, fatal: true }),
    interrupted: (error) => diagnostics.recordEvent({ type: 'error', error, fatal: false }),
  });
  connection.start();

  return {
    connection,
    diagnostics,
    acks: acks.counters,
    events$: diagnostics.events$,
    unacknowledged: () => acks.waiting,
    get full() {
      return waiting !== undefined;
    },
    stopTaking: () => {
      taking = false;
      stopSubscribing();
      const w = waiting;
      waiting = undefined;
      if (w !== undefined) take(w.packet, w.done);
    },
    end: async () => {
      taking = false;
      await connection.end();
      acks.detach();
      removeRoute();
    },
  };
}
