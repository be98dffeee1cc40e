import { describe, expect, it } from 'vitest';
import { detectTimeUnit, toMillis } from 'streamnorm/mqtt';

describe('toMillis', () => {
  const ms = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

  it('converts every explicit unit', () => {
    expect(toMillis(ms / 1000, 's')).toBeCloseTo(ms, 3);
    expect(toMillis(ms, 'ms')).toBe(ms);
    expect(toMillis(ms * 1000, 'us')).toBe(ms);
    expect(toMillis(ms * 1e6, 'ns')).toBeCloseTo(ms, 3); // beyond 2^53: within a microsecond
  });

  it('auto-detects each unit for timestamps between 1973 and 5138', () => {
    for (const t of [Date.UTC(1973, 2, 4), ms, Date.UTC(5000, 0, 1)]) {
      expect(toMillis(t / 1000, 'auto')).toBeCloseTo(t, 3);
      expect(toMillis(t, 'auto')).toBe(t);
      expect(toMillis(t * 1000, 'auto')).toBeCloseTo(t, 6);
      expect(toMillis(t * 1e6, 'auto')).toBeCloseTo(t, 3);
    }
  });

  it('reads a millisecond stamp before 1973-03-03 as seconds (documented limit)', () => {
    expect(detectTimeUnit(Date.UTC(1970, 5, 1))).toBe('s');
  });

  it('returns undefined for non-finite input', () => {
    expect(toMillis(NaN, 'auto')).toBeUndefined();
    expect(toMillis(Infinity, 's')).toBeUndefined();
  });
});
