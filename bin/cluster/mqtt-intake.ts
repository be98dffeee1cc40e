import type { IPublishPacket } from 'mqtt';
import { compileTopicPattern, createMqttConnection, type MqttConnectOptions, type MqttSourceOptions, type ReadingRecipe, type TopicPattern } from '../../connectors/mqtt/index.js';
import { addRoute } from '../../connectors/mqtt/dispatcher.js';
import { subscribeWhenConnected } from '../../connectors/mqtt/subscribe.js';
import { checkCodec } from '../../connectors/mqtt/codecs/codec.js';
import type { ClusterCounters } from './counters.js';

/** One MQTT message as a cluster role takes it: `done()` acknowledges it to the broker, `done(error)` leaves it for redelivery. */
export type MqttDelivery = (topic: string, payload: Buffer, recipe: ReadingRecipe, done: (error?: Error) => void) => void;

/** The input's topic patterns as recipes (what the MQTT source builds from the same options). */
export function mqttRecipes(options: MqttSourceOptions): ReadingRecipe[] {
  const topics = typeof options.topics === 'string' ? [options.topics] : options.topics;
  return topics.map((t) => {
    const spec = typeof t === 'string' ? { pattern: t } : t;
    const codec = spec.codec ?? options.codec ?? 'number';
    checkCodec(codec);
    const recipe: ReadingRecipe = { pattern: compileTopicPattern(spec.pattern), codec, timeUnit: spec.timeUnit ?? options.timeUnit ?? 'auto', maxPayloadBytes: options.maxPayloadBytes ?? 256 * 1024 };
    const series = spec.series ?? options.series;
    if (series !== undefined) recipe.series = series;
    return recipe;
  });
}

/**
 * Takes MQTT messages one at a time and acknowledges each only when `deliver` calls `done()`
 * (after its work is confirmed downstream): mqtt.js sends the PUBACK then and reads the next
 * packet only then, so the broker keeps what is not taken yet. Throughput is therefore one
 * message per round trip of that work; see docs/scale-out.md.
 */
export function mqttIntake(options: MqttSourceOptions & { connect: MqttConnectOptions }, deliver: MqttDelivery, counters: ClusterCounters): { stop(): Promise<void>; patterns: TopicPattern[] } {
  const recipes = mqttRecipes(options);
  const conn = createMqttConnection(options.connect);
  conn.events$.subscribe((e) => {
    if (e.type === 'error') counters.lastError = `mqtt: ${e.error.message}`;
  });
  const removeRoute = addRoute(conn.client, {
    matches: (topic) => recipes.some((r) => r.pattern.match(topic) !== undefined),
    deliver: (packet: IPublishPacket, done) => {
      const recipe = recipes.find((r) => r.pattern.match(packet.topic)) as ReadingRecipe;
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      counters.messages++;
      deliver(packet.topic, payload, recipe, done);
    },
  });
  const stopSubscribing = subscribeWhenConnected(conn.client, Object.fromEntries(recipes.map((r) => [r.pattern.filter, { qos: options.qos ?? 1 }])), {
    granted: () => undefined,
    refused: (e) => void (counters.lastError = e.message),
    interrupted: (e) => void (counters.lastError = e.message),
  });
  conn.start();
  return {
    patterns: recipes.map((r) => r.pattern),
    stop: async () => {
      stopSubscribing();
      await conn.end().catch(() => undefined);
      removeRoute();
    },
  };
}
