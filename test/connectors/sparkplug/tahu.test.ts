/**
 * Our Sparkplug B codec (protobufjs 8 with a schema written here from the specification) against
 * Eclipse Tahu's own JavaScript implementation, `sparkplug-payload` (EPL-2.0, its own .proto on
 * protobufjs 6; a test-only dependency): what Tahu encodes we decode, what we encode Tahu decodes,
 * so neither side's field numbers are checked only against themselves.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeSparkplugPayload, encodeSparkplugPayload, metricNumber } from 'streamnorm/sparkplug';

type TahuCodec = { encodePayload(p: unknown): Uint8Array; decodePayload(b: Uint8Array): { seq?: unknown; timestamp?: unknown; metrics?: Record<string, unknown>[] } };
const tahu = (createRequire(import.meta.url)('sparkplug-payload') as { get(ns: string): TahuCodec }).get('spBv1.0');
const num = (v: unknown): number => (typeof v === 'object' && v !== null && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : Number(v));

describe('Sparkplug B payloads: our codec and Eclipse Tahu (sparkplug-payload) read each other', () => {
  it('a birth encoded by Tahu: names, aliases, datatypes, values, seq and timestamps as Tahu wrote them', () => {
    const bytes = tahu.encodePayload({
      timestamp: 1_700_000_000_123,
      seq: 0,
      metrics: [
        { name: 'bdSeq', type: 'UInt64', value: 3 },
        { name: 'Temperature', alias: 7, type: 'Double', value: 21.5, timestamp: 1_700_000_000_100 },
        { name: 'Pressure', alias: 8, type: 'Float', value: 1.25 },
        { name: 'Count', alias: 9, type: 'Int32', value: -42 },
        { name: 'Big', alias: 10, type: 'Int64', value: 9_007_199_254_740_000 },
        { name: 'Running', alias: 11, type: 'Boolean', value: true },
        { name: 'Label', alias: 12, type: 'String', value: 'line 3' },
        { name: 'Missing', alias: 13, type: 'Double', value: null, isNull: true },
        { name: 'Old', alias: 14, type: 'Double', value: 1, isHistorical: true },
      ],
    });
    const p = decodeSparkplugPayload(bytes);
    expect(p.seq).toBe(0n);
    expect(p.timestamp).toBe(1_700_000_000_123n);
    const byName = new Map((p.metrics ?? []).map((m) => [m.name, m]));
    expect(byName.get('Temperature')).toMatchObject({ alias: 7n, datatype: 10, double_value: 21.5, timestamp: 1_700_000_000_100n });
    expect(metricNumber(byName.get('Temperature')!, byName.get('Temperature')!.datatype!)).toBe(21.5);
    expect(metricNumber(byName.get('Pressure')!, byName.get('Pressure')!.datatype!)).toBe(1.25);
    expect(metricNumber(byName.get('Count')!, byName.get('Count')!.datatype!)).toBe(-42);
    expect(metricNumber(byName.get('Big')!, byName.get('Big')!.datatype!)).toBe(9_007_199_254_740_000);
    expect(byName.get('Running')).toMatchObject({ datatype: 11, boolean_value: true });
    expect(metricNumber(byName.get('Running')!, byName.get('Running')!.datatype!)).toBe('non-numeric'); // booleans are not normalized (documented)
    expect(byName.get('Label')?.string_value).toBe('line 3');
    expect(byName.get('Missing')?.is_null).toBe(true);
    expect(byName.get('Old')?.is_historical).toBe(true);
  });

  it('data by alias, as our edge node encodes it: Tahu reads alias, datatype, value and seq', () => {
    const bytes = encodeSparkplugPayload({ timestamp: 1_700_000_000_500n, seq: 255n, metrics: [{ alias: 7n, datatype: 10, double_value: -0.75, timestamp: 1_700_000_000_400n }, { alias: 9n, datatype: 3, int_value: -42 }] });
    const p = tahu.decodePayload(bytes);
    expect(num(p.seq)).toBe(255);
    expect(num(p.timestamp)).toBe(1_700_000_000_500);
    expect(p.metrics?.map((m) => [num(m.alias), m.type, num(m.value)])).toEqual([
      [7, 'Double', -0.75],
      [9, 'Int32', -42],
    ]);
    expect(num(p.metrics?.[0]?.timestamp)).toBe(1_700_000_000_400);
  });
});
