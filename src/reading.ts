import type { InvalidReason } from './values.js';

/**
 * One raw value of one series, as connectors produce it and operators take it.
 *
 * `value` is `unknown` on purpose: a payload may carry null, a string or NaN, and the operators'
 * invalid-value policy decides what happens to it (it never reaches the statistics).
 */
export interface Reading {
  /** Series id: one sensor's one field, e.g. `"site1/dev7/temperature"`. */
  series: string;
  /** The raw value (finite numbers are valid; anything else is counted as invalid). */
  value: unknown;
  /** Event time in milliseconds since the Unix epoch (may be fractional), if known. */
  time?: number;
  /** Tags from the topic or payload (site, device, field, unit, ...). */
  tags?: Readonly<Record<string, string>>;
}

/** The lifecycle phase an output was produced in. */
export type OutputPhase = 'fitting' | 'frozen' | 'passthrough';

/**
 * Why an output is flagged: `provisional` (normalized with statistics still being fitted),
 * `raw` (the raw value passed while fitting or for an unknown series), `invalid` (an invalid
 * value passed through under the `flag` policy), `zero-spread` (the frozen statistics had zero
 * spread), `fallback` (normalized with a fallback series' statistics), `held` (released from the
 * training window held back until the freeze), `clipped` (a frozen output limited by the scaler's
 * `clip` range).
 */
export type OutputFlag = 'provisional' | 'raw' | 'invalid' | 'zero-spread' | 'fallback' | 'held' | 'clipped';

/** One output of a normalizing operator. */
export interface Normalized {
  series: string;
  /** The raw value as it arrived. */
  raw: unknown;
  /** The normalized value (NaN when there is none, e.g. for a flagged invalid value). */
  value: number;
  time?: number;
  tags?: Readonly<Record<string, string>>;
  phase: OutputPhase;
  /** Version of the statistics used (0 for provisional or raw outputs). */
  version: number;
  /** Set when the output is not a plain frozen transform. */
  flag?: OutputFlag;
  /** The invalid reason when `flag` is `invalid`. */
  reason?: InvalidReason;
  /** The series' drift score after this reading (the CUSUM's larger sum, in standard deviations), when asked for. */
  drift?: number;
}
