import type { OperatorFunction } from 'rxjs';
import type { Normalized } from '../../src/reading.js';
import { encodeNormalized } from './normalized-codec.js';
import { PUBLISHER_KEYS, publishWith, type PublishAck, type PublisherOptions } from './publish-each.js';
import { optionKeys, refuseUnknownKeys } from '../../src/options.js';
import { fillTemplate, topicNameProblem } from './topic-template.js';

/** Options of {@link publishNormalized}. */
export interface NormalizedSinkOptions extends PublisherOptions {
  /**
   * Topic template: `{series}` and any tag, e.g. `normalized/{site}/{device}/{field}`
   * (default `normalized/{series}`).
   */
  topic?: string;
  /** Publish QoS (default 1). */
  qos?: 0 | 1 | 2;
  /** Publish retained (default false). */
  retain?: boolean;
  /** Put the tags into the JSON too (default false: the topic carries them). */
  includeTags?: boolean;
}

const SINK_KEYS = [...PUBLISHER_KEYS, ...optionKeys<Omit<NormalizedSinkOptions, keyof PublisherOptions>>({ topic: true, qos: true, retain: true, includeTags: true })];

/**
 * Publishes normalized readings as JSON ({@link NormalizedMessage}: value, raw, phase, version,
 * time, flag; NaN as "NaN") to a topic made from a template, and emits one
 * {@link PublishAck} per reading once the broker acknowledged it. Completes after the source
 * completes and every publish in flight is acknowledged, so `await lastValueFrom(...)` is a
 * flush. A reading whose topic cannot be made (a placeholder without a tag, a wildcard in a
 * value) is not published: its ack has `ok: false` and the reason.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { publishNormalized } from 'streamnorm/mqtt';
 * const out = [
 *   { series: 's1/temp', raw: 20, value: 0.5, phase: 'frozen', version: 1, tags: { site: 's1', field: 'temp' } },
 *   { series: 's1/temp', raw: 'x', value: NaN, phase: 'frozen', version: 1, flag: 'invalid', tags: { site: 's1', field: 'temp' } },
 *   { series: 'lost', raw: 1, value: 0, phase: 'frozen', version: 1 },
 * ] as const;
 * const acks = await lastValueFrom(from(out).pipe(publishNormalized({ connect: { url: brokerUrl }, topic: 'normalized/{site}/{field}' }), toArray()));
 * acks.map((a) => [a.topic, a.ok]); // => [[undefined, false], ['normalized/s1/temp', true], ['normalized/s1/temp', true]]
 * acks[0]?.error; // => 'topic template needs {site}'
 * ```
 */
export function publishNormalized(options: NormalizedSinkOptions): OperatorFunction<Normalized, PublishAck<Normalized>> {
  refuseUnknownKeys(options, SINK_KEYS, 'publishNormalized');
  const template = options.topic ?? 'normalized/{series}';
  const publish = { qos: options.qos ?? 1, retain: options.retain ?? false };
  return publishWith<Normalized>(options, (n) => {
    const topic = fillTemplate(template, { ...n.tags, series: n.series });
    if (typeof topic !== 'string') return { error: `topic template needs {${topic.missing}}` };
    const problem = topicNameProblem(topic);
    if (problem !== undefined) return { error: problem, topic };
    return { topic, payload: encodeNormalized(n, options.includeTags ?? false), publish };
  });
}
