import { describe, expect, it } from 'vitest';
import { MinMaxScaler, QuantileScaler, StandardScaler, type Normalized } from 'streamnorm';
import {
  backoffDelay,
  deadLetterMessage,
  decodeFrozenStats,
  decodeNormalized,
  encodeFrozenStats,
  encodeNormalized,
  fillTemplate,
  statsFilter,
  topicNameProblem,
} from 'streamnorm/mqtt';

describe('encodeNormalized / decodeNormalized', () => {
  const base: Normalized = { series: 's', raw: 3, value: 0.25, phase: 'frozen', version: 2, time: 1000, tags: { site: 'a' } };

  it('writes value, raw, phase, version and time, tags only on request', () => {
    expect(JSON.parse(encodeNormalized(base))).toEqual({ series: 's', value: 0.25, raw: 3, phase: 'frozen', version: 2, time: 1000 });
    expect(JSON.parse(encodeNormalized(base, true)).tags).toEqual({ site: 'a' });
  });

  it('encodes NaN and infinities as "NaN", "Infinity", "-Infinity", and restores them', () => {
    for (const [x, tag] of [
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
    ] as const) {
      const text = encodeNormalized({ ...base, value: x, raw: x });
      expect(JSON.parse(text)).toMatchObject({ value: tag, raw: tag });
      const back = decodeNormalized(text);
      expect(back.value).toBe(x);
      expect(back.raw).toBe(x);
    }
  });

  it('round-trips flags, reasons, strings and null raws', () => {
    const n: Normalized = { series: 's', raw: 'high', value: NaN, phase: 'passthrough', version: 0, flag: 'invalid', reason: 'not-a-number' };
    expect(decodeNormalized(encodeNormalized(n))).toEqual(n);
    const m: Normalized = { series: 's', raw: null, value: NaN, phase: 'fitting', version: 0, flag: 'invalid', reason: 'null' };
    expect(decodeNormalized(encodeNormalized(m))).toEqual(m);
  });

  it('refuses messages that are not normalized readings', () => {
    expect(() => decodeNormalized('5')).toThrow(/not a JSON object/);
    expect(() => decodeNormalized('{"series":"s","value":null,"raw":1,"phase":"frozen","version":1}')).toThrow(/value/);
    expect(() => decodeNormalized('{"series":"s","value":1,"raw":1,"phase":"x","version":1}')).toThrow(/phase/);
  });
});

describe('encodeFrozenStats / decodeFrozenStats', () => {
  it('round-trips the frozen parameters exactly, frozen again', () => {
    const params = new StandardScaler().learnMany([1e9 + 0.001, 1e9 + 0.002, 1e9 + 0.004]).freeze();
    const back = decodeFrozenStats(encodeFrozenStats('a/b', params));
    expect(back).toEqual({ series: 'a/b', params });
    expect(Object.isFrozen(back.params)).toBe(true);
  });

  it('carries the training moments and the quantile kind\'s map; refuses a quantile message without its map', () => {
    const params = new QuantileScaler({ outputDistribution: 'normal', clip: [-3, 3] }).learnMany([1, 2, 3, 10]).freeze();
    const text = encodeFrozenStats('q', params);
    expect(decodeFrozenStats(text)).toEqual({ series: 'q', params });
    const doc = JSON.parse(text);
    delete doc.params.quantileMap;
    expect(() => decodeFrozenStats(JSON.stringify(doc))).toThrow(/quantileMap is required/);
  });

  it('keeps clip bounds and a NaN invScale', () => {
    const clipped = new MinMaxScaler({ clip: true }).learnMany([0, 10]).freeze();
    expect(decodeFrozenStats(encodeFrozenStats('c', clipped)).params.clip).toEqual([0, 1]);
    const stuck = new StandardScaler({ zeroSpread: 'nan' }).learnMany([5, 5, 5]).freeze();
    const text = encodeFrozenStats('z', stuck);
    expect(JSON.parse(text).params.invScale).toBe('NaN');
    expect(decodeFrozenStats(text).params.invScale).toBeNaN();
  });

  it.each([
    ['{"format":"other"}', /not a streamnorm.frozen/],
    ['{"format":"streamnorm.frozen/1","series":1}', /series/],
    ['{"format":"streamnorm.frozen/1","series":"s","params":{"kind":"fancy"}}', /kind must be one of/],
    ['{"format":"streamnorm.frozen/1","series":"s","params":{"kind":"standard","pre":"none","center":"x"}}', /center/],
  ])('refuses %s', (text, message) => {
    expect(() => decodeFrozenStats(text)).toThrow(message);
  });
});

describe('topic helpers', () => {
  it('fills templates and reports the first missing placeholder', () => {
    expect(fillTemplate('a/{x}/{y}', { x: '1', y: '' })).toBe('a/1/');
    expect(fillTemplate('a/{x}/{y}', { x: '1' })).toEqual({ missing: 'y' });
    expect(fillTemplate('a/{toString}', {})).toEqual({ missing: 'toString' });
  });

  it('refuses topic names with wildcards, NUL or nothing', () => {
    expect(topicNameProblem('a/b')).toBeUndefined();
    expect(topicNameProblem('a/#')).toMatch(/wildcard/);
    expect(topicNameProblem('a\u0000b')).toMatch(/NUL/);
    expect(topicNameProblem('')).toMatch(/empty/);
  });

  it('derives the stats filter and insists on {series} last', () => {
    expect(statsFilter('x/{site}/{series}')).toBe('x/+/#');
    expect(() => statsFilter('x/{series}/y')).toThrow(/must end with/);
    expect(() => statsFilter('x/y')).toThrow(/must end with/);
  });
});

describe('backoffDelay', () => {
  it('grows by the factor up to the cap, with jitter taking off at most its share', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, { initialMs: 10, factor: 3, maxMs: 100, jitter: 0 }))).toEqual([10, 30, 90, 100]);
    expect(backoffDelay(2, { initialMs: 100, jitter: 0.5, random: () => 0 })).toBe(400);
    expect(backoffDelay(2, { initialMs: 100, jitter: 0.5, random: () => 0.999999 })).toBeCloseTo(200, 3);
  });

  it('refuses nonsense settings', () => {
    expect(() => backoffDelay(0, { jitter: 2 })).toThrow(/jitter/);
    expect(() => backoffDelay(0, { initialMs: -1 })).toThrow(/initialMs/);
    expect(() => backoffDelay(0, { factor: NaN })).toThrow(/factor/);
  });
});

describe('deadLetterMessage', () => {
  const problems = [
    { reason: 'wrong-type' as const, detail: 'b is a boolean', name: 'b' },
    { reason: 'missing-value' as const, detail: 'no c', name: 'c' },
  ];

  it('wraps the payload in a JSON envelope on MQTT 3.1.1', () => {
    const m = deadLetterMessage({ topic: 'dl/{reason}/{topic}', qos: 0 }, 4, 'x/y', Buffer.from([1, 2, 255]), problems, 9);
    expect(m.topic).toBe('dl/wrong-type/x/y');
    expect(m.publish).toEqual({ qos: 0 });
    const env = JSON.parse(m.payload.toString());
    expect(env).toEqual({ reasons: ['wrong-type', 'missing-value'], details: ['b: b is a boolean', 'c: no c'], topic: 'x/y', receivedAt: 9, payloadBase64: 'AQL/', payloadBytes: 3 });
  });

  it('keeps the raw payload and puts the reasons in user properties on MQTT 5', () => {
    const m = deadLetterMessage({}, 5, 'x/y', Buffer.from('{"b":true}'), problems, 9);
    expect(m.payload.toString()).toBe('{"b":true}');
    expect(m.publish.properties?.userProperties).toEqual({
      reason: ['wrong-type', 'missing-value'],
      detail: 'b: b is a boolean; c: no c',
      'source-topic': 'x/y',
      'received-at': '9',
      'payload-bytes': '10',
    });
    const env = deadLetterMessage({ format: 'envelope' }, 5, 'x/y', Buffer.from('ok'), problems.slice(0, 1), 9);
    expect(JSON.parse(env.payload.toString()).payloadText).toBe('ok');
    expect(env.publish.properties?.userProperties?.reason).toBe('wrong-type');
  });

  it('keeps at most 64 KiB of a payload, with its size and a truncated mark (a 10 MB payload is not republished whole)', () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x41);
    const raw = deadLetterMessage({}, 5, 'x/y', big, [{ reason: 'oversize', detail: 'too big' }], 9);
    expect(raw.payload.byteLength).toBe(64 * 1024);
    expect(raw.publish.properties?.userProperties).toMatchObject({ reason: 'oversize', 'payload-bytes': String(big.byteLength), truncated: 'true' });
    const env = JSON.parse(deadLetterMessage({}, 4, 'x/y', big, [{ reason: 'oversize', detail: 'too big' }], 9).payload.toString());
    expect(env).toMatchObject({ reasons: ['oversize'], payloadBytes: big.byteLength, truncated: true });
    expect(Buffer.from(env.payloadBase64, 'base64').byteLength).toBe(64 * 1024);
  });
});
