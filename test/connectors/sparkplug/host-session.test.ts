import { describe, expect, it } from 'vitest';
import { SparkplugHostSession, decodeSparkplugPayload, encodeSparkplugPayload, parseSparkplugTopic, sparkplugEdgeNode, sparkplugSource } from 'streamnorm/sparkplug';
import { decodeWire, encodeWire, type WirePayload } from './wire.js';

const D = { Int8: 1, Int32: 3, Int64: 4, UInt32: 7, UInt64: 8, Float: 9, Double: 10, Boolean: 11, String: 12 };
const T = (type: string, device?: string): string => `spBv1.0/plant/${type}/gw${device === undefined ? '' : `/${device}`}`;

function born(): SparkplugHostSession {
  const s = new SparkplugHostSession();
  s.handle(T('NBIRTH'), encodeWire({ timestamp: 1000, seq: 0, metrics: [{ name: 'bdSeq', datatype: D.UInt64, longValue: 5n }, { name: 'Uptime', alias: 1, datatype: D.Double, doubleValue: 3 }, { name: 'Node Control/Rebirth', datatype: D.Boolean, booleanValue: false }] }), 0);
  s.handle(T('DBIRTH', 'press'), encodeWire({ timestamp: 1001, seq: 1, metrics: [{ name: 'Pressure', alias: 2, datatype: D.Double, doubleValue: 100 }, { name: 'Count', alias: 3, datatype: D.Int32, intValue: 1 }, { name: 'Mode', alias: 4, datatype: D.String, stringValue: 'auto' }] }), 0);
  return s;
}
const data = (seq: number, metrics: WirePayload['metrics'], device: string | null = 'press', timestamp = 2000): [string, Buffer] => [device === null ? T('NDATA') : T('DDATA', device), encodeWire({ timestamp, seq, metrics })];

describe('the hand-written test encoder agrees with the protobuf library (two independent codecs)', () => {
  it('encodes what protobufjs decodes, and decodes what protobufjs encodes', () => {
    const bytes = encodeWire({ timestamp: 5, seq: 255, metrics: [{ name: 'x', alias: 9, datatype: D.Int64, longValue: -2n }, { alias: 1, isNull: true }, { alias: 2, doubleValue: -0.25 }] });
    const p = decodeSparkplugPayload(bytes);
    expect(p.seq).toBe(255n);
    expect(p.metrics?.map((m) => [m.name, m.alias, m.long_value, m.is_null, m.double_value])).toEqual([
      ['x', 9n, 18446744073709551614n, undefined, undefined],
      [undefined, 1n, undefined, true, undefined],
      [undefined, 2n, undefined, undefined, -0.25],
    ]);
    const back = decodeWire(encodeSparkplugPayload({ seq: 7n, metrics: [{ alias: 3n, datatype: 10, double_value: 1.5 }] }));
    expect(back).toEqual({ seq: 7, metrics: [{ alias: 3, datatype: 10, doubleValue: 1.5 }] });
  });
});

describe('SparkplugHostSession', () => {
  it('learns names, aliases and types from BIRTHs; DATA by alias becomes one series per metric', () => {
    const s = born();
    const out = s.handle(...data(2, [{ alias: 2, doubleValue: 101.5 }, { alias: 3, intValue: -7 }, { alias: 4, stringValue: 'manual' }]));
    expect(out.readings).toEqual([
      { series: 'plant/gw/press/Pressure', value: 101.5, time: 2000, tags: { group: 'plant', edge: 'gw', device: 'press', metric: 'Pressure', datatype: 'Double' } },
      { series: 'plant/gw/press/Count', value: -7, time: 2000, tags: { group: 'plant', edge: 'gw', device: 'press', metric: 'Count', datatype: 'Int32' } },
    ]);
    expect(out.rebirth).toBeUndefined();
    expect([s.counters.births, s.counters.nonNumeric, s.counters.readings]).toEqual([2, 2, 5]);
    const node = s.handle(...data(3, [{ alias: 1, doubleValue: 4, timestamp: 2500 }], null));
    expect(node.readings.map((r) => [r.series, r.value, r.time])).toEqual([['plant/gw/Uptime', 4, 2500]]);
  });

  it('signed and 64-bit types: two’s complement in the unsigned fields', () => {
    const s = new SparkplugHostSession();
    const out = s.handle(T('NBIRTH'), encodeWire({ seq: 0, metrics: [
      { name: 'i8', datatype: D.Int8, intValue: 0xfb },
      { name: 'i64', datatype: D.Int64, longValue: -2n },
      { name: 'u32', datatype: D.UInt32, intValue: 0xffffffff },
      { name: 'f', datatype: D.Float, doubleValue: undefined, intValue: undefined },
    ] }), 0);
    expect(out.readings.map((r) => r.value)).toEqual([-5, -2, 4294967295]);
    expect(s.counters.noValue).toBe(1);
  });

  it('is_null gives a null reading (the operators count it missing); is_historical is tagged, or dropped', () => {
    const s = born();
    const out = s.handle(...data(2, [{ alias: 2, isNull: true }, { alias: 2, doubleValue: 99, isHistorical: true, timestamp: 10 }]));
    expect(out.readings.map((r) => [r.value, r.time, r.tags?.historical])).toEqual([[null, 2000, undefined], [99, 10, 'true']]);
    const drop = new SparkplugHostSession({ historical: 'drop' });
    const b = drop.handle(T('NBIRTH'), encodeWire({ seq: 0, metrics: [{ name: 'h', datatype: D.Double, doubleValue: 1, isHistorical: true }] }), 0);
    expect([b.readings.length, drop.counters.historical]).toEqual([0, 1]);
  });

  it('a seq gap asks for a rebirth, once per interval while the node has not reborn; 255 wraps to 0', () => {
    const s = born();
    expect(s.handle(...data(2, [])).rebirth).toBeUndefined();
    const gap = s.handle(...data(4, [{ alias: 2, doubleValue: 1 }]), 10);
    expect(gap.rebirth).toEqual({ group: 'plant', edge: 'gw', reason: 'seq-gap' });
    expect(gap.readings).toHaveLength(1); // the values that did arrive are still good
    expect(s.handle(...data(9, []), 20).rebirth).toBeUndefined(); // within rebirthIntervalMs
    expect(s.handle(...data(12, []), 6000).rebirth?.reason).toBe('seq-gap');
    expect([s.counters.seqGaps, s.counters.rebirthRequests]).toEqual([3, 2]);
    const w = born();
    for (let seq = 2; seq <= 255; seq++) w.handle(...data(seq, []));
    expect(w.handle(...data(0, [])).rebirth).toBeUndefined();
    expect(w.counters.seqGaps).toBe(0);
  });

  it('an unknown alias, or data from a node that was never born, asks for a rebirth', () => {
    const s = born();
    const out = s.handle(...data(2, [{ alias: 77, doubleValue: 1 }, { alias: 2, doubleValue: 5 }]));
    expect(out.rebirth?.reason).toBe('unknown-alias');
    expect(out.readings.map((r) => r.value)).toEqual([5]);
    const fresh = new SparkplugHostSession();
    const early = fresh.handle(...data(7, [{ alias: 2, doubleValue: 1 }, { name: 'Named', datatype: D.Double, doubleValue: 2 }]));
    expect(early.rebirth?.reason).toBe('not-born');
    expect(early.readings.map((r) => [r.series, r.value])).toEqual([['plant/gw/press/Named', 2]]); // named and typed: decodable
    expect(fresh.counters.notBorn).toBe(1);
  });

  it('an NDEATH matched by bdSeq marks every series of the node stale; a mismatched one is ignored; new values freshen', () => {
    const s = born();
    const wrong = s.handle(T('NDEATH'), encodeWire({ metrics: [{ name: 'bdSeq', datatype: D.UInt64, longValue: 4n }] }), 0);
    expect([wrong.stale, s.counters.deathsIgnored]).toEqual([undefined, 1]);
    const death = s.handle(T('NDEATH'), encodeWire({ metrics: [{ name: 'bdSeq', datatype: D.UInt64, longValue: 5n }] }), 0);
    expect(death.stale?.series.sort()).toEqual(['plant/gw/Node Control/Rebirth', 'plant/gw/Uptime', 'plant/gw/bdSeq', 'plant/gw/press/Count', 'plant/gw/press/Mode', 'plant/gw/press/Pressure']);
    expect(s.isStale('plant/gw/press/Pressure')).toBe(true);
    // after the node is dead its data asks for a rebirth; the NBIRTH and values make series fresh
    expect(s.handle(...data(3, [{ alias: 2, doubleValue: 1 }])).rebirth?.reason).toBe('not-born');
    s.handle(T('NBIRTH'), encodeWire({ seq: 0, metrics: [{ name: 'bdSeq', datatype: D.UInt64, longValue: 6n }, { name: 'Uptime', alias: 1, datatype: D.Double, doubleValue: 0 }] }), 0);
    expect([s.isStale('plant/gw/Uptime'), s.isStale('plant/gw/press/Pressure')]).toEqual([false, true]);
  });

  it('a DDEATH marks its device’s series stale', () => {
    const s = born();
    const out = s.handle(T('DDEATH', 'press'), encodeWire({ seq: 2 }), 0);
    expect(out.stale).toEqual({ group: 'plant', edge: 'gw', device: 'press', series: ['plant/gw/press/Pressure', 'plant/gw/press/Count', 'plant/gw/press/Mode'] });
    expect(s.isStale('plant/gw/Uptime')).toBe(false);
    expect(s.handle(...data(3, [{ alias: 2, doubleValue: 1 }])).rebirth?.reason).toBe('not-born');
  });

  it('a payload that is not protobuf is counted and reported, never thrown; other topics are ignored', () => {
    const s = born();
    const out = s.handle(T('DDATA', 'press'), Buffer.from([0x12, 0x10, 0x01]), 0);
    expect(out.malformed).toMatch(/not a Sparkplug B payload/);
    expect(s.handle('spBv1.0/STATE/host1', Buffer.from('{"online":true}'), 0).readings).toEqual([]);
    expect(s.handle(T('NCMD'), encodeWire({ metrics: [] }), 0).readings).toEqual([]);
    expect([s.counters.malformed, s.counters.ignored]).toEqual([1, 2]);
  });

  it('options are checked, unknown keys refused with the key named', () => {
    expect(() => new SparkplugHostSession({ historical: 'keep' as never })).toThrow(/historical must be/);
    expect(() => sparkplugSource({ connect: { url: 'mqtt://127.0.0.1:1' }, group: ['x'] } as never)).toThrow(/unknown option 'group'/);
    expect(() => sparkplugSource({ connect: { url: 'mqtt://127.0.0.1:1' }, groups: ['a/b'] })).toThrow(/bad group/);
    expect(() => sparkplugEdgeNode({ connect: { url: 'mqtt://127.0.0.1:1' }, group: 'g', edge: 'e', bdseq: 1 } as never)).toThrow(/unknown option 'bdseq'/);
    expect(() => sparkplugEdgeNode({ connect: { url: 'mqtt://127.0.0.1:1' }, group: 'g', edge: 'e/1' })).toThrow(/bad edge/);
    expect(() => sparkplugEdgeNode({ connect: { url: 'mqtt://127.0.0.1:1' }, group: 'g', edge: 'e', bdSeq: 256 })).toThrow(/bdSeq must be/);
  });

  it('parses topics strictly', () => {
    expect(parseSparkplugTopic('spBv1.0/g/DDATA/e')).toBeUndefined();
    expect(parseSparkplugTopic('spBv1.0/g/NBIRTH/e')).toEqual({ group: 'g', type: 'NBIRTH', edge: 'e' });
    expect(parseSparkplugTopic('spAv1.0/g/NBIRTH/e')).toBeUndefined();
    expect(parseSparkplugTopic('spBv1.0/g/XDATA/e')).toBeUndefined();
  });
});
