import type { Reading } from '../../src/index.js';
import { optionKeys } from '../../src/options.js';

/** A point in time: milliseconds since the epoch, a `Date`, or an RFC 3339 string. */
export type TimeInput = number | Date | string;

/** What identifies a stored series: measurement, field and tags. */
export interface SeriesKey {
  measurement: string;
  field: string;
  tags: Readonly<Record<string, string>>;
}

/** What to read: one measurement, one or more fields, an optional tag filter, the series id rule. */
export interface SeriesSelector {
  /** Measurement to read. */
  measurement: string;
  /** Field or fields to read; each field of each tag set is a series. */
  field: string | readonly string[];
  /** Tag filter: each tag must equal the value, or one of the values when a list is given. */
  where?: Readonly<Record<string, string | readonly string[]>>;
  /** How a stored series is named in `Reading.series` (default {@link defaultSeriesId}). */
  seriesId?: (key: SeriesKey) => string;
}

/** The keys of {@link SeriesSelector}. */
export const SELECTOR_KEYS = optionKeys<SeriesSelector>({ measurement: true, field: true, where: true, seriesId: true });

/** The keys a history read adds to its connection and selector. */
export const HISTORY_KEYS = ['start', 'stop'] as const;

/** A reading with its time as an exact integer of microseconds (the unit tails deduplicate on). */
export interface TimedReading {
  reading: Reading;
  timeUs: number;
}

/**
 * The default series id of a stored series: its `series` tag when it has one (what `influxSink`
 * writes, so a normalized stream reads back under its own ids), else
 * `measurement,tag1=v1,tag2=v2/field` with tags sorted by key.
 *
 * @example
 * ```ts
 * import { defaultSeriesId } from 'streamnorm/influx';
 * defaultSeriesId({ measurement: 'env', field: 'temp', tags: { site: 'a', dev: '7' } }); // => 'env,dev=7,site=a/temp'
 * defaultSeriesId({ measurement: 'normalized', field: 'value', tags: { series: 'dev7/temp' } }); // => 'dev7/temp'
 * ```
 */
export function defaultSeriesId(key: SeriesKey): string {
  const own = key.tags.series;
  if (own !== undefined && own !== '') return own;
  let id = key.measurement;
  for (const k of Object.keys(key.tags).sort()) id += `,${k}=${key.tags[k]}`;
  return `${id}/${key.field}`;
}

/**
 * Converts a {@link TimeInput} to integer microseconds since the epoch (fractional milliseconds
 * are kept to the microsecond, RFC 3339 fractions to the microsecond). Throws a RangeError for a
 * value that is not a valid time.
 *
 * @example
 * ```ts
 * import { toEpochMicros } from 'streamnorm/influx';
 * toEpochMicros(1700000000123.5); // => 1700000000123500
 * toEpochMicros('2023-11-14T22:13:20.1234567Z'); // => 1700000000123456
 * ```
 */
export function toEpochMicros(t: TimeInput): number {
  if (t instanceof Date) t = t.getTime();
  if (typeof t === 'number') {
    if (!Number.isFinite(t)) throw new RangeError(`not a valid time: ${t}`);
    return Math.round(t * 1000);
  }
  const us = parseRfc3339Micros(t);
  if (us === undefined) throw new RangeError(`not a valid time: ${JSON.stringify(t)}`);
  return us;
}

/** Parses an RFC 3339 time (any fraction length, `Z` or offset) to integer microseconds. */
export function parseRfc3339Micros(s: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  const frac = (m[2] ?? '').slice(0, 6).padEnd(6, '0');
  return seconds * 1000 + Number(frac);
}

/** Formats integer microseconds as RFC 3339 with six fraction digits (for Flux). */
export function formatRfc3339Micros(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // 2023-11-14T22:13:20.123Z
  const micros = String(us - ms * 1000).padStart(3, '0');
  return `${iso.slice(0, 23)}${micros}Z`;
}

/** The fields of a selector as a list. */
export function fieldsOf(selector: SeriesSelector): readonly string[] {
  const fields = typeof selector.field === 'string' ? [selector.field] : selector.field;
  if (fields.length === 0) throw new Error('an influx source needs at least one field');
  return fields;
}

/** A reading of a stored value; tags with empty values (absent in InfluxQL answers) are left out. */
export function storedReading(selector: SeriesSelector, measurement: string, field: string, rawTags: Record<string, unknown>, timeUs: number, value: unknown): TimedReading {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawTags)) if (v !== '' && v !== null && v !== undefined) tags[k] = String(v);
  const series = (selector.seriesId ?? defaultSeriesId)({ measurement, field, tags });
  return { reading: { series, value, time: timeUs / 1000, tags }, timeUs };
}

/**
 * An error of a query: `status` when the server answered, `retryable` for 429, 5xx and network
 * errors (a tail polls again), not for a 4xx or a statement error (a tail errors at once).
 *
 * @example
 * ```ts
 * import { InfluxQueryError } from 'streamnorm/influx';
 * const e = new InfluxQueryError('InfluxQL query: database not found: plant', 200, false);
 * [e.name, e.retryable, e instanceof Error]; // => ['InfluxQueryError', false, true]
 * ```
 */
export class InfluxQueryError extends Error {
  override readonly name = 'InfluxQueryError';
  constructor(
    message: string,
    /** HTTP status, absent for a network error or a statement error. */
    readonly status: number | undefined,
    /** True for 429, 5xx and network errors: a tail polls again. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
