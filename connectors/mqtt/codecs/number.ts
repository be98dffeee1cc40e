import { parseNumberText } from './value.js';
import type { DecodeContext, DecodeResult } from './types.js';

/**
 * Decodes a plain-number payload: the whole text is one value (see {@link parseNumberText}); the
 * event time is the receive time. Empty text is `missing-value`, other non-numbers `not-a-number`.
 *
 * @example
 * ```ts
 * import { decodeNumber } from 'streamnorm/mqtt';
 * const ctx = { receivedAt: 1000, timeUnit: 'auto' } as const;
 * decodeNumber('21.5', ctx); // => { entries: [{ value: 21.5, time: 1000 }], problems: [] }
 * decodeNumber('warm', ctx).problems[0]?.reason; // => 'not-a-number'
 * ```
 */
export function decodeNumber(text: string, ctx: DecodeContext): DecodeResult {
  if (text.trim() === '') return { entries: [], problems: [{ reason: 'missing-value', detail: 'empty payload' }] };
  const value = parseNumberText(text);
  if (value === undefined) {
    const shown = text.length > 40 ? text.slice(0, 40) + '…' : text;
    return { entries: [], problems: [{ reason: 'not-a-number', detail: `payload ${JSON.stringify(shown)} is not a number` }] };
  }
  return { entries: [{ value, time: ctx.receivedAt }], problems: [] };
}
