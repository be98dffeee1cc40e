import type { Normalized, OutputFlag, OutputPhase } from '../../src/reading.js';
import type { InvalidReason } from '../../src/values.js';
import { fromJsonNumber, toJsonNumber, type JsonNumber } from '../../src/json-number.js';

/**
 * The JSON a normalized reading is published as.
 *
 * NaN and ±Infinity are written as the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (as
 * everywhere streamnorm writes JSON, see `toJsonNumber`), never as the silent `null` of
 * `JSON.stringify`: in `value`, and in `raw` when the raw value is a number. A NaN value is what
 * the operators emit for a flagged invalid raw value or under the `nan` zero-spread policy, so
 * `flag` and `reason` travel along. A raw value that is not a number is kept as it came (so a raw
 * string "NaN" reads back as the number NaN; `reason` still says `not-a-number`).
 */
export interface NormalizedMessage {
  series: string;
  value: JsonNumber;
  raw: unknown;
  phase: OutputPhase;
  version: number;
  time?: number;
  flag?: OutputFlag;
  reason?: InvalidReason;
  tags?: Readonly<Record<string, string>>;
}

/**
 * Encodes a normalized reading as a {@link NormalizedMessage} JSON string. Tags are left out
 * unless `includeTags` (the topic usually carries them).
 *
 * @example
 * ```ts
 * import { encodeNormalized } from 'streamnorm/mqtt';
 * encodeNormalized({ series: 's', raw: 'x', value: NaN, phase: 'frozen', version: 1, flag: 'invalid', reason: 'not-a-number' }); // => '{"series":"s","value":"NaN","raw":"x","phase":"frozen","version":1,"flag":"invalid","reason":"not-a-number"}'
 * ```
 */
export function encodeNormalized(n: Normalized, includeTags = false): string {
  // a fixed key order: series, value, raw, phase, version, time, flag, reason, tags
  const out: Record<string, unknown> = { series: n.series, value: toJsonNumber(n.value) };
  out.raw = typeof n.raw === 'number' ? toJsonNumber(n.raw) : n.raw === undefined ? null : n.raw;
  out.phase = n.phase;
  out.version = n.version;
  if (n.time !== undefined) out.time = n.time;
  if (n.flag !== undefined) out.flag = n.flag;
  if (n.reason !== undefined) out.reason = n.reason;
  if (includeTags && n.tags !== undefined) out.tags = n.tags;
  return JSON.stringify(out);
}

/**
 * Decodes a {@link NormalizedMessage} back into a normalized reading (NaN and infinities
 * restored, in `value` and in a numeric `raw`). Throws an Error naming the first bad field.
 *
 * @example
 * ```ts
 * import { decodeNormalized } from 'streamnorm/mqtt';
 * decodeNormalized('{"series":"s","value":"NaN","raw":5,"phase":"frozen","version":2}').value; // => NaN
 * ```
 */
export function decodeNormalized(text: string): Normalized {
  const m = JSON.parse(text) as Partial<NormalizedMessage> | null;
  if (m === null || typeof m !== 'object') throw new Error('normalized message is not a JSON object');
  if (typeof m.series !== 'string') throw new Error('normalized message: series is not a string');
  const value = fromJsonNumber(m.value);
  if (value === undefined) throw new Error('normalized message: value is neither a number nor "NaN", "Infinity", "-Infinity"');
  if (m.phase !== 'fitting' && m.phase !== 'frozen' && m.phase !== 'passthrough') throw new Error('normalized message: bad phase');
  if (typeof m.version !== 'number') throw new Error('normalized message: version is not a number');
  const raw = fromJsonNumber(m.raw) ?? m.raw;
  const n: Normalized = { series: m.series, raw, value, phase: m.phase, version: m.version };
  if (typeof m.time === 'number') n.time = m.time;
  if (m.flag !== undefined) n.flag = m.flag;
  if (m.reason !== undefined) n.reason = m.reason;
  if (m.tags !== undefined) n.tags = m.tags;
  return n;
}
