import { decodeJson, type JsonCodecOptions } from './json.js';
import { decodeNumber } from './number.js';
import { decodeSenml } from './senml.js';
import type { DecodeContext, DecodeResult } from './types.js';

/** A codec of your own: text in, entries and problems out (it must not throw; if it does, the message counts as `bad-json`). */
export interface CustomCodec {
  kind: 'custom';
  decode(text: string, ctx: DecodeContext): DecodeResult;
}

/**
 * How payloads are read: `'number'` (plain text number), `'senml'` (RFC 8428 JSON), a
 * {@link JsonCodecOptions} object, or a {@link CustomCodec}.
 */
export type CodecSpec = 'number' | 'senml' | { kind: 'number' } | { kind: 'senml' } | JsonCodecOptions | CustomCodec;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decodes one payload with a codec, after two checks every codec shares: the size limit
 * (`oversize`) and UTF-8 (`bad-encoding`). Never throws.
 *
 * @example
 * ```ts
 * import { decodePayload } from 'streamnorm/mqtt';
 * const ctx = { receivedAt: 5, timeUnit: 'ms' } as const;
 * decodePayload(Buffer.from('{"v": 3, "t": 1}'), { kind: 'json', value: 'v', time: 't' }, ctx, 1024); // => { entries: [{ value: 3, time: 1 }], problems: [] }
 * decodePayload(Buffer.from('123456'), 'number', ctx, 4).problems[0]?.reason; // => 'oversize'
 * ```
 */
export function decodePayload(payload: Uint8Array, codec: CodecSpec, ctx: DecodeContext, maxBytes: number): DecodeResult {
  if (payload.byteLength > maxBytes) {
    return { entries: [], problems: [{ reason: 'oversize', detail: `${payload.byteLength} bytes > limit of ${maxBytes}` }] };
  }
  let text: string;
  try {
    text = UTF8.decode(payload);
  } catch {
    return { entries: [], problems: [{ reason: 'bad-encoding', detail: 'payload is not valid UTF-8' }] };
  }
  const kind = typeof codec === 'string' ? codec : codec.kind;
  switch (kind) {
    case 'number':
      return decodeNumber(text, ctx);
    case 'senml':
      return decodeSenml(text, ctx);
    case 'json':
      return decodeJson(text, codec as JsonCodecOptions, ctx);
    case 'custom':
      try {
        return (codec as CustomCodec).decode(text, ctx);
      } catch (e) {
        return { entries: [], problems: [{ reason: 'bad-json', detail: `custom codec threw: ${(e as Error).message}` }] };
      }
  }
}

/**
 * Checks a codec spec up front so a typo fails at configuration, not per message.
 *
 * @throws Error naming the unknown codec.
 *
 * @example
 * ```ts
 * import { checkCodec } from 'streamnorm/mqtt';
 * checkCodec({ kind: 'json', value: 'v' }); // => undefined
 * let message = '';
 * try { checkCodec('csv' as never); } catch (e) { message = (e as Error).message; }
 * message.startsWith('unknown codec "csv"'); // => true
 * ```
 */
export function checkCodec(codec: CodecSpec): void {
  const kind = typeof codec === 'string' ? codec : (codec as { kind?: unknown })?.kind;
  if (kind !== 'number' && kind !== 'senml' && kind !== 'json' && kind !== 'custom') {
    throw new Error(`unknown codec ${JSON.stringify(kind)}: use 'number', 'senml', { kind: 'json', ... } or { kind: 'custom', decode }`);
  }
  if (kind === 'custom' && typeof (codec as CustomCodec).decode !== 'function') {
    throw new Error('custom codec needs a decode(text, ctx) function');
  }
}
