import { invalidReason, type Normalized } from '../../src/index.js';
import { formatLine, protocolTime, type WritePrecision } from './line-protocol.js';
import type { DropReason } from './write-report.js';
import { optionKeys } from '../../src/options.js';

/**
 * What a reading whose normalized value is not a finite number (NaN, ±Infinity; e.g. a flagged
 * invalid input, or a zero-spread series under the `nan` policy) turns into. Line protocol cannot
 * carry NaN or ±Infinity (the client's `floatField` throws on them):
 * - `drop` (default): no line; counted in `WriteReport.dropped` under the value's reason;
 * - `raw-only`: a line with the raw field only, when the raw value is a finite number (counted in
 *   `WriteReport.rawOnly`); otherwise dropped and counted as under `drop`.
 */
export type InvalidValuePolicy = 'drop' | 'raw-only';

/** How a {@link Normalized} reading becomes a point. */
export interface PointOptions {
  /** Measurement name, or a function of the reading (default `'normalized'`). */
  measurement?: string | ((n: Normalized) => string);
  /** Field of the normalized value (default `'value'`). */
  field?: string;
  /** Also write the raw value (when it is a finite number) in a field of this name (`true`: `'raw'`). */
  raw?: boolean | string;
  /** Tag carrying the series id (default `'series'`; `false`: none). */
  seriesTag?: string | false;
  /** Tag carrying the phase (`fitting`, `frozen`, `passthrough`) (`true`: `'phase'`; default none). */
  phaseTag?: boolean | string;
  /** Tag carrying the statistics version (`true`: `'version'`; default none). */
  versionTag?: boolean | string;
  /** Tag carrying the output flag when there is one (`true`: `'flag'`; default none). */
  flagTag?: boolean | string;
  /** Tags added to every point (a reading's own tags win over them). */
  tags?: Readonly<Record<string, string>>;
  /** What happens to a reading whose normalized value is not finite (default `drop`). */
  invalid?: InvalidValuePolicy;
  /** Write precision of the timestamps (default `ms`, the unit of `Reading.time`). */
  precision?: WritePrecision;
}

/** The keys of {@link PointOptions}. */
export const POINT_KEYS = optionKeys<PointOptions>({
  measurement: true, field: true, raw: true, seriesTag: true, phaseTag: true, versionTag: true, flagTag: true, tags: true, invalid: true, precision: true,
});

/** The outcome of {@link normalizedToLine}: a line, or the reason there is none. */
export type LineOutcome =
  | { line: string; rawOnly: boolean; truncated: boolean }
  | { dropped: DropReason };

function tagName(option: boolean | string | undefined, fallback: string): string | undefined {
  if (option === undefined || option === false || option === '') return undefined;
  return option === true ? fallback : option;
}

/**
 * Turns one normalized reading into a line of line protocol: series tags kept (empty values left
 * out), plus the series, phase, version and flag tags asked for; the normalized value as a float
 * field and optionally the raw value; the reading's own time at the write precision, or `now`
 * (ms) when it has none.
 *
 * @example
 * ```ts
 * import { normalizedToLine } from 'streamnorm/influx';
 * const n = { series: 's1', raw: 12, value: 0.5, time: 1700000000000, phase: 'frozen' as const, version: 1, tags: { site: 'a' } };
 * normalizedToLine(n, { raw: true, versionTag: true }, 0); // => { line: 'normalized,series=s1,site=a,version=1 raw=12,value=0.5 1700000000000', rawOnly: false, truncated: false }
 * normalizedToLine({ ...n, value: NaN }, {}, 0); // => { dropped: 'nan' }
 * ```
 */
export function normalizedToLine(n: Normalized, options: PointOptions, now: number): LineOutcome {
  const precision = options.precision ?? 'ms';
  const time = protocolTime(n.time ?? now, precision);
  if (time === undefined) return { dropped: 'bad-time' };
  const field = options.field ?? 'value';
  const rawField = tagName(options.raw, 'raw');
  const rawValid = rawField !== undefined && invalidReason(n.raw) === undefined;
  const fields: Record<string, number> = {};
  let rawOnly = false;
  const reason = invalidReason(n.value);
  if (reason === undefined) {
    fields[field] = n.value;
    if (rawValid) fields[rawField] = n.raw as number;
  } else if (options.invalid === 'raw-only' && invalidReason(n.raw) === undefined) {
    fields[rawField ?? 'raw'] = n.raw as number;
    rawOnly = true;
  } else {
    return { dropped: reason };
  }
  const tags: Record<string, string> = { ...options.tags, ...n.tags };
  const seriesTag = options.seriesTag === undefined ? 'series' : tagName(options.seriesTag, 'series');
  if (seriesTag) tags[seriesTag] = n.series;
  const phaseTag = tagName(options.phaseTag, 'phase');
  if (phaseTag) tags[phaseTag] = n.phase;
  const versionTag = tagName(options.versionTag, 'version');
  if (versionTag) tags[versionTag] = String(n.version);
  const flagTag = tagName(options.flagTag, 'flag');
  if (flagTag && n.flag !== undefined) tags[flagTag] = n.flag;
  const m = options.measurement ?? 'normalized';
  const measurement = typeof m === 'function' ? m(n) : m;
  const line = formatLine({ measurement, tags, fields, timestamp: time.text });
  return { line, rawOnly, truncated: time.truncated };
}
