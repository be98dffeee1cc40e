import { z } from 'zod';
import { createScaler, type ScalerSpec } from '../../src/index.js';
import type { FreezePoint, NormalizeOptions } from '../../operators/index.js';
import { defined, duration, integer, section, text, time } from './schema-kit.js';
import { methodShape, type BatchNormConfig, type EwmConfig, type RunMethod } from './config-method.js';

/**
 * The `normalize` section of the run config:
 *
 * ```yaml
 * normalize:
 *   scaler: { kind: robust, quantileRange: [10, 90] }   # standard | minmax | maxabs | robust | quantile, with their options
 *   # or rules, the first whose series glob matches wins (* within a path segment, ** across, ?):
 *   # scaler: [{ match: "site2/**", scaler: { kind: maxabs, pre: log } }, { match: "**", scaler: { kind: standard } }]
 *   freeze: { afterSamples: 500 }       # or { afterSpan: 1h }, { atTime: 2026-01-01T00:00:00Z }, never, or a list
 *   whileFitting: drop                  # drop | raw | provisional | hold
 *   holdLimit: 10000
 *   holdOverflow: provisional           # provisional | raw | drop
 *   invalid: flag                       # drop | flag | error
 *   unknownSeries: fit                  # fit | raw | drop | { fallback: series-id }
 *   idleEvict: 1d
 *   late: skip                          # skip (default in run) | learn: readings at or before a fitting series' latest learned time
 *   plausibleTime: { min: 2000-01-01T00:00:00Z, maxAhead: 1d }   # the default in run; false: any time
 *   method: fit                         # fit | ewm | batchNorm | none, with ewm: / batchNorm: (see config-method.ts)
 * ```
 */

const pair = z.tuple([z.number(), z.number()], { error: 'expected two numbers [low, high]' });
const common = { pre: z.enum(['none', 'log', 'log1p']).optional(), zeroSpread: z.enum(['unit', 'nan']).optional(), clip: z.union([z.boolean(), pair]).optional() };

/**
 * A scaler spec: its kind and that kind's options, unknown options refused; then built once, so
 * the scaler's own rules (e.g. a feature range with low < high) speak at --check, with their
 * message, rather than at the first reading.
 */
export const scalerSchema = z
  .discriminatedUnion('kind', [
    section({ kind: z.literal('standard'), ...common, withMean: z.boolean().optional(), withStd: z.boolean().optional() }),
    section({ kind: z.literal('minmax'), ...common, featureRange: pair.optional() }),
    section({ kind: z.literal('maxabs'), ...common }),
    section({
      kind: z.literal('robust'),
      ...common,
      quantileRange: pair.optional(),
      withCentering: z.boolean().optional(),
      withScaling: z.boolean().optional(),
      unitVariance: z.boolean().optional(),
      exactLimit: integer(1).optional(),
      sketchK: integer(1).optional(),
    }),
    section({
      kind: z.literal('quantile'),
      ...common,
      nQuantiles: integer(2).optional(),
      outputDistribution: z.enum(['uniform', 'normal']).optional(),
      exactLimit: integer(1).optional(),
      sketchK: integer(1).optional(),
    }),
  ])
  .transform((spec, ctx): ScalerSpec => {
    const s = defined(spec) as ScalerSpec;
    try {
      createScaler(s);
    } catch (e) {
      ctx.issues.push({ code: 'custom', message: (e as Error).message, input: spec });
      return z.NEVER;
    }
    return s;
  });

const freezePoint = section({ afterSamples: integer(1).optional(), afterSpan: duration.optional(), atTime: time.optional() }).transform((p, ctx): FreezePoint => {
  const given = Object.entries(p).filter(([, v]) => v !== undefined);
  if (given.length !== 1) {
    ctx.issues.push({ code: 'custom', message: 'give exactly one of afterSamples, afterSpan, atTime (or "never")', input: p });
    return z.NEVER;
  }
  if (p.afterSamples !== undefined) return { afterSamples: p.afterSamples };
  if (p.afterSpan !== undefined) return { afterSpanMs: p.afterSpan };
  return { atTime: typeof p.atTime === 'number' ? p.atTime : Date.parse(p.atTime as string) };
});
const freezeOne = z.union([z.literal('never'), freezePoint]);

/**
 * A series glob as a regular expression: `*` any characters within a `/`-separated segment, `**`
 * any characters, `?` one character within a segment; everything else literal.
 */
export function seriesGlob(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Rules of scaler specs by series glob, first match wins; a series no rule matches gets a standard scaler. */
const scalerRules = z
  .array(section({ match: text, scaler: scalerSchema }))
  .min(1)
  .transform((rules): ((series: string) => ScalerSpec) => {
    const compiled = rules.map((r) => ({ re: seriesGlob(r.match), spec: r.scaler }));
    const fallback: ScalerSpec = { kind: 'standard' };
    return (series) => compiled.find((r) => r.re.test(series))?.spec ?? fallback;
  });

/** The `normalize` section, as the options of `normalize()`. */
export const normalizeSchema = section({
  ...methodShape,
  scaler: z.union([scalerSchema, scalerRules], { error: (iss) => (Array.isArray(iss.input) || (typeof iss.input === 'object' && iss.input !== null) ? undefined : 'expected a scaler spec { kind, ... } or a list of { match, scaler } rules') }).optional(),
  freeze: z.union([freezeOne, z.array(freezeOne).min(1)]).optional(),
  whileFitting: z.enum(['drop', 'raw', 'provisional', 'hold']).optional(),
  holdLimit: integer(1).optional(),
  holdOverflow: z.enum(['provisional', 'raw', 'drop']).optional(),
  invalid: z.enum(['drop', 'flag', 'error']).optional(),
  unknownSeries: z
    .union([z.enum(['fit', 'raw', 'drop']), section({ fallback: text })], { error: (iss) => (typeof iss.input === 'object' && iss.input !== null ? undefined : 'expected fit, raw, drop or { fallback: SERIES }') })
    .optional(),
  idleEvict: duration.optional(),
  late: z.enum(['skip', 'learn']).optional(),
  plausibleTime: z
    .union([z.literal(false), section({ min: time.optional(), maxAhead: duration.optional() })], { error: (iss) => (typeof iss.input === 'object' && iss.input !== null ? undefined : 'expected false or { min: TIME, maxAhead: DURATION }') })
    .optional(),
}).transform(({ idleEvict, plausibleTime, ...rest }): NormalizeOptions & { method?: RunMethod['kind']; ewm?: EwmConfig; batchNorm?: BatchNormConfig } =>
  defined({
    ...rest,
    idleEvictMs: idleEvict,
    plausibleTime:
      plausibleTime === undefined || plausibleTime === false
        ? plausibleTime
        : defined({ min: plausibleTime.min === undefined ? undefined : typeof plausibleTime.min === 'number' ? plausibleTime.min : Date.parse(plausibleTime.min), maxAheadMs: plausibleTime.maxAhead }),
  }),
);
