import { SPARKPLUG_DATATYPES, type SparkplugMetric } from './payload.js';

const NAMES = new Map<number, string>(Object.entries(SPARKPLUG_DATATYPES).map(([name, code]) => [code, name]));

/**
 * The name of a Sparkplug data type code (`Double`, `Int32`, ...; `type-N` for others).
 *
 * @example
 * ```ts
 * import { datatypeName } from 'streamnorm/sparkplug';
 * datatypeName(10); // => 'Double'
 * datatypeName(99); // => 'type-99'
 * ```
 */
export function datatypeName(code: number): string {
  return NAMES.get(code) ?? `type-${code}`;
}

/**
 * The numeric value of a metric by its data type, or why there is none: `null` for `is_null`
 * (a reported missing value), `'non-numeric'` for Boolean, String, DateTime, bytes, data sets,
 * templates and arrays, `'no-value'` for a metric without one.
 *
 * Signed types are sent as two's complement in the unsigned fields (Int8/16/32 in `int_value`,
 * Int64 in `long_value`) and are read back so; 64-bit integers beyond 2^53 lose their low digits
 * as doubles, which normalization uses anyway.
 *
 * @example
 * ```ts
 * import { metricNumber } from 'streamnorm/sparkplug';
 * metricNumber({ int_value: 0xfffffffe }, 3); // => -2
 * metricNumber({ double_value: 1.5 }, 10); // => 1.5
 * metricNumber({ is_null: true }, 10); // => null
 * metricNumber({ boolean_value: true }, 11); // => 'non-numeric'
 * ```
 */
export function metricNumber(m: SparkplugMetric, datatype: number): number | null | 'non-numeric' | 'no-value' {
  if (m.is_null === true) return null;
  const D = SPARKPLUG_DATATYPES;
  switch (datatype) {
    case D.Int8:
    case D.Int16:
    case D.Int32:
    case D.UInt8:
    case D.UInt16:
    case D.UInt32: {
      const v = m.int_value;
      if (v === undefined) return 'no-value';
      if (datatype === D.Int8) return (v << 24) >> 24;
      if (datatype === D.Int16) return (v << 16) >> 16;
      if (datatype === D.Int32) return v | 0;
      return datatype === D.UInt8 ? v & 0xff : datatype === D.UInt16 ? v & 0xffff : v >>> 0;
    }
    case D.Int64:
    case D.UInt64: {
      const v = m.long_value;
      if (v === undefined) return 'no-value';
      return Number(datatype === D.Int64 ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v));
    }
    case D.Float:
      return m.float_value ?? 'no-value';
    case D.Double:
      return m.double_value ?? 'no-value';
    default:
      return 'non-numeric';
  }
}
