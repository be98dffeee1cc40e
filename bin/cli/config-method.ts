import { z } from 'zod';
import { PerSampleNorm } from '../../src/index.js';
import type { BatchNormOperatorOptions, EwmNormalizeOptions, MissingFieldPolicy, PerSampleNormalizeOptions } from '../../operators/index.js';
import { defined, duration, integer, section, text } from './schema-kit.js';

/**
 * How `run` normalizes each series, `normalize.method` in the run config:
 *
 * ```yaml
 * normalize:
 *   method: fit          # fit (default): learn a training window, freeze, transform (scaler, freeze, ...)
 *   # method: ewm        # exponentially weighted moments, learned from every reading (no freeze)
 *   # ewm: { halfLife: 10m, adjust: true, warmup: 20 }      # or { alpha: 0.05 }
 *   # method: batchNorm  # PyTorch BatchNorm1d per series: mini-batches in train mode, running statistics in eval
 *   # batchNorm: { batchSize: 32, window: 1m, momentum: 0.1, eps: 1e-5, mode: train }
 *   # method: none       # values pass as they are (phase passthrough): for a perSample stage on raw fields
 * ```
 *
 * The keys of `fit` (scaler, freeze, whileFitting, holdLimit, holdOverflow, unknownSeries, late)
 * and the config's `fit` and `refit` sections apply to `method: fit` only; `invalid`, `idleEvict`
 * and `plausibleTime` apply to every method. A key of another method is refused, naming both.
 */
export type RunMethod = { kind: 'fit' } | { kind: 'ewm'; ewm: EwmConfig } | { kind: 'batchNorm'; batchNorm: BatchNormConfig } | { kind: 'none' };

/** `normalize.ewm` as `ewmNormalize` options. */
export type EwmConfig = Pick<EwmNormalizeOptions, 'alpha' | 'halfLifeMs' | 'warmup'> & { adjust?: boolean };
/** `normalize.batchNorm` as `batchNorm` options. */
export type BatchNormConfig = Pick<BatchNormOperatorOptions, 'batchSize' | 'windowMs' | 'momentum' | 'eps' | 'initialMode'>;

/** The `normalize` keys that only `method: fit` reads. */
export const FIT_ONLY_KEYS = ['scaler', 'freeze', 'whileFitting', 'holdLimit', 'holdOverflow', 'unknownSeries', 'late'] as const;

const positive = z.number().positive({ error: 'expected a number > 0' });

/** `normalize.ewm`: exactly one of `alpha` (0 < alpha <= 1) and `halfLife` (a duration of event time). */
export const ewmSchema = section({
  alpha: positive.max(1, { error: 'expected a number in (0, 1]' }).optional(),
  halfLife: duration.optional(),
  adjust: z.boolean().optional(),
  warmup: integer(0).optional(),
}).transform((e, ctx): EwmConfig => {
  if ((e.alpha === undefined) === (e.halfLife === undefined)) {
    ctx.issues.push({ code: 'custom', message: 'give exactly one of alpha and halfLife', input: e });
    return z.NEVER;
  }
  if (e.halfLife !== undefined && !(e.halfLife > 0)) {
    ctx.issues.push({ code: 'custom', message: 'halfLife must be longer than 0', path: ['halfLife'], input: e.halfLife });
    return z.NEVER;
  }
  return defined({ alpha: e.alpha, halfLifeMs: e.halfLife, adjust: e.adjust, warmup: e.warmup });
});

/** `normalize.batchNorm`: `batchSize` and/or `window` (whichever closes a batch first). */
export const batchNormSchema = section({
  batchSize: integer(1).optional(),
  window: duration.optional(),
  momentum: z.union([positive.max(1, { error: 'expected a number in (0, 1]' }), z.null()]).optional(),
  eps: z.number().min(0).optional(),
  mode: z.enum(['train', 'eval']).optional(),
}).transform((b, ctx): BatchNormConfig => {
  if (b.batchSize === undefined && b.window === undefined) {
    ctx.issues.push({ code: 'custom', message: 'give batchSize, window or both (whichever closes a batch first)', input: b });
    return z.NEVER;
  }
  return defined({ batchSize: b.batchSize, windowMs: b.window, momentum: b.momentum, eps: b.eps, initialMode: b.mode });
});

/**
 * The run config's `perSample:` section: LayerNorm or RMSNorm across the fields of one input
 * message, after `normalize` (`method: none` for raw fields):
 *
 * ```yaml
 * perSample:
 *   kind: layernorm      # layernorm | rmsnorm
 *   fields: [temp, hum, pressure]   # the row, in order: each reading's `field` tag (a JSON codec's fields)
 *   eps: 1e-5
 *   weight: [1, 1, 1]    # and bias (layernorm only): a trained model's, in `fields` order
 *   missing: drop        # drop the row | rest: normalize the fields that are there
 * ```
 */
export const perSampleSchema = section({
  kind: z.enum(['layernorm', 'rmsnorm']),
  fields: z.array(text).min(1),
  eps: z.number().min(0).optional(),
  weight: z.array(z.number()).min(1).optional(),
  bias: z.array(z.number()).min(1).optional(),
  missing: z.enum(['drop', 'rest']).optional(),
}).transform((p, ctx): Omit<PerSampleNormalizeOptions, 'diagnostics'> & { missing: MissingFieldPolicy } => {
  const options = defined({ kind: p.kind, eps: p.eps, weight: p.weight, bias: p.bias });
  try {
    const norm = new PerSampleNorm(options);
    if (new Set(p.fields).size !== p.fields.length) throw new Error('fields must be distinct');
    if (norm.fields !== undefined && norm.fields !== p.fields.length) throw new Error(`weight/bias have ${norm.fields} entries for ${p.fields.length} fields`);
  } catch (e) {
    ctx.issues.push({ code: 'custom', message: (e as Error).message, input: p });
    return z.NEVER;
  }
  return { ...options, fields: p.fields, missing: p.missing ?? 'drop' };
});

/** The method keys of the `normalize` section (`method`, `ewm`, `batchNorm`). */
export const methodShape = {
  method: z.enum(['fit', 'ewm', 'batchNorm', 'none']).optional(),
  ewm: ewmSchema.optional(),
  batchNorm: batchNormSchema.optional(),
};

/** The method of a parsed `normalize` section, with the issues of keys that belong to another method. */
export function runMethod(n: { method?: RunMethod['kind']; ewm?: EwmConfig; batchNorm?: BatchNormConfig }): { method: RunMethod; issues: { path: string[]; message: string }[] } {
  const kind = n.method ?? (n.ewm ? 'ewm' : n.batchNorm ? 'batchNorm' : 'fit');
  const issues: { path: string[]; message: string }[] = [];
  if (kind !== 'fit') {
    for (const key of FIT_ONLY_KEYS) if ((n as Record<string, unknown>)[key] !== undefined) issues.push({ path: ['normalize', key], message: `applies to method fit only (method is ${kind})` });
  }
  for (const other of ['ewm', 'batchNorm'] as const) {
    if (n[other] !== undefined && kind !== other) issues.push({ path: ['normalize', other], message: `applies to method ${other} only (method is ${kind})` });
  }
  if (kind === 'ewm' && n.ewm === undefined) issues.push({ path: ['normalize', 'ewm'], message: 'required by method ewm: { alpha } or { halfLife }' });
  if (kind === 'batchNorm' && n.batchNorm === undefined) issues.push({ path: ['normalize', 'batchNorm'], message: 'required by method batchNorm: { batchSize } and/or { window }' });
  const method: RunMethod =
    kind === 'ewm' ? { kind, ewm: n.ewm ?? {} } : kind === 'batchNorm' ? { kind, batchNorm: n.batchNorm ?? {} } : { kind };
  return { method, issues };
}
