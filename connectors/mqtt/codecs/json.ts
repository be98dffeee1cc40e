import { readJsonPath, splitPath } from './json-path.js';
import { coerceJsonValue, describe, isProblem, parseNumberText } from './value.js';
import { toMillis } from '../time-unit.js';
import type { DecodeContext, DecodedEntry, DecodeProblem, DecodeResult } from './types.js';

/**
 * Where a JSON codec finds things in a payload (paths as in {@link readJsonPath}).
 */
export interface JsonCodecOptions {
  kind: 'json';
  /** Path of the single value (default `'value'`; `''` for a payload that is a bare number). Ignored when `fields` is set. */
  value?: string;
  /**
   * Several values per message, each becoming its own reading and series: a list of paths (the
   * name is the last path segment), a map name → path, or `'*'` for every top-level key except
   * the time and unit paths.
   */
  fields?: readonly string[] | Readonly<Record<string, string>> | '*';
  /** Path of the timestamp (default `'time'`); absent in a payload means the receive time. */
  time?: string;
  /** Path of the unit string (default none); a non-string there is ignored. */
  unit?: string;
}

/**
 * Decodes a JSON payload with configurable paths for the value(s), timestamp and unit.
 *
 * Values: numbers as is, null as a reported missing reading, numeric strings parsed; an absent
 * path is `missing-value`, any other type `wrong-type`. With `fields`, each field is judged on
 * its own: good fields become readings even when another field of the message is refused.
 * Timestamps: a number in the source's time unit, a numeric string, or a date string
 * (`Date.parse`, e.g. RFC 3339); anything else there is `bad-time` for the whole message; none
 * means the receive time.
 *
 * @example
 * ```ts
 * import { decodeJson } from 'streamnorm/mqtt';
 * const ctx = { receivedAt: 0, timeUnit: 'auto' } as const;
 * const spec = { kind: 'json', fields: ['temp', 'hum'], time: 'ts', unit: 'u' } as const;
 * decodeJson('{"temp": 21.5, "hum": 40, "ts": 1700000000}', spec, ctx).entries; // => [{ name: 'temp', value: 21.5, time: 1700000000000 }, { name: 'hum', value: 40, time: 1700000000000 }]
 * decodeJson('{"temp": 21.5, "hum": true}', spec, ctx).problems[0]?.reason; // => 'wrong-type'
 * decodeJson('{"temp": ', spec, ctx).problems[0]?.reason; // => 'bad-json'
 * ```
 */
export function decodeJson(text: string, spec: JsonCodecOptions, ctx: DecodeContext): DecodeResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { entries: [], problems: [{ reason: 'bad-json', detail: (e as Error).message }] };
  }
  const timePath = spec.time ?? 'time';
  const time = readTime(readJsonPath(doc, timePath), timePath, ctx);
  if (isProblem(time)) return { entries: [], problems: [time] };
  const unitRaw = spec.unit === undefined ? undefined : readJsonPath(doc, spec.unit);
  const unit = typeof unitRaw === 'string' ? unitRaw : undefined;

  const entries: DecodedEntry[] = [];
  const problems: DecodeProblem[] = [];
  for (const [name, path] of fieldPaths(doc, spec, timePath)) {
    const where = path === '' ? 'the payload' : `"${path}"`;
    const value = coerceJsonValue(readJsonPath(doc, path), where);
    if (isProblem(value)) {
      problems.push(name === undefined ? value : { ...value, name });
      continue;
    }
    const entry: DecodedEntry = name === undefined ? { value } : { name, value };
    entry.time = time;
    if (unit !== undefined) entry.unit = unit;
    entries.push(entry);
  }
  return { entries, problems };
}

function fieldPaths(doc: unknown, spec: JsonCodecOptions, timePath: string): Array<[string | undefined, string]> {
  const { fields } = spec;
  if (fields === undefined) return [[undefined, spec.value ?? 'value']];
  if (fields === '*') {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return [[undefined, '']];
    const skip = new Set([timePath, spec.unit]);
    return Object.keys(doc)
      .filter((k) => !skip.has(k))
      .map((k) => [k, k]);
  }
  if (Array.isArray(fields)) return (fields as readonly string[]).map((p) => [splitPath(p).at(-1) ?? p, p]);
  return Object.entries(fields as Readonly<Record<string, string>>);
}

function readTime(raw: unknown, path: string, ctx: DecodeContext): number | DecodeProblem {
  if (raw === undefined || raw === null) return ctx.receivedAt;
  let ms: number | undefined;
  if (typeof raw === 'number') ms = toMillis(raw, ctx.timeUnit);
  else if (typeof raw === 'string') {
    const n = parseNumberText(raw);
    ms = n !== undefined ? toMillis(n, ctx.timeUnit) : dateMillis(raw);
  }
  if (ms === undefined) return { reason: 'bad-time', detail: `"${path}" is ${describe(raw)}, not a timestamp` };
  return ms;
}

function dateMillis(text: string): number | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
