import type { MalformedReason } from '../malformed.js';
import type { TimeUnit } from '../time-unit.js';

/** One value a codec found in a payload. */
export interface DecodedEntry {
  /** Field or SenML name when the payload names its values (several per message), else undefined. */
  name?: string;
  /** The value: a number (maybe NaN or ±Infinity from text), or null for a reported missing reading. */
  value: number | null;
  /** Event time in ms since the epoch, when the payload has one. */
  time?: number;
  /** Unit, when the payload has one. */
  unit?: string;
}

/** A part of a payload a codec refused, with why. */
export interface DecodeProblem {
  reason: MalformedReason;
  /** A short human-readable explanation (path, record index, the offending text). */
  detail: string;
  /** The field or SenML name concerned, when known. */
  name?: string;
}

/** What a codec made of one payload: the values it took and the parts it refused. */
export interface DecodeResult {
  entries: DecodedEntry[];
  problems: DecodeProblem[];
}

/** What a codec knows besides the payload text. */
export interface DecodeContext {
  /** Receive time in ms since the epoch (SenML relative times are resolved against it). */
  receivedAt: number;
  /** Unit of numeric timestamps in the payload (the source's `timeUnit`). */
  timeUnit: TimeUnit;
}
