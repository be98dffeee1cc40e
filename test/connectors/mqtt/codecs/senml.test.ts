import { describe, expect, it } from 'vitest';
import { decodeSenml } from 'streamnorm/mqtt';

const now = 1_700_000_000_000;
const ctx = { receivedAt: now, timeUnit: 'ms' } as const;

// Examples from RFC 8428, section 5.1.
describe('decodeSenml (RFC 8428 examples)', () => {
  it('5.1.1 single datapoint: no time means now', () => {
    const r = decodeSenml('[{"n":"urn:dev:ow:10e2073a01080063","u":"Cel","v":23.1}]', ctx);
    expect(r).toEqual({ entries: [{ name: 'urn:dev:ow:10e2073a01080063', value: 23.1, time: now, unit: 'Cel' }], problems: [] });
  });

  it('5.1.2 multiple datapoints: base name prefixes each name', () => {
    const r = decodeSenml(
      '[{"bn":"urn:dev:ow:10e2073a01080063:","n":"voltage","u":"V","v":120.1},{"n":"current","u":"A","v":1.2}]',
      ctx,
    );
    expect(r.entries).toEqual([
      { name: 'urn:dev:ow:10e2073a01080063:voltage', value: 120.1, time: now, unit: 'V' },
      { name: 'urn:dev:ow:10e2073a01080063:current', value: 1.2, time: now, unit: 'A' },
    ]);
  });

  it('5.1.3 multiple measurements: base time, relative offsets, base unit', () => {
    const pack = [
      { bn: 'urn:dev:ow:10e2073a0108006:', bt: 1.276020076001e9, bu: 'A', bver: 5, n: 'voltage', u: 'V', v: 120.1 },
      { n: 'current', t: -5, v: 1.2 },
      { n: 'current', t: -4, v: 1.3 },
      { n: 'current', t: -3, v: 1.4 },
      { n: 'current', t: -2, v: 1.5 },
      { n: 'current', t: -1, v: 1.6 },
      { n: 'current', v: 1.7 },
    ];
    const r = decodeSenml(JSON.stringify(pack), ctx);
    expect(r.problems).toEqual([]);
    expect(r.entries[0]).toEqual({ name: 'urn:dev:ow:10e2073a0108006:voltage', value: 120.1, time: 1.276020076001e12, unit: 'V' });
    const currents = r.entries.slice(1);
    expect(currents.map((e) => e.unit)).toEqual(Array(6).fill('A'));
    expect(currents.map((e) => e.value)).toEqual([1.2, 1.3, 1.4, 1.5, 1.6, 1.7]);
    currents.forEach((e, i) => expect(e.time).toBeCloseTo((1.276020076001e9 + i - 5) * 1000, 3));
  });

  it('5.1.5 multiple data types: only numeric v is taken, the rest counted as unsupported', () => {
    const pack = [
      { bn: 'urn:dev:ow:10e2073a01080063:', bt: 1.320067464e9 },
      { n: 'temperature', u: 'Cel', v: 23.1 },
      { n: 'label', vs: 'Machine Room' },
      { n: 'open', vb: false },
      { n: 'nfc-reader', vd: 'aGkgCg' },
    ];
    const r = decodeSenml(JSON.stringify(pack), ctx);
    // the first record carries base fields only and no value
    expect(r.entries).toEqual([{ name: 'urn:dev:ow:10e2073a01080063:temperature', value: 23.1, time: 1.320067464e12, unit: 'Cel' }]);
    expect(r.problems.map((p) => p.reason)).toEqual(['missing-value', 'unsupported-value', 'unsupported-value', 'unsupported-value']);
    expect(r.problems[1]?.name).toBe('urn:dev:ow:10e2073a01080063:label');
  });

  it('resolves relative times against the receive time', () => {
    const r = decodeSenml('[{"n":"x","t":-10,"v":1},{"n":"x","bt":5,"t":1,"v":2}]', ctx);
    expect(r.entries.map((e) => e.time)).toEqual([now - 10_000, now + 6_000]);
  });

  it('adds the base value to v and lets a value-less record take the base value', () => {
    const r = decodeSenml('[{"bn":"p","bv":100,"n":"a","v":1},{"n":"b"}]', ctx);
    expect(r.entries.map((e) => [e.name, e.value])).toEqual([
      ['pa', 101],
      ['pb', 100],
    ]);
  });

  it('counts a sum-only record as unsupported', () => {
    expect(decodeSenml('[{"n":"e","s":5}]', ctx).problems[0]?.reason).toBe('unsupported-value');
  });
});

describe('decodeSenml (malformed packs)', () => {
  it.each([
    ['{"n":"x","v":1}', 'bad-senml'],
    ['[{"n":"x","v":1}', 'bad-json'],
    ['[5]', 'bad-senml'],
    ['[{"v":1}]', 'bad-senml'],
    ['[{"bn":7,"n":"x","v":1}]', 'bad-senml'],
    ['[{"bt":"now","n":"x","v":1}]', 'bad-senml'],
    ['[{"n":3,"v":1}]', 'bad-senml'],
    ['[{"n":"x","t":"0","v":1}]', 'bad-senml'],
    ['[{"n":"x","v":"1"}]', 'wrong-type'],
    ['[{"n":"x","v":null}]', 'wrong-type'],
    ['[{"n":"x"}]', 'missing-value'],
  ])('%s is %s', (text, reason) => {
    const r = decodeSenml(text, ctx);
    expect(r.entries).toEqual([]);
    expect(r.problems.map((p) => p.reason)).toEqual([reason]);
  });

  it('keeps the good records of a pack with a bad one', () => {
    const r = decodeSenml('[{"n":"a","v":1},{"n":"b","vb":true},{"n":"c","v":3}]', ctx);
    expect(r.entries.map((e) => e.name)).toEqual(['a', 'c']);
    expect(r.problems).toHaveLength(1);
  });
});
