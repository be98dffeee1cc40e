import type { OperatorFunction } from 'rxjs';
import { PerSampleNorm, type PerSampleNormOptions } from '../src/per-sample/layer-norm.js';
import { refuseUnknownKeys } from '../src/options.js';
import { emptyInvalidCounts, invalidReason, type InvalidCountsRecord, type InvalidReason } from '../src/values.js';
import { operate } from './internal/operate.js';

/** One multi-field reading: the fields of one input message (one device's vector of sensors, say). */
export interface MultiFieldReading {
  /** Series id of the row (e.g. the device). */
  series: string;
  /** Field values by name; only the configured fields are used. */
  fields: Readonly<Record<string, unknown>>;
  /** Event time in milliseconds since the Unix epoch, if known. */
  time?: number;
  tags?: Readonly<Record<string, string>>;
}

/** One row normalized across its fields. */
export interface PerSampleNormalized {
  series: string;
  /** Normalized values by field name, in the configured order; fields left out under `rest` are absent. */
  fields: Record<string, number>;
  /** The reading's fields as they arrived. */
  raw: Readonly<Record<string, unknown>>;
  time?: number;
  tags?: Readonly<Record<string, string>>;
  /** The configured fields left out of this row because missing or invalid (policy `rest`). */
  missing?: readonly string[];
}

/**
 * What a row with a missing or invalid field does: `drop` (default: the row is not emitted) or
 * `rest` (the other fields are normalized among themselves, with their own weights; the row says
 * which were left out). Either way each bad field is counted.
 */
export type MissingFieldPolicy = 'drop' | 'rest';

/** Options of {@link perSampleNormalize}. */
export interface PerSampleNormalizeOptions extends PerSampleNormOptions {
  /** The fields of a row, in order (`weight` and `bias` follow this order). */
  fields: readonly string[];
  /** Missing or invalid fields (default `drop`). */
  missing?: MissingFieldPolicy;
  /** Counters to read or share (default: new per subscription). */
  diagnostics?: PerSampleDiagnostics;
}

/**
 * Counters of {@link perSampleNormalize}: rows in, out, dropped and partial, and the missing or
 * invalid values of each configured field by reason (an absent field counts as `null`).
 *
 * @example
 * ```ts
 * import { PerSampleDiagnostics } from 'streamnorm';
 * const d = new PerSampleDiagnostics();
 * d.countField('temp', 'nan');
 * d.fields.temp?.nan; // => 1
 * ```
 */
export class PerSampleDiagnostics {
  /** Readings received. */
  rows = 0;
  /** Rows emitted. */
  emitted = 0;
  /** Rows not emitted: a bad field under `drop`, no valid field at all, or `fields` not an object. */
  dropped = 0;
  /** Rows emitted without some fields (policy `rest`). */
  partial = 0;
  /** Field names in readings that are not configured (ignored). */
  extraFields = 0;
  /** Missing or invalid values per configured field and reason. */
  fields: Record<string, InvalidCountsRecord> = {};

  /** Counts one missing or invalid value of `field`. */
  countField(field: string, reason: InvalidReason): void {
    (this.fields[field] ??= emptyInvalidCounts())[reason]++;
  }
}

const OPTION_KEYS = ['kind', 'eps', 'weight', 'bias', 'fields', 'missing', 'diagnostics'] as const;

/**
 * Normalizes each multi-field reading across its fields (LayerNorm or RMSNorm): no statistics
 * over time, one row at a time, as a model's normalization layer would.
 *
 * A row is the configured `fields` of one input message, in order; fields of separate messages
 * are never joined. Compose it after a per-series scaler to standardize each field over time
 * first (split into readings, `normalize()`, regroup, then this).
 *
 * ```
 * readings: --{a:1,b:3}--{a:2}------{a:5,b:5,c:9}--|
 *   perSampleNormalize({ kind: 'layernorm', eps: 0, fields: ['a', 'b'] })
 * outputs:  --{a:-1,b:1}---------------{a:0,b:0}----|   {a:2} lacks b: dropped, counted
 * ```
 *
 * Semantics:
 * 1. A configured field that is absent, null, NaN, infinite or not a number follows `missing`:
 *    `drop` the row, or normalize the `rest` (listed in `missing` on the output); counted per
 *    field and reason in `diagnostics`. A row with no valid field is dropped. Unconfigured fields
 *    are ignored and counted.
 * 2. `weight` and `bias` (PyTorch's, as arrays in `fields` order) must have one entry per field.
 * 3. Options are checked up front (unknown keys refused); errors and completion of the source pass
 *    through; unsubscribing stops a synchronous source.
 *
 * @example
 * ```ts
 * import { from, lastValueFrom, toArray } from 'rxjs';
 * import { perSampleNormalize } from 'streamnorm';
 * const rows = [{ series: 'dev1', fields: { a: 1, b: 3 } }, { series: 'dev1', fields: { a: 2 } }];
 * const out = await lastValueFrom(from(rows).pipe(perSampleNormalize({ kind: 'layernorm', eps: 0, fields: ['a', 'b'] }), toArray()));
 * out.map((r) => r.fields); // => [{ a: -1, b: 1 }]
 * ```
 *
 * @see PerSampleNorm in the core, which holds the arithmetic.
 *
 * @param options Kind, eps, weight and bias, the fields in order, and the missing-field policy.
 * @returns An operator from {@link MultiFieldReading} to {@link PerSampleNormalized}.
 */
export function perSampleNormalize(options: PerSampleNormalizeOptions): OperatorFunction<MultiFieldReading, PerSampleNormalized> {
  refuseUnknownKeys(options, OPTION_KEYS, 'perSampleNormalize');
  const { fields, missing = 'drop', diagnostics, kind, eps, weight, bias } = options;
  if (!Array.isArray(fields) || fields.length === 0 || fields.some((f) => typeof f !== 'string') || new Set(fields).size !== fields.length) {
    throw new RangeError('perSampleNormalize: fields must be a non-empty array of distinct names');
  }
  if (missing !== 'drop' && missing !== 'rest') throw new RangeError(`perSampleNormalize: missing must be 'drop' or 'rest', got ${JSON.stringify(missing)}`);
  const norm = new PerSampleNorm({ kind, ...(eps === undefined ? {} : { eps }), ...(weight ? { weight } : {}), ...(bias ? { bias } : {}) });
  if (norm.fields !== undefined && norm.fields !== fields.length) throw new RangeError(`perSampleNormalize: weight/bias have ${norm.fields} entries for ${fields.length} fields`);
  const names = fields.slice();
  const known = new Set(names);
  return operate<MultiFieldReading, PerSampleNormalized>((destination) => {
    const diag = diagnostics ?? new PerSampleDiagnostics();
    const row = new Float64Array(names.length);
    const pick = new Float64Array(names.length);
    return {
      next: (r) => {
        diag.rows++;
        const raw = r.fields;
        if (typeof raw !== 'object' || raw === null) {
          for (const f of names) diag.countField(f, 'null');
          diag.dropped++;
          return;
        }
        for (const key in raw) if (!known.has(key)) diag.extraFields++;
        let n = 0;
        let left: string[] | undefined;
        for (let i = 0; i < names.length; i++) {
          const name = names[i] as string;
          const v = raw[name];
          const reason = invalidReason(v);
          if (reason === undefined) {
            row[n] = v as number;
            pick[n++] = i;
          } else {
            diag.countField(name, reason);
            (left ??= []).push(name);
          }
        }
        if (n === 0 || (left && missing === 'drop')) {
          diag.dropped++;
          return;
        }
        const y = norm.apply(row.subarray(0, n), new Float64Array(n), left ? pick.subarray(0, n) : undefined);
        const out: Record<string, number> = {};
        for (let j = 0; j < n; j++) out[names[pick[j] as number] as string] = y[j] as number;
        if (left) diag.partial++;
        diag.emitted++;
        const o: PerSampleNormalized = { series: r.series, fields: out, raw };
        if (r.time !== undefined) o.time = r.time;
        if (r.tags !== undefined) o.tags = r.tags;
        if (left) o.missing = left;
        destination.next(o);
      },
    };
  });
}
