import type { DecodeContext, DecodedEntry, DecodeProblem, DecodeResult } from './types.js';

/** SenML times below 2^28 s are relative to now (RFC 8428, section 4.5.3). */
const RELATIVE_TIME_LIMIT = 2 ** 28;

interface BaseState {
  name: string;
  time: number;
  unit: string | undefined;
  value: number | undefined;
}

/**
 * Decodes a SenML pack in JSON (RFC 8428) into one entry per record with a numeric value.
 *
 * Resolution as in RFC 8428 section 4.6: the name is base name + name, the time is base time +
 * time in seconds (a result below 2^28 is relative to the receive time, so a record without any
 * time is "now"), the unit is the record's or else the base unit, and the value is base value +
 * `v` (a record with no value field takes the base value). Base fields hold for the following
 * records until redefined. Records whose only value is a string, boolean, data or sum (`vs`,
 * `vb`, `vd`, `s`) are `unsupported-value`; a record without any value is `missing-value`; a
 * non-numeric `v` is `wrong-type`; a record that is not an object, has a base field of the wrong
 * type or no resolved name is `bad-senml`. Each record is judged on its own. The source's
 * `timeUnit` does not apply: SenML times are seconds by definition.
 *
 * @example
 * ```ts
 * import { decodeSenml } from 'streamnorm/mqtt';
 * const pack = '[{"bn":"urn:dev:ow:10e2073a01080063:","bt":1.320067464e+09,"bu":"Cel","n":"temp","v":23.1},{"n":"temp","t":60,"v":23.4}]';
 * decodeSenml(pack, { receivedAt: 0, timeUnit: 'auto' }).entries; // => [{ name: 'urn:dev:ow:10e2073a01080063:temp', value: 23.1, time: 1320067464000, unit: 'Cel' }, { name: 'urn:dev:ow:10e2073a01080063:temp', value: 23.4, time: 1320067524000, unit: 'Cel' }]
 * ```
 */
export function decodeSenml(text: string, ctx: DecodeContext): DecodeResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { entries: [], problems: [{ reason: 'bad-json', detail: (e as Error).message }] };
  }
  if (!Array.isArray(doc)) return { entries: [], problems: [{ reason: 'bad-senml', detail: 'a SenML pack is a JSON array of records' }] };
  const base: BaseState = { name: '', time: 0, unit: undefined, value: undefined };
  const entries: DecodedEntry[] = [];
  const problems: DecodeProblem[] = [];
  doc.forEach((record: unknown, i) => {
    const out = decodeRecord(record, i, base, ctx);
    if ('reason' in out) problems.push(out);
    else entries.push(out);
  });
  return { entries, problems };
}

function decodeRecord(record: unknown, i: number, base: BaseState, ctx: DecodeContext): DecodedEntry | DecodeProblem {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return { reason: 'bad-senml', detail: `record ${i} is not an object` };
  }
  const r = record as Record<string, unknown>;
  const baseError = updateBase(r, base);
  if (baseError !== undefined) return { reason: 'bad-senml', detail: `record ${i}: ${baseError}` };
  if (r.n !== undefined && typeof r.n !== 'string') return { reason: 'bad-senml', detail: `record ${i}: n is not a string` };
  const name = base.name + ((r.n as string | undefined) ?? '');
  if (name === '') return { reason: 'bad-senml', detail: `record ${i} has no name (n or bn)` };
  if (r.t !== undefined && typeof r.t !== 'number') return { reason: 'bad-senml', detail: `record ${i}: t is not a number`, name };

  let value: number;
  if ('v' in r) {
    if (typeof r.v !== 'number') return { reason: 'wrong-type', detail: `record ${i}: v is not a number`, name };
    value = (base.value ?? 0) + r.v;
  } else if (['vs', 'vb', 'vd', 's'].some((k) => k in r)) {
    const kinds = ['vs', 'vb', 'vd', 's'].filter((k) => k in r).join(', ');
    return { reason: 'unsupported-value', detail: `record ${i} has ${kinds}, only numeric v is taken`, name };
  } else if (base.value !== undefined) {
    value = base.value;
  } else {
    return { reason: 'missing-value', detail: `record ${i} has no value`, name };
  }

  const seconds = base.time + ((r.t as number | undefined) ?? 0);
  const time = seconds < RELATIVE_TIME_LIMIT ? ctx.receivedAt + seconds * 1000 : seconds * 1000;
  const unit = typeof r.u === 'string' ? r.u : base.unit;
  const entry: DecodedEntry = { name, value, time };
  if (unit !== undefined) entry.unit = unit;
  return entry;
}

function updateBase(r: Record<string, unknown>, base: BaseState): string | undefined {
  if (r.bn !== undefined) {
    if (typeof r.bn !== 'string') return 'bn is not a string';
    base.name = r.bn;
  }
  if (r.bt !== undefined) {
    if (typeof r.bt !== 'number') return 'bt is not a number';
    base.time = r.bt;
  }
  if (r.bu !== undefined) {
    if (typeof r.bu !== 'string') return 'bu is not a string';
    base.unit = r.bu;
  }
  if (r.bv !== undefined) {
    if (typeof r.bv !== 'number') return 'bv is not a number';
    base.value = r.bv;
  }
  return undefined;
}
