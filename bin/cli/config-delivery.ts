import { z } from 'zod';
import { compileTopicPattern, statsFilter } from '../../connectors/mqtt/index.js';
import type { CodecSpec } from '../../connectors/mqtt/index.js';
import { duration, integer, section } from './schema-kit.js';

/**
 * The run config's `delivery:` section, and the checks that need several sections at once.
 *
 * ```yaml
 * delivery:
 *   maxUnacknowledged: 1000   # messages taken but not acknowledged, at most (MQTT 5 Receive Maximum)
 *   drainTimeout: 10s         # at SIGINT/SIGTERM: wait this long for outputs, then checkpoint and exit
 *   checkpointDelay: 200ms    # a learned reading waits at most this long for the checkpoint that acknowledges it
 * ```
 */
export const deliverySchema = section({
  maxUnacknowledged: integer(1).max(65_535, { error: 'expected an integer <= 65535 (MQTT 5 Receive Maximum)' }).default(1000),
  drainTimeout: duration.default(10_000),
  checkpointDelay: duration.default(200),
}).transform((d) => ({ maxUnacknowledged: d.maxUnacknowledged, drainTimeoutMs: d.drainTimeout, checkpointDelayMs: d.checkpointDelay }));

/** The parsed `delivery` section. */
export type DeliveryConfig = z.output<typeof deliverySchema>;

/** What the cross-section checks read of a parsed config. */
interface Checked {
  input: { mqtt: { topics: string | readonly (string | { pattern: string })[]; codec?: CodecSpec; deadLetter?: { topic?: string } } } | { influx: unknown };
  normalize: { whileFitting?: string; holdLimit?: number };
  output: { mqtt?: { topic: string; statsTopic?: string } };
  delivery: DeliveryConfig;
}

/** An issue of a check: where (a key path under `config`) and what. */
export interface CheckIssue {
  path: (string | number)[];
  message: string;
}

/** The `{name}` placeholders of a template. */
function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] as string);
}

/** The tags every reading of an MQTT input carries (`series` too, and `topic` in series templates). */
function inputTags(input: Checked['input']): Set<string> | undefined {
  if (!('mqtt' in input)) return undefined; // InfluxDB tags are known only when rows arrive
  const mqtt = input.mqtt;
  const topics = typeof mqtt.topics === 'string' ? [mqtt.topics] : mqtt.topics;
  const tags = new Set(['series']);
  let shared: Set<string> | undefined;
  for (const t of topics) {
    const names = new Set(compileTopicPattern(typeof t === 'string' ? t : t.pattern).names);
    shared = shared === undefined ? names : new Set([...shared].filter((n) => names.has(n)));
  }
  for (const n of shared ?? []) tags.add(n);
  const codec = mqtt.codec ?? 'number';
  const kind = typeof codec === 'string' ? codec : codec.kind;
  if (kind === 'senml') tags.add('field').add('unit');
  if (typeof codec === 'object' && codec.kind === 'json') {
    if (codec.fields !== undefined) tags.add('field');
    if (codec.unit !== undefined) tags.add('unit');
  }
  return tags;
}

/**
 * Checks across sections, each naming the key: an output topic placeholder no reading has (every
 * output would fail), a stats topic that does not end with `{series}`, a dead-letter topic with
 * other placeholders than `{topic}` and `{reason}`, and a held window larger than the bound on
 * unacknowledged messages (it could never be released: the input stops at the bound).
 */
export function outputChecks(config: Checked): CheckIssue[] {
  const issues: CheckIssue[] = [];
  const tags = inputTags(config.input);
  const out = config.output.mqtt;
  if (out !== undefined && tags !== undefined) {
    const unknown = placeholders(out.topic).filter((p) => !tags.has(p));
    if (unknown.length > 0) issues.push({ path: ['output', 'mqtt', 'topic'], message: `{${unknown[0]}} is not a tag of the input's readings (they have ${[...tags].map((t) => `{${t}}`).join(', ')}): every output would fail` });
  }
  if (out?.statsTopic !== undefined) {
    try {
      statsFilter(out.statsTopic);
    } catch (e) {
      issues.push({ path: ['output', 'mqtt', 'statsTopic'], message: (e as Error).message });
    }
  }
  if ('mqtt' in config.input && config.input.mqtt.deadLetter?.topic !== undefined) {
    const bad = placeholders(config.input.mqtt.deadLetter.topic).filter((p) => p !== 'topic' && p !== 'reason');
    if (bad.length > 0) issues.push({ path: ['input', 'mqtt', 'deadLetter', 'topic'], message: `{${bad[0]}} is not known: a dead-letter topic has {topic} and {reason}` });
  }
  const bound = config.delivery.maxUnacknowledged;
  const holdLimit = config.normalize.holdLimit;
  if (config.normalize.whileFitting === 'hold' && holdLimit !== undefined && holdLimit > bound && 'mqtt' in config.input) {
    issues.push({ path: ['normalize', 'holdLimit'], message: `a held window of ${holdLimit} readings is larger than delivery.maxUnacknowledged (${bound}): held readings stay unacknowledged until their series freezes, so the input would stop before the window fills; lower holdLimit or raise the bound` });
  }
  return issues;
}
