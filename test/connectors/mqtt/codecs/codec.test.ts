import { describe, expect, it } from 'vitest';
import { checkCodec, decodePayload, type CodecSpec } from 'streamnorm/mqtt';

const ctx = { receivedAt: 10, timeUnit: 'ms' } as const;

describe('decodePayload', () => {
  it('dispatches to each codec', () => {
    expect(decodePayload(Buffer.from('1'), 'number', ctx, 100).entries).toEqual([{ value: 1, time: 10 }]);
    expect(decodePayload(Buffer.from('1'), { kind: 'number' }, ctx, 100).entries).toEqual([{ value: 1, time: 10 }]);
    expect(decodePayload(Buffer.from('[{"n":"a","v":2}]'), 'senml', ctx, 100).entries).toEqual([{ name: 'a', value: 2, time: 10 }]);
    expect(decodePayload(Buffer.from('{"value":3}'), { kind: 'json' }, ctx, 100).entries).toEqual([{ value: 3, time: 10 }]);
  });

  it('refuses an oversize payload before reading it', () => {
    const r = decodePayload(Buffer.alloc(101, 0x31), 'number', ctx, 100);
    expect(r.problems).toEqual([{ reason: 'oversize', detail: '101 bytes > limit of 100' }]);
    expect(decodePayload(Buffer.alloc(100, 0x31), 'number', ctx, 100).entries).toHaveLength(1);
  });

  it('refuses invalid UTF-8', () => {
    expect(decodePayload(Buffer.from([0x31, 0xff, 0xfe]), 'number', ctx, 100).problems[0]?.reason).toBe('bad-encoding');
  });

  it('runs a custom codec and contains its exceptions', () => {
    const good: CodecSpec = { kind: 'custom', decode: (text) => ({ entries: [{ value: text.length }], problems: [] }) };
    expect(decodePayload(Buffer.from('abc'), good, ctx, 100).entries).toEqual([{ value: 3 }]);
    const bad: CodecSpec = {
      kind: 'custom',
      decode: () => {
        throw new Error('boom');
      },
    };
    expect(decodePayload(Buffer.from('abc'), bad, ctx, 100).problems[0]?.detail).toContain('boom');
  });
});

describe('checkCodec', () => {
  it('accepts the known codecs and refuses others', () => {
    for (const c of ['number', 'senml', { kind: 'json' }, { kind: 'custom', decode: () => ({ entries: [], problems: [] }) }] as CodecSpec[]) {
      expect(() => checkCodec(c)).not.toThrow();
    }
    expect(() => checkCodec('csv' as unknown as CodecSpec)).toThrow(/unknown codec "csv"/);
    expect(() => checkCodec({ kind: 'custom' } as unknown as CodecSpec)).toThrow(/decode/);
  });
});
