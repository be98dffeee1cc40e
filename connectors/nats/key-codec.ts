/**
 * Series ids as NATS names, reversibly. Hand-written because no library does this one job: the
 * NATS clients' `Base64KeyCodec` makes keys a person cannot read and uses `=` padding, which is
 * no subject token character.
 *
 * One encoding serves KV keys (which allow `[-/=.\w]`) and subject tokens (no `.`, `*`, `>` or
 * white space): ASCII letters, digits and `-` stand for themselves; every other UTF-8 byte is `_`
 * and two upper-case hex digits (`/` is `_2F`, `_` itself `_5F`). So `site1/dev-7` reads as
 * `site1_2Fdev-7`, every key is one token, and two ids never share a key.
 */

const PLAIN = /^[A-Za-z0-9-]$/;

/**
 * Encodes a series id (any non-empty string: `,`, spaces, `.`, `/`, Unicode) as one NATS subject
 * token that is also a valid KV key; {@link decodeSeriesKey} reverses it.
 *
 * @throws Error for an empty series id.
 *
 * @example
 * ```ts
 * import { decodeSeriesKey, encodeSeriesKey } from 'streamnorm/nats';
 * encodeSeriesKey('site1/dev-7'); // => 'site1_2Fdev-7'
 * encodeSeriesKey('env,device=d1 t'); // => 'env_2Cdevice_3Dd1_20t'
 * decodeSeriesKey(encodeSeriesKey('Zürich.°C')); // => 'Zürich.°C'
 * ```
 */
export function encodeSeriesKey(series: string): string {
  if (typeof series !== 'string' || series === '') throw new Error(`a series id must be a non-empty string, got ${JSON.stringify(series)}`);
  let out = '';
  for (const ch of series) {
    if (PLAIN.test(ch)) {
      out += ch;
      continue;
    }
    for (const b of Buffer.from(ch, 'utf8')) out += `_${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Decodes a key made by {@link encodeSeriesKey} back into the series id.
 *
 * @throws Error naming the key when it is not such a key (a character outside `[A-Za-z0-9_-]`, an
 * `_` not followed by two upper-case hex digits, or bytes that are not UTF-8).
 *
 * @example
 * ```ts
 * import { decodeSeriesKey } from 'streamnorm/nats';
 * decodeSeriesKey('site1_2Fdev-7'); // => 'site1/dev-7'
 * ```
 */
export function decodeSeriesKey(key: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < key.length; i++) {
    const ch = key[i] as string;
    if (ch === '_') {
      const hex = key.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`not a series key: ${JSON.stringify(key)} (an _ must be followed by two upper-case hex digits, at ${i})`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (PLAIN.test(ch)) {
      bytes.push(ch.charCodeAt(0));
    } else {
      throw new Error(`not a series key: ${JSON.stringify(key)} (${JSON.stringify(ch)} at ${i} is never written by encodeSeriesKey)`);
    }
  }
  if (bytes.length === 0) throw new Error('not a series key: the empty string');
  const text = new TextDecoder('utf-8', { fatal: true });
  try {
    const series = text.decode(Uint8Array.from(bytes));
    if (encodeSeriesKey(series) !== key) throw new Error('not canonical');
    return series;
  } catch {
    throw new Error(`not a series key: ${JSON.stringify(key)} (its bytes are not the canonical UTF-8 of a series id)`);
  }
}
