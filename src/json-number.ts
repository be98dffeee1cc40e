/**
 * JSON has no NaN or ±Infinity (`JSON.stringify` silently writes `null` for them). Everywhere
 * streamnorm writes JSON (snapshots and scaler states, the retained stats messages, normalized
 * outputs) a number that may not be finite is a {@link JsonNumber}: the number itself when it is
 * finite, else the string `"NaN"`, `"Infinity"` or `"-Infinity"`, as protobuf's canonical JSON
 * mapping writes doubles. It reads back exactly, and keeps NaN apart from a missing value (`null`).
 */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/**
 * A number as JSON can carry it: finite numbers unchanged, NaN and ±Infinity as their strings.
 *
 * @example
 * ```ts
 * import { toJsonNumber } from 'streamnorm';
 * toJsonNumber(1.5); // => 1.5
 * toJsonNumber(NaN); // => 'NaN'
 * JSON.stringify({ invScale: toJsonNumber(-Infinity) }); // => '{"invScale":"-Infinity"}'
 * ```
 */
export function toJsonNumber(x: number): JsonNumber {
  if (x - x === 0) return x;
  return x !== x ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/**
 * The number a {@link JsonNumber} stands for; `undefined` for anything else (`null`, other
 * strings, objects), so a reader can refuse it and name the field.
 *
 * @example
 * ```ts
 * import { fromJsonNumber } from 'streamnorm';
 * fromJsonNumber(2); // => 2
 * fromJsonNumber('-Infinity'); // => -Infinity
 * fromJsonNumber('nan'); // => undefined
 * fromJsonNumber(null); // => undefined
 * ```
 */
export function fromJsonNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : undefined;
}
