/**
 * streamnorm/mqtt: MQTT connector. A source that turns topics and payloads into readings, a sink
 * that publishes normalized readings and frozen statistics, and the codecs and topic patterns
 * they use. Needs the `mqtt` package (mqtt.js 5).
 *
 * @packageDocumentation
 */
export { compileTopicPattern } from './topic-pattern.js';
export type { TopicPattern } from './topic-pattern.js';
export { detectTimeUnit, toMillis } from './time-unit.js';
export type { TimeUnit } from './time-unit.js';
export { MALFORMED_REASONS } from './malformed.js';
export type { MalformedReason } from './malformed.js';
export { parseNumberText } from './codecs/value.js';
export { readJsonPath } from './codecs/json-path.js';
export { decodeNumber } from './codecs/number.js';
export { decodeJson } from './codecs/json.js';
export type { JsonCodecOptions } from './codecs/json.js';
export { decodeSenml } from './codecs/senml.js';
export { decodePayload, checkCodec } from './codecs/codec.js';
export type { CodecSpec, CustomCodec } from './codecs/codec.js';
export type { DecodedEntry, DecodeProblem, DecodeResult, DecodeContext } from './codecs/types.js';
export { fillTemplate, topicNameProblem } from './topic-template.js';
export { backoffDelay, backoffPolicy } from '../backoff.js';
export type { BackoffOptions, BackoffPolicy } from '../backoff.js';
export type { MqttEvent } from './events.js';
export { createMqttConnection, connectMqtt } from './connection.js';
export type { MqttConnectOptions, MqttConnection } from './connection.js';
export { SourceDiagnostics, OTHER_TOPICS } from './diagnostics.js';
export type { MalformedMessage, SourceCounters } from './diagnostics.js';
export { messageReadings } from './to-readings.js';
export type { ReadingRecipe, MessageReadings, SeriesNaming } from './to-readings.js';
export { deadLetterMessage, DEAD_LETTER_MAX_BYTES } from './dead-letter.js';
export type { DeadLetterOptions, DeadLetterEnvelope } from './dead-letter.js';
export { mqttSource } from './source.js';
export type { MqttSource, MqttSourceOptions, TopicSubscription } from './source.js';
export { encodeNormalized, decodeNormalized } from './normalized-codec.js';
export type { NormalizedMessage } from './normalized-codec.js';
export { encodeFrozenStats, decodeFrozenStats, FROZEN_STATS_FORMAT } from './frozen-codec.js';
export type { SeriesParams } from './frozen-codec.js';
export { publishEach } from './publish-each.js';
export type { PublisherOptions, PublishAck, Outgoing } from './publish-each.js';
export { publishNormalized } from './sink.js';
export type { NormalizedSinkOptions } from './sink.js';
export { publishFrozenStats, watchFrozenStats, readFrozenStats, statsFilter, DEFAULT_STATS_TOPIC } from './stats.js';
export type { StatsSinkOptions, StatsReaderOptions } from './stats.js';
