import { escape, Point } from '@influxdata/influxdb-client';

/**
 * Line protocol as the InfluxDB client writes it: its `escape` and its `Point` make every line,
 * byte for byte what `WriteApi.writePoint` would send. Hand-written here only what the client does
 * not do exactly: timestamps from fractional milliseconds to an integer at any precision (the
 * client floors a number to whole units and goes through `Date` for ns), a refusal of NaN and
 * ±Infinity with a `RangeError` before a point is built, and rewriting a line's timestamp to
 * nanoseconds for the spill file.
 */

/**
 * Write precision of line protocol timestamps: nanoseconds, microseconds, milliseconds or seconds.
 * `Reading.time` is in milliseconds (possibly fractional); `ms` keeps whole milliseconds, `us` and
 * `ns` keep the fraction, `s` truncates to whole seconds.
 */
export type WritePrecision = 'ns' | 'us' | 'ms' | 's';

/** Every {@link WritePrecision}, finest first. */
export const WRITE_PRECISIONS: readonly WritePrecision[] = ['ns', 'us', 'ms', 's'];

const NS_PER_UNIT: Record<WritePrecision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

/**
 * Escapes a measurement name for line protocol (comma, space; line breaks and tabs become `\n`,
 * `\r`, `\t` so that one point stays one line): the InfluxDB client's `escape.measurement`.
 *
 * @example
 * ```ts
 * import { escapeMeasurement } from 'streamnorm/influx';
 * escapeMeasurement('room temp,C'); // => 'room\\ temp\\,C'
 * ```
 */
export const escapeMeasurement = (name: string): string => escape.measurement(name);

/**
 * Escapes a tag key, tag value or field key for line protocol (comma, equals sign, space; line
 * breaks and tabs as in {@link escapeMeasurement}): the InfluxDB client's `escape.tag`.
 *
 * @example
 * ```ts
 * import { escapeKey } from 'streamnorm/influx';
 * escapeKey('a=b c'); // => 'a\\=b\\ c'
 * ```
 */
export const escapeKey = (key: string): string => escape.tag(key);

/** The spacing of doubles around `x`, in nanoseconds when `x` is in milliseconds (at least 1). */
function ulpNs(ms: number): number {
  const a = Math.abs(ms);
  if (a < 2 ** -52) return 1;
  return Math.max(1, Math.ceil(2 ** (Math.floor(Math.log2(a)) - 52) * 1e6));
}

/** The result of {@link protocolTime}: the timestamp text and whether it lost more than rounding noise. */
export interface ProtocolTime {
  /** Integer timestamp at the write precision, as line protocol wants it. */
  text: string;
  /** True when the time had a part finer than the precision (beyond the double's own resolution). */
  truncated: boolean;
}

/**
 * Converts a time in milliseconds since the epoch (possibly fractional) to an integer timestamp at
 * a write precision, exactly (BigInt arithmetic, no 2^53 overflow at `ns`).
 *
 * The time is first rounded to the nearest nanosecond (a double near 1.7e12 ms resolves ~0.24 µs,
 * so the digits beyond are noise), then floored to the precision, as InfluxDB truncates.
 * `truncated` says whether the floor dropped more than that noise. Returns `undefined` for a time
 * that is not a finite number.
 *
 * @example
 * ```ts
 * import { protocolTime } from 'streamnorm/influx';
 * protocolTime(1700000000123, 'ms'); // => { text: '1700000000123', truncated: false }
 * protocolTime(1700000000123, 'ns'); // => { text: '1700000000123000000', truncated: false }
 * protocolTime(1700000000123.5, 'us'); // => { text: '1700000000123500', truncated: false }
 * protocolTime(1700000000123, 's'); // => { text: '1700000000', truncated: true }
 * protocolTime(NaN, 'ms'); // => undefined
 * ```
 */
export function protocolTime(ms: number, precision: WritePrecision): ProtocolTime | undefined {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return undefined;
  const whole = Math.floor(ms);
  const frac = ms - whole; // exact for doubles
  const ns = BigInt(whole) * 1_000_000n + BigInt(Math.round(frac * 1e6));
  const unit = NS_PER_UNIT[precision];
  let q = ns / unit;
  let r = ns % unit;
  if (r < 0n) {
    q -= 1n;
    r += unit;
  }
  return { text: q.toString(), truncated: r > BigInt(ulpNs(ms)) };
}

/** One point to format: names, tags, float fields and a timestamp already at the write precision. */
export interface LinePoint {
  measurement: string;
  /** Tags; empty values are left out (InfluxDB refuses them). Keys are written sorted. */
  tags?: Readonly<Record<string, string>>;
  /** Float fields, finite numbers only (written in the shortest text that reads back the same double); at least one. */
  fields: Readonly<Record<string, number>>;
  /** Timestamp text at the write precision (see {@link protocolTime}); omitted: server time. */
  timestamp?: string;
}

/**
 * Formats one point as a line of line protocol: `measurement,tag=v field=1.5 1700000000123`.
 * Throws a RangeError when there is no field or a field is not finite.
 *
 * @example
 * ```ts
 * import { formatLine } from 'streamnorm/influx';
 * const point = { measurement: 'norm', tags: { site: 'a b', series: 's1' }, fields: { value: 0.5 }, timestamp: '17' };
 * formatLine(point); // => 'norm,series=s1,site=a\\ b value=0.5 17'
 * ```
 */
export function formatLine(p: LinePoint): string {
  const point = new Point(p.measurement);
  if (p.tags) {
    for (const [key, value] of Object.entries(p.tags)) point.tag(key, value === undefined || value === null ? '' : String(value));
  }
  for (const [key, value] of Object.entries(p.fields)) {
    if (!Number.isFinite(value)) throw new RangeError(`line protocol cannot carry the float ${value}`);
    point.floatField(key, value);
  }
  const line = point.timestamp(p.timestamp ?? '').toLineProtocol();
  if (line === undefined) throw new RangeError('a line protocol point needs a measurement and at least one field');
  return line;
}

/**
 * Rewrites the timestamp of a line written at `precision` to nanoseconds (appending zeros, exact),
 * so that lines of any precision can share one file. A line without a timestamp is returned as is.
 *
 * @example
 * ```ts
 * import { lineToNanoseconds } from 'streamnorm/influx';
 * lineToNanoseconds('m value=1 1700000000123', 'ms'); // => 'm value=1 1700000000123000000'
 * ```
 */
export function lineToNanoseconds(line: string, precision: WritePrecision): string {
  if (precision === 'ns') return line;
  const space = line.lastIndexOf(' ');
  const ts = line.slice(space + 1);
  // A timestamp is the third space-separated section; the fields section always contains '='.
  if (space < 0 || !/^-?\d+$/.test(ts) || !line.slice(0, space).includes(' ')) return line;
  const zeros = precision === 'us' ? '000' : precision === 'ms' ? '000000' : '000000000';
  return `${line.slice(0, space + 1)}${ts === '0' ? '0' : ts + zeros}`;
}
