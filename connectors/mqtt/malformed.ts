/**
 * Why a message (or one field of it) could not become a reading. Each is counted per topic and
 * reason and can be routed to a dead-letter topic; none stops the stream.
 *
 * - `oversize`: the payload is longer than `maxPayloadBytes`.
 * - `bad-encoding`: the payload is not valid UTF-8.
 * - `bad-json`: the JSON or SenML codec could not parse the payload.
 * - `not-a-number`: a plain-number payload whose text is not a number.
 * - `missing-value`: no value where the codec looks for one (empty payload, absent JSON path,
 *   SenML record without `v` or base value).
 * - `wrong-type`: a value of the wrong JSON type (boolean, object, array, non-numeric string).
 * - `bad-time`: a timestamp that is present but not a number or a date string.
 * - `bad-senml`: JSON that is not a SenML pack (not an array of records, a base field of the
 *   wrong type, no resolved name).
 * - `unsupported-value`: a SenML record whose value is a string, boolean, data or sum only
 *   (`vs`, `vb`, `vd`, `s`); streamnorm takes numeric `v` values.
 * - `bad-series`: no series id could be made for a value (the series template names a tag the
 *   message does not have, or the series function threw or returned an empty or non-string id).
 */
export type MalformedReason =
  | 'oversize'
  | 'bad-encoding'
  | 'bad-json'
  | 'not-a-number'
  | 'missing-value'
  | 'wrong-type'
  | 'bad-time'
  | 'bad-senml'
  | 'unsupported-value'
  | 'bad-series';

/** Every {@link MalformedReason}, in a fixed order. */
export const MALFORMED_REASONS: readonly MalformedReason[] = [
  'oversize',
  'bad-encoding',
  'bad-json',
  'not-a-number',
  'missing-value',
  'wrong-type',
  'bad-time',
  'bad-senml',
  'unsupported-value',
  'bad-series',
];
