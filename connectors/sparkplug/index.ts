/**
 * streamnorm/sparkplug: Sparkplug B (Eclipse Tahu) over MQTT. A host-application source that
 * turns edge nodes' BIRTH and DATA messages into readings (aliases, seq, rebirth requests, stale
 * series on death), and an edge node of its own that publishes normalized values. Needs the
 * `mqtt` (mqtt.js 5) and `protobufjs` packages.
 *
 * @packageDocumentation
 */
export { decodeSparkplugPayload, encodeSparkplugPayload, SPARKPLUG_DATATYPES } from './payload.js';
export type { SparkplugPayload, SparkplugMetric } from './payload.js';
export { parseSparkplugTopic, sparkplugTopic, SPARKPLUG_NAMESPACE } from './topic.js';
export type { SparkplugTopic, SparkplugMessageType } from './topic.js';
export { metricNumber, datatypeName } from './metric-value.js';
export { SparkplugHostSession } from './host-session.js';
export type { SparkplugOutcome, SparkplugCounters, SparkplugSessionOptions, RebirthReason } from './host-session.js';
export { sparkplugSource } from './source.js';
export type { SparkplugSource, SparkplugSourceOptions, SparkplugEvent } from './source.js';
export { sparkplugEdgeNode } from './edge-node.js';
export type { SparkplugEdgeNode, SparkplugEdgeNodeOptions } from './edge-node.js';
