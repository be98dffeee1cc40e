import type { Normalized, OutputFlag, OutputPhase } from '../../src/reading.js';
import type { InvalidReason } from '../../src/values.js';

/** A non-finite number, named (JSON has no NaN or Infinity). */
export type NonFinite = 'nan' | '+inf' | '-inf';

/**
 * The JSON a normalized reading is published as.
 *
 * NaN and ±Infinity are encoded deliberately, never as JSON's silent `null`-for-NaN of
 * `JSON.stringify`: `value` is `null` and `nonFinite` says which (`'nan'`, `'+inf'`, `'-inf'`);
 * the same for `raw` with `rawNonFinite`. A NaN value is what the operators emit for a flagged
 * invalid raw value or under the `nan` zero-spread policy, so `flag` and `reason` travel along.
 */
export interface NormalizedMessage {
  series: string;
  value: number | null;
  nonFinite?: NonFinite;
  raw: unknown;
  rawNonFinite?: NonFinite;
  phase: OutputPhase;
  version: number;
  time?: number;
  flag?: OutputFlag;
  reason?: InvalidReason;
  tags?: Readonly<Record<string, string>>;
}

function nonFinite(x: number): NonFinite {
  return x !== x ? 'nan' : x > 0 ? '+inf' : '-inf';
}

function fromNonFinite(tag: unknown): number | undefined {
  return tag === 'nan' ? NaN : tag === '+inf' ? Infinity : tag === '-inf' ? -Infinity : undefined;
}

/**
 * Encodes a normalized reading as a {@link NormalizedMessage} JSON string. Tags are left out
 * unless `includeTags` (the topic usually carries them).
 *
 * @example
 * ```ts
 * import { encodeNormalized } from 'streamnorm/mqtt';
 * encodeNormalized({ series: 's', raw: 'x', value: NaN, phase: 'frozen', version: 1, flag: 'invalid', reason: 'not-a-number' }); // => '{"series":"s","value":null,"nonFinite":"nan","raw":"x","phase":"frozen","version":1,"flag":"invalid","reason":"not-a-number"}'
 * ```
 */
export function encodeNormalized(n: Normalized, includeTags = false): string {
  // a fixed key order: series, value, nonFinite, raw, rawNonFinite, phase, version, time, flag, reason, tags
  const out: Record<string, unknown> = { series: n.series, value: Number.isFinite(n.value) ? n.value : null };
  if (!Number.isFinite(n.value)) out.nonFinite = nonFinite(n.value);
  if (typeof n.raw === 'number' && !Number.isFinite(n.raw)) {
    out.raw = null;
    out.rawNonFinite = nonFinite(n.raw);
  } else {
    out.raw = n.raw === undefined ? null : n.raw;
  }
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
 * restored). Throws an Error naming the first bad field.
 *
 * @example
 * ```ts
 * import { decodeNormalized } from 'streamnorm/mqtt';
 * decodeNormalized('{"series":"s","value":null,"nonFinite":"nan","raw":5,"phase":"frozen","version":2}').value; // => NaN
 * ```
 */
export function decodeNormalized(text: string): Normalized {
  const m = JSON.parse(text) as Partial<NormalizedMessage> | null;
  if (m === null || typeof m !== 'object') throw new Error('normalized message is not a JSON object');
  if (typeof m.series !== 'string') throw new Error('normalized message: series is not a string');
  const value = m.value === null ? fromNonFinite(m.nonFinite) : m.value;
  if (typeof value !== 'number') throw new Error('normalized message: value is neither a number nor null with nonFinite');
  if (m.phase !== 'fitting' && m.phase !== 'frozen' && m.phase !== 'passthrough') throw new Error('normalized message: bad phase');
  if (typeof m.version !== 'number') throw new Error('normalized message: version is not a number');
  const raw = m.rawNonFinite !== undefined ? fromNonFinite(m.rawNonFinite) : m.raw;
  const n: Normalized = { series: m.series, raw, value, phase: m.phase, version: m.version };
  if (typeof m.time === 'number') n.time = m.time;
  if (m.flag !== undefined) n.flag = m.flag;
  if (m.reason !== undefined) n.reason = m.reason;
  if (m.tags !== undefined) n.tags = m.tags;
  return n;
}
