import { describe, expect, it } from 'vitest';
import { decodeJson, readJsonPath, type JsonCodecOptions } from 'streamnorm/mqtt';

const ctx = { receivedAt: 1_000, timeUnit: 'auto' } as const;
const single: JsonCodecOptions = { kind: 'json' };

describe('readJsonPath', () => {
  it('follows dotted paths, brackets and numeric segments', () => {
    const doc = { a: { b: [{ c: 1 }, { c: 2 }] } };
    expect(readJsonPath(doc, 'a.b[1].c')).toBe(2);
    expect(readJsonPath(doc, 'a.b.0.c')).toBe(1);
    expect(readJsonPath(doc, '')).toBe(doc);
    expect(readJsonPath(doc, 'a.x.c')).toBeUndefined();
    expect(readJsonPath(doc, 'a.b.x')).toBeUndefined();
    expect(readJsonPath(5, 'a')).toBeUndefined();
    expect(readJsonPath({}, 'constructor')).toBeUndefined();
  });
});

describe('decodeJson', () => {
  it('reads the default value and time paths, receive time when no time', () => {
    expect(decodeJson('{"value": 3}', single, ctx).entries).toEqual([{ value: 3, time: 1_000 }]);
    expect(decodeJson('{"value": 3, "time": 1700000000123}', single, ctx).entries).toEqual([{ value: 3, time: 1_700_000_000_123 }]);
  });

  it('reads configured paths for value, time and unit', () => {
    const spec: JsonCodecOptions = { kind: 'json', value: 'm.v', time: 'm.ts', unit: 'm.u' };
    expect(decodeJson('{"m": {"v": -1.5, "ts": 1700000000, "u": "Cel"}}', spec, ctx).entries).toEqual([
      { value: -1.5, time: 1_700_000_000_000, unit: 'Cel' },
    ]);
  });

  it('honours an explicit time unit', () => {
    const spec: JsonCodecOptions = { kind: 'json', time: 't' };
    const r = decodeJson('{"value": 1, "t": 1700000000000000000}', spec, { receivedAt: 0, timeUnit: 'ns' });
    expect(r.entries[0]?.time).toBe(1_700_000_000_000);
    expect(decodeJson('{"value": 1, "t": 5}', spec, { receivedAt: 0, timeUnit: 'ms' }).entries[0]?.time).toBe(5);
  });

  it('reads date strings and numeric strings as timestamps', () => {
    expect(decodeJson('{"value": 1, "time": "2024-01-02T03:04:05.678Z"}', single, ctx).entries[0]?.time).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(decodeJson('{"value": 1, "time": "1700000000"}', single, ctx).entries[0]?.time).toBe(1_700_000_000_000);
  });

  it('reads a bare number with the empty value path', () => {
    expect(decodeJson('42', { kind: 'json', value: '' }, ctx).entries).toEqual([{ value: 42, time: 1_000 }]);
  });

  it('turns several fields into several entries, named by the last path segment or the map key', () => {
    const payload = '{"env": {"temp": 21, "hum": 40}, "ts": 1700000000}';
    const list = decodeJson(payload, { kind: 'json', fields: ['env.temp', 'env.hum'], time: 'ts' }, ctx);
    expect(list.entries).toEqual([
      { name: 'temp', value: 21, time: 1_700_000_000_000 },
      { name: 'hum', value: 40, time: 1_700_000_000_000 },
    ]);
    const map = decodeJson(payload, { kind: 'json', fields: { t: 'env.temp' }, time: 'ts' }, ctx);
    expect(map.entries).toEqual([{ name: 't', value: 21, time: 1_700_000_000_000 }]);
  });

  it("takes every top-level field but time and unit with fields: '*'", () => {
    const r = decodeJson('{"a": 1, "b": 2, "time": 5, "u": "V"}', { kind: 'json', fields: '*', unit: 'u' }, { receivedAt: 0, timeUnit: 'ms' });
    expect(r.entries).toEqual([
      { name: 'a', value: 1, time: 5, unit: 'V' },
      { name: 'b', value: 2, time: 5, unit: 'V' },
    ]);
  });

  it('keeps null as a reported missing reading and parses numeric and special strings', () => {
    const r = decodeJson('{"a": null, "b": "2.5", "c": "NaN"}', { kind: 'json', fields: ['a', 'b', 'c'] }, ctx);
    expect(r.problems).toEqual([]);
    expect(r.entries.map((e) => e.value)).toEqual([null, 2.5, NaN]);
  });

  it('judges each field on its own: good fields pass, bad ones are counted', () => {
    const r = decodeJson('{"a": 1, "b": true, "c": "warm", "d": [1], "e": {}}', { kind: 'json', fields: ['a', 'b', 'c', 'd', 'e', 'f'] }, ctx);
    expect(r.entries).toEqual([{ name: 'a', value: 1, time: 1_000 }]);
    expect(r.problems.map((p) => [p.name, p.reason])).toEqual([
      ['b', 'wrong-type'],
      ['c', 'wrong-type'],
      ['d', 'wrong-type'],
      ['e', 'wrong-type'],
      ['f', 'missing-value'],
    ]);
  });

  it('refuses bad JSON, a missing value and a bad timestamp', () => {
    expect(decodeJson('{"value": ', single, ctx).problems[0]?.reason).toBe('bad-json');
    expect(decodeJson('{"v": 1}', single, ctx).problems).toEqual([{ reason: 'missing-value', detail: 'no value at "value"' }]);
    for (const t of ['"yesterday"', 'true', '{}', '"NaN"']) {
      const r = decodeJson(`{"value": 1, "time": ${t}}`, single, ctx);
      expect(r.entries).toEqual([]);
      expect(r.problems[0]?.reason).toBe('bad-time');
    }
  });

  it('ignores a unit that is not a string', () => {
    expect(decodeJson('{"value": 1, "u": 5}', { kind: 'json', unit: 'u' }, ctx).entries).toEqual([{ value: 1, time: 1_000 }]);
  });
});
