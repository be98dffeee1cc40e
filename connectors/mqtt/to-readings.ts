import type { Reading } from '../../src/reading.js';
import { decodePayload, type CodecSpec } from './codecs/codec.js';
import type { DecodeProblem } from './codecs/types.js';
import { fillTemplate } from './topic-template.js';
import type { TopicPattern } from './topic-pattern.js';
import type { TimeUnit } from './time-unit.js';

/** How a series id is made: a template over the tags (and `{topic}`), or a function. */
export type SeriesNaming = string | ((tags: Readonly<Record<string, string>>, topic: string) => string);

/** Everything needed to turn one message on one pattern into readings. */
export interface ReadingRecipe {
  pattern: TopicPattern;
  codec: CodecSpec;
  timeUnit: TimeUnit;
  maxPayloadBytes: number;
  series?: SeriesNaming;
  /** MQTT 5 user properties to copy into tags: all (`true`), some (names), or none. */
  userPropertyTags?: boolean | readonly string[];
}

/** The readings and the refusals of one message. */
export interface MessageReadings {
  readings: Reading[];
  problems: DecodeProblem[];
}

/**
 * Turns one message into readings: decode the payload, then give each value its series id and
 * tags. Tags are the topic captures, MQTT 5 user properties when asked for, `unit` when the
 * payload has one, and `field` for a named value (a JSON field or SenML name; appended as
 * `captured/name` when the topic captured a `field` too). The default series id is the captures
 * in pattern order followed by the value's name, joined by `/` (the topic itself when the
 * pattern captures nothing). A series template with an unknown placeholder, or a series function
 * that throws or returns no id, refuses the value as `bad-series`. Event time is the payload's,
 * else the receive time; readings keep message order, and out-of-order event times are passed
 * on as they are for the operators' policy to judge.
 *
 * @example
 * ```ts
 * import { compileTopicPattern, messageReadings } from 'streamnorm/mqtt';
 * const recipe = { pattern: compileTopicPattern('sensors/+site/+device'), codec: { kind: 'json', fields: ['t'] }, timeUnit: 'ms', maxPayloadBytes: 1024 } as const;
 * messageReadings(recipe, 'sensors/s1/d7', Buffer.from('{"t": 20, "time": 5}'), 9).readings; // => [{ series: 's1/d7/t', value: 20, time: 5, tags: { site: 's1', device: 'd7', field: 't' } }]
 * ```
 */
export function messageReadings(
  recipe: ReadingRecipe,
  topic: string,
  payload: Uint8Array,
  receivedAt: number,
  userProperties?: Readonly<Record<string, string | string[]>>,
): MessageReadings {
  const captures = recipe.pattern.match(topic) ?? {};
  const { entries, problems } = decodePayload(payload, recipe.codec, { receivedAt, timeUnit: recipe.timeUnit }, recipe.maxPayloadBytes);
  const baseTags: Record<string, string> = { ...propertyTags(userProperties, recipe.userPropertyTags), ...captures };
  const readings: Reading[] = [];
  for (const entry of entries) {
    const tags = { ...baseTags };
    if (entry.name !== undefined) tags.field = tags.field === undefined ? entry.name : `${tags.field}/${entry.name}`;
    if (entry.unit !== undefined) tags.unit = entry.unit;
    const series = safeSeriesId(recipe, captures, entry.name, tags, topic);
    if (typeof series !== 'string') {
      const problem: DecodeProblem = { reason: 'bad-series', detail: series.problem };
      problems.push(entry.name === undefined ? problem : { ...problem, name: entry.name });
      continue;
    }
    readings.push({ series, value: entry.value, time: entry.time ?? receivedAt, tags });
  }
  return { readings, problems };
}

function safeSeriesId(
  recipe: ReadingRecipe,
  captures: Readonly<Record<string, string>>,
  name: string | undefined,
  tags: Readonly<Record<string, string>>,
  topic: string,
): string | { problem: string } {
  let id: unknown;
  try {
    id = seriesId(recipe, captures, name, tags, topic);
  } catch (e) {
    return { problem: `series function threw: ${(e as Error).message}` };
  }
  if (typeof id === 'object' && id !== null && 'missing' in id) return { problem: `series template needs {${String(id.missing)}}` };
  if (typeof id !== 'string' || id === '') return { problem: `series id ${JSON.stringify(id)} is not a non-empty string` };
  return id;
}

function seriesId(
  recipe: ReadingRecipe,
  captures: Readonly<Record<string, string>>,
  name: string | undefined,
  tags: Readonly<Record<string, string>>,
  topic: string,
): string | { missing: string } {
  const naming = recipe.series;
  if (typeof naming === 'function') return naming(tags, topic);
  if (typeof naming === 'string') return fillTemplate(naming, { ...tags, topic });
  const parts = recipe.pattern.names.map((n) => captures[n]).filter((v): v is string => v !== undefined);
  if (parts.length === 0) parts.push(topic);
  if (name !== undefined) parts.push(name);
  return parts.join('/');
}

function propertyTags(
  props: Readonly<Record<string, string | string[]>> | undefined,
  which: boolean | readonly string[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (props === undefined || which === undefined || which === false) return out;
  for (const [k, v] of Object.entries(props)) {
    if (which !== true && !which.includes(k)) continue;
    out[k] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}
