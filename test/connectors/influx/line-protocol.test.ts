import { describe, expect, it } from 'vitest';
import { escapeKey, escapeMeasurement, formatLine, lineToNanoseconds, protocolTime, WRITE_PRECISIONS } from 'streamnorm/influx';

describe('line protocol formatting', () => {
  it('escapes measurement names, tag keys and values, field keys', () => {
    expect(escapeMeasurement('a,b c=d')).toBe('a\\,b\\ c=d');
    expect(escapeKey('a,b c=d')).toBe('a\\,b\\ c\\=d');
    expect(escapeKey('line\nbreak\ttab\r')).toBe('line\\nbreak\\ttab\\r');
    expect(escapeKey('plain')).toBe('plain');
  });

  it('formats a point with sorted tags, sorted fields, empty tag values left out', () => {
    const line = formatLine({ measurement: 'm x', tags: { z: '1', a: 'v,w', empty: '' }, fields: { value: -1.25, raw: 3 }, timestamp: '42' });
    expect(line).toBe('m\\ x,a=v\\,w,z=1 raw=3,value=-1.25 42');
    expect(formatLine({ measurement: 'm', fields: { v: 1 } })).toBe('m v=1');
    expect(() => formatLine({ measurement: 'm', fields: {} })).toThrow(/at least one field/);
    expect(() => formatLine({ measurement: 'm', fields: { v: NaN } })).toThrow(RangeError);
  });

  it('formats floats losslessly, refusing NaN and ±Infinity', () => {
    const field = (x: number): string => formatLine({ measurement: 'm', fields: { v: x } }).slice('m v='.length);
    for (const x of [0.1, 1 / 3, -2.5e-300, 1.7976931348623157e308, 5e-324, 123456789012345680000]) {
      expect(Number(field(x))).toBe(x);
    }
    expect(field(-0)).toBe('0');
    expect(field(3)).toBe('3'); // no i suffix: it stays a float
    expect(() => field(NaN)).toThrow(/NaN/);
    expect(() => field(Infinity)).toThrow(/Infinity/);
    expect(() => field(-Infinity)).toThrow(/-Infinity/);
    expect(() => formatLine({ measurement: '', fields: { v: 1 } })).toThrow(/needs a measurement/);
  });

  it('converts millisecond times to every precision exactly, flagging real truncation only', () => {
    const ms = 1_795_000_000_123;
    expect(WRITE_PRECISIONS.map((p) => protocolTime(ms, p)?.text)).toEqual(['1795000000123000000', '1795000000123000', '1795000000123', '1795000000']);
    expect(WRITE_PRECISIONS.map((p) => protocolTime(ms, p)?.truncated)).toEqual([false, false, false, true]);
    // A fractional millisecond: kept at us and ns (to the double's resolution), truncated at ms.
    const frac = ms + 0.25;
    expect(protocolTime(frac, 'us')).toEqual({ text: '1795000000123250', truncated: false });
    expect(protocolTime(frac, 'ns')).toEqual({ text: '1795000000123250000', truncated: false });
    expect(protocolTime(frac, 'ms')).toEqual({ text: '1795000000123', truncated: true });
    // 0.123 ms is not a double: its representation noise (~0.1 µs here) is not counted as truncation at us.
    expect(protocolTime(ms + 0.123, 'us')).toEqual({ text: '1795000000123123', truncated: false });
    // Before 1970: floor, as for positive times.
    expect(protocolTime(-1500, 's')).toEqual({ text: '-2', truncated: true });
    expect(protocolTime(-1, 'ms')).toEqual({ text: '-1', truncated: false });
    expect(protocolTime(Infinity, 'ms')).toBeUndefined();
    expect(protocolTime(NaN, 'ns')).toBeUndefined();
  });

  it('rewrites a line to nanoseconds for the spill file, leaving lines without a timestamp alone', () => {
    expect(lineToNanoseconds('m,t=a\\ b v=1 17', 'ms')).toBe('m,t=a\\ b v=1 17000000');
    expect(lineToNanoseconds('m v=1 17', 'us')).toBe('m v=1 17000');
    expect(lineToNanoseconds('m v=1 17', 's')).toBe('m v=1 17000000000');
    expect(lineToNanoseconds('m v=1 -17', 'ms')).toBe('m v=1 -17000000');
    expect(lineToNanoseconds('m v=1 17', 'ns')).toBe('m v=1 17');
    expect(lineToNanoseconds('m v=1', 'ms')).toBe('m v=1');
    expect(lineToNanoseconds('m\\ 1 v=1', 'ms')).toBe('m\\ 1 v=1');
  });
});
