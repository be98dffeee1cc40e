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
