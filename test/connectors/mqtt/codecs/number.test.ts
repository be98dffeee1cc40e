import { describe, expect, it } from 'vitest';
import { decodeNumber, parseNumberText } from 'streamnorm/mqtt';

const ctx = { receivedAt: 1_700_000_000_000, timeUnit: 'auto' } as const;

describe('parseNumberText', () => {
  it.each([
    ['21.5', 21.5],
    ['-3e2', -300],
    ['.5', 0.5],
    ['+7', 7],
    ['  42\n', 42],
    ['5.', 5],
  ])('reads %j', (text, value) => expect(parseNumberText(text)).toBe(value));

  it('keeps NaN and infinities as values, case-insensitive', () => {
    expect(parseNumberText('NaN')).toBeNaN();
    expect(parseNumberText('inf')).toBe(Infinity);
    expect(parseNumberText('-Infinity')).toBe(-Infinity);
  });

  it.each(['', '0x10', '1,5', '12abc', 'e5', '--1', 'true'])('refuses %j', (text) => {
    expect(parseNumberText(text)).toBeUndefined();
  });
});

describe('decodeNumber', () => {
  it('gives one entry stamped with the receive time', () => {
    expect(decodeNumber('21.5', ctx)).toEqual({ entries: [{ value: 21.5, time: ctx.receivedAt }], problems: [] });
  });

  it('counts an empty payload as missing-value and text as not-a-number', () => {
    expect(decodeNumber('  ', ctx).problems).toEqual([{ reason: 'missing-value', detail: 'empty payload' }]);
    const p = decodeNumber('warm', ctx);
    expect(p.entries).toEqual([]);
    expect(p.problems[0]?.reason).toBe('not-a-number');
    expect(p.problems[0]?.detail).toContain('"warm"');
  });
});
