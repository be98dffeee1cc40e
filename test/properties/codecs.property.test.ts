import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MALFORMED_REASONS, decodePayload, type CodecSpec, type DecodeResult } from 'streamnorm/mqtt';

/**
 * Property tests of every codec (fast-check): random input never throws out of a decoder, never
 * yields a reading from an invalid value (only numbers, or null for a reported missing reading,
 * and only from a value that is one), and every refusal names its reason and the field.
 */
const ctx = { receivedAt: 1_700_000_000_000, timeUnit: 'auto' as const };
const CODECS: [string, CodecSpec][] = [
  ['number', 'number'],
  ['json value', { kind: 'json', value: 'v', time: 't' }],
  ['json fields', { kind: 'json', fields: ['a', 'b.c'], time: 't', unit: 'u' }],
  ['json *', { kind: 'json', fields: '*' }],
  ['senml', 'senml'],
  ['custom (throws)', { kind: 'custom', decode: () => { throw new Error('boom'); } }],
];

/** What a payload may hold: bytes, text, JSON of any shape, and documents close to what the codecs read. */
const scalar = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.boolean(), fc.constant(null), fc.constantFrom('NaN', 'Infinity', '-inf', '1e400', '12abc', ' 3.5 ', '', '__proto__', 'constructor', 'toString'));
const payloads = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.string().map((s) => Buffer.from(s)),
  fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', ' Constructor ').map((s) => Buffer.from(s)), // names of Object.prototype (a CI run found __proto__ read as {})
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
  fc.record({ v: scalar, t: scalar, a: scalar, b: fc.oneof(scalar, fc.record({ c: scalar })), u: scalar }, { requiredKeys: [] }).map((o) => Buffer.from(JSON.stringify(o))),
  fc.array(fc.record({ bn: scalar, n: scalar, v: scalar, t: scalar, bt: scalar, bv: scalar, vs: scalar, u: scalar }, { requiredKeys: [] }), { maxLength: 4 }).map((a) => Buffer.from(JSON.stringify(a))),
);

function check(result: DecodeResult): void {
  for (const e of result.entries) {
    expect(e.value === null || typeof e.value === 'number').toBe(true);
    if (e.time !== undefined) expect(Number.isFinite(e.time)).toBe(true);
    if (e.name !== undefined) expect(typeof e.name).toBe('string');
  }
  for (const p of result.problems) {
    expect(MALFORMED_REASONS).toContain(p.reason);
    expect(p.detail.length).toBeGreaterThan(0);
  }
}

describe('codecs: property tests (fast-check)', () => {
  for (const [name, codec] of CODECS) {
    it(`${name}: never throws, yields only numbers (or null), names every refusal`, () => {
      fc.assert(
        fc.property(payloads, (payload) => {
          check(decodePayload(payload, codec, ctx, 1024));
        }),
        { numRuns: 400 },
      );
    });
  }

  it('json fields: a field whose value is not a number, null or a numeric string is refused, naming the field; the other fields still come', () => {
    fc.assert(
      fc.property(scalar, scalar, (a, c) => {
        const r = decodePayload(Buffer.from(JSON.stringify({ a, b: { c } })), { kind: 'json', fields: ['a', 'b.c'] }, ctx, 1024);
        for (const [field, raw] of [['a', a], ['c', c]] as const) {
          const numeric = typeof raw === 'number' || raw === null || (typeof raw === 'string' && /^\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(nan|inf|infinity))\s*$/i.test(raw));
          const entry = r.entries.find((e) => e.name === field);
          const problem = r.problems.find((p) => p.name === field);
          if (numeric) expect(entry).toBeDefined();
          else {
            expect(entry).toBeUndefined();
            expect(problem?.reason).toBe('wrong-type');
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('oversize and bad UTF-8 are refused before any codec runs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 65, maxLength: 200 }), (bytes) => {
        for (const [, codec] of CODECS) expect(decodePayload(Buffer.from(bytes), codec, ctx, 64).problems[0]?.reason).toBe('oversize');
      }),
    );
    expect(decodePayload(Buffer.from([0xff, 0xfe]), 'number', ctx, 64).problems[0]?.reason).toBe('bad-encoding');
  });
});
