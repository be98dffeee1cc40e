import type { IClientPublishOptions, MqttClient } from 'mqtt';
import type { DecodeProblem } from './codecs/types.js';
import { fillTemplate } from './topic-template.js';
import { optionKeys } from '../../src/options.js';

/**
 * Where and how refused messages are republished.
 *
 * - `topic`: template with `{topic}` (the original topic) and `{reason}` (the first reason);
 *   default `streamnorm/dead-letter/{topic}`.
 * - `qos`: default 1.
 * - `format`: `raw` publishes the original payload unchanged, with the reasons as MQTT 5 user
 *   properties (`reason`, `detail`, `source-topic`, `received-at`; on MQTT 3.1.1 there is nowhere
 *   to put them); `envelope` publishes a JSON {@link DeadLetterEnvelope} (plus the user
 *   properties on MQTT 5); `auto` (default) is `raw` on MQTT 5 and `envelope` otherwise.
 */
export interface DeadLetterOptions {
  topic?: string;
  qos?: 0 | 1 | 2;
  format?: 'auto' | 'raw' | 'envelope';
}

/** The keys of {@link DeadLetterOptions}. */
export const DEAD_LETTER_KEYS = optionKeys<DeadLetterOptions>({ topic: true, qos: true, format: true });

/** The JSON a dead letter carries in the `envelope` format. */
export interface DeadLetterEnvelope {
  /** The distinct reasons, in order of appearance. */
  reasons: string[];
  /** One detail per problem (`name: detail` when a field is concerned). */
  details: string[];
  /** The topic the message arrived on. */
  topic: string;
  /** Receive time, ms since the epoch. */
  receivedAt: number;
  /** The original payload (its first {@link DEAD_LETTER_MAX_BYTES} bytes), base64. */
  payloadBase64: string;
  /** That part of the payload as text, when it is valid UTF-8. */
  payloadText?: string;
  /** The size of the original payload in bytes. */
  payloadBytes: number;
  /** True when only the first {@link DEAD_LETTER_MAX_BYTES} bytes of the payload are kept. */
  truncated?: true;
}

/**
 * A dead letter carries at most this many bytes of the original payload (64 KiB), and the reason.
 *
 * @example
 * ```ts
 * import { DEAD_LETTER_MAX_BYTES, deadLetterMessage } from 'streamnorm/mqtt';
 * DEAD_LETTER_MAX_BYTES; // => 65536
 * const big = deadLetterMessage({ format: 'envelope' }, 4, 't', Buffer.alloc(10_000_000, 65), [{ reason: 'oversize', detail: 'too big' }], 0);
 * const envelope = JSON.parse(big.payload.toString());
 * [envelope.payloadBytes, envelope.truncated, Buffer.from(envelope.payloadBase64, 'base64').length]; // => [10000000, true, 65536]
 * ```
 */
export const DEAD_LETTER_MAX_BYTES = 64 * 1024;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Builds the topic, payload and publish options of a dead letter (see {@link DeadLetterOptions}).
 * Only the first {@link DEAD_LETTER_MAX_BYTES} bytes of the payload are kept (a 10 MB payload
 * refused as oversize is not republished whole); the original size is in `payloadBytes` (and the
 * `payload-bytes` user property on MQTT 5), `truncated` says when bytes were cut.
 *
 * @example
 * ```ts
 * import { deadLetterMessage } from 'streamnorm/mqtt';
 * const m = deadLetterMessage({}, 4, 'sensors/a', Buffer.from('oops'), [{ reason: 'not-a-number', detail: 'd' }], 7);
 * m.topic; // => 'streamnorm/dead-letter/sensors/a'
 * JSON.parse(m.payload.toString()).reasons; // => ['not-a-number']
 * ```
 */
export function deadLetterMessage(
  options: DeadLetterOptions,
  protocolVersion: number,
  topic: string,
  payload: Uint8Array,
  problems: readonly DecodeProblem[],
  receivedAt: number,
): { topic: string; payload: Buffer; publish: IClientPublishOptions } {
  const reasons = [...new Set(problems.map((p) => p.reason))];
  const details = problems.map((p) => (p.name === undefined ? p.detail : `${p.name}: ${p.detail}`));
  const filled = fillTemplate(options.topic ?? 'streamnorm/dead-letter/{topic}', { topic, reason: reasons[0] ?? 'unknown' });
  const dlTopic = typeof filled === 'string' ? filled : `streamnorm/dead-letter/${topic}`;
  const v5 = protocolVersion === 5;
  const format = options.format === undefined || options.format === 'auto' ? (v5 ? 'raw' : 'envelope') : options.format;
  const publish: IClientPublishOptions = { qos: options.qos ?? 1 };
  const truncated = payload.byteLength > DEAD_LETTER_MAX_BYTES;
  const kept = Buffer.from(payload.subarray(0, DEAD_LETTER_MAX_BYTES));
  if (v5) {
    const userProperties: Record<string, string | string[]> = {
      reason: reasons.length === 1 ? (reasons[0] as string) : reasons,
      detail: details.join('; ').slice(0, 1000),
      'source-topic': topic,
      'received-at': String(receivedAt),
      'payload-bytes': String(payload.byteLength),
    };
    if (truncated) userProperties.truncated = 'true';
    publish.properties = { userProperties };
  }
  if (format === 'raw') return { topic: dlTopic, payload: kept, publish };
  const envelope: DeadLetterEnvelope = { reasons, details, topic, receivedAt, payloadBase64: kept.toString('base64'), payloadBytes: payload.byteLength };
  if (truncated) envelope.truncated = true;
  try {
    envelope.payloadText = UTF8.decode(kept);
  } catch {
    // not text: base64 only
  }
  return { topic: dlTopic, payload: Buffer.from(JSON.stringify(envelope)), publish };
}

/**
 * Publishes a dead letter. `onStored` runs once the client holds the message: put in its
 * outgoing store for QoS 1/2 (resent after a reconnect until acknowledged), written for QoS 0,
 * or failed. The source acknowledges the original message then, not at the broker's PUBACK of
 * the dead letter: mqtt.js reads that PUBACK only after the original message's handler is done.
 * The returned promise settles with the broker's acknowledgement (or the publish error).
 */
export function publishDeadLetter(client: MqttClient, message: ReturnType<typeof deadLetterMessage>, onStored: () => void): Promise<void> {
  let stored = false;
  const store = (): void => {
    if (stored) return;
    stored = true;
    onStored();
  };
  return new Promise((resolve, reject) => {
    client.publish(message.topic, message.payload, { ...message.publish, cbStorePut: store }, (err) => {
      store();
      if (err) reject(err);
      else resolve();
    });
  });
}
