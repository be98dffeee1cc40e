import type { DecodeProblem } from './types.js';

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** The special words, in a `Map`: a plain object would answer `__proto__` or `constructor` too. */
const SPECIAL: ReadonlyMap<string, number> = new Map([
  ['nan', NaN],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
  ['infinity', Infinity],
  ['+infinity', Infinity],
  ['-infinity', -Infinity],
]);

/**
 * Reads a number from text: a decimal literal (`21.5`, `-3e2`, `.5`), or `NaN`, `inf`,
 * `Infinity` with an optional sign, case-insensitive; surrounding whitespace is ignored. Anything
 * else (hex, `1,5`, `12abc`, empty) gives undefined.
 *
 * The special words are kept, not refused: they reach the pipeline as NaN or ±Infinity, where the
 * operators count them as invalid values of the series instead of as malformed messages.
 *
 * @example
 * ```ts
 * import { parseNumberText } from 'streamnorm/mqtt';
 * parseNumberText(' 21.5 '); // => 21.5
 * parseNumberText('-inf'); // => -Infinity
 * parseNumberText('12abc'); // => undefined
 * ```
 */
export function parseNumberText(text: string): number | undefined {
  const t = text.trim();
  if (DECIMAL.test(t)) return Number(t);
  return SPECIAL.get(t.toLowerCase());
}

/**
 * Coerces a JSON value found at a path to a reading value: a number as is, null as null (a
 * reported missing reading), a numeric string parsed with {@link parseNumberText}; undefined
 * gives `missing-value`, anything else `wrong-type`.
 */
export function coerceJsonValue(raw: unknown, where: string): number | null | DecodeProblem {
  if (typeof raw === 'number' || raw === null) return raw;
  if (raw === undefined) return { reason: 'missing-value', detail: `no value at ${where}` };
  if (typeof raw === 'string') {
    const n = parseNumberText(raw);
    if (n !== undefined) return n;
  }
  return { reason: 'wrong-type', detail: `${where} is ${describe(raw)}, not a number` };
}

/** A short description of a JSON value's type for messages (`a string "abc"`, `an object`). */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** Whether a value is a {@link DecodeProblem} rather than a decoded value. */
export function isProblem(v: unknown): v is DecodeProblem {
  return typeof v === 'object' && v !== null && 'reason' in v;
}
