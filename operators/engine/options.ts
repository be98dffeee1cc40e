import type { Reading } from '../../src/reading.js';
import { createScaler, type ScalerSpec } from '../../src/scalers/create.js';
import { refuseUnknownKeys } from '../../src/options.js';
import type { EvictionOptions } from '../store/eviction.js';
import type { HoldOverflow, InvalidPolicy, NormalizeOptions, UnknownSeriesPolicy, WhileFitting } from '../types.js';
import { LifecycleRule } from './lifecycle-rule.js';
import { TimeGuard } from './time-guard.js';

/** {@link NormalizeOptions} checked, with defaults filled in. */
export interface ResolvedNormalizeOptions {
  specFor: (series: string) => ScalerSpec;
  rule: LifecycleRule;
  whileFitting: WhileFitting;
  holdLimit: number;
  holdOverflow: HoldOverflow;
  invalid: InvalidPolicy;
  key: ((reading: Reading) => string) | undefined;
  unknownSeries: UnknownSeriesPolicy;
  /** Whether subscriptions learn (create and fit series) or only transform. */
  learn: boolean;
  /** Eviction options for the store each subscription makes (no `store` given). */
  eviction: EvictionOptions;
  /** Whether frozen outputs carry the drift score. */
  driftScore: boolean;
  /** Whether readings at or before a window's latest time are skipped (not learned). */
  skipLate: boolean;
  /** Plausible event times. */
  time: TimeGuard;
}

/** Every key of {@link NormalizeOptions}. */
export const NORMALIZE_KEYS = ['scaler', 'freeze', 'refit', 'driftScore', 'late', 'plausibleTime', 'whileFitting', 'holdLimit', 'holdOverflow', 'invalid', 'key', 'store', 'initial', 'unknownSeries', 'idleEvictMs', 'maxSeries', 'evictBy', 'learn'] as const;
const EVICTION_KEYS = ['idleEvictMs', 'maxSeries', 'evictBy'] as const;

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new RangeError(`normalize: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Checks options up front (a `RangeError` naming the option; unknown keys refused, `extra` keys of
 * the calling operator allowed) and fills in defaults.
 */
export function resolveNormalizeOptions(options: NormalizeOptions = {}, where = 'normalize', extra: readonly string[] = []): ResolvedNormalizeOptions {
  refuseUnknownKeys(options, [...NORMALIZE_KEYS, ...extra], where);
  const scaler = options.scaler ?? { kind: 'standard' };
  const specFor = typeof scaler === 'function' ? scaler : (): ScalerSpec => scaler;
  if (typeof scaler !== 'function') createScaler(scaler); // checks the spec now, not at the first reading
  const learn = options.learn ?? true;
  if (typeof learn !== 'boolean') throw new RangeError(`${where}: learn must be true or false, got ${JSON.stringify(learn)}`);
  if (!learn && (options.freeze !== undefined || options.refit !== undefined)) throw new RangeError(`${where}: freeze and refit are for the subscription that learns; with learn: false the store's learner decides`);
  const eviction: EvictionOptions = {};
  for (const k of EVICTION_KEYS) {
    if (options[k] === undefined) continue;
    if (options.store !== undefined) throw new RangeError(`${where}: ${k} is an option of the store: give it to the SeriesStore you pass as store`);
    (eviction as Record<string, unknown>)[k] = options[k];
  }
  const holdLimit = options.holdLimit ?? 10_000;
  if (!(typeof holdLimit === 'number' && holdLimit > 0)) throw new RangeError(`${where}: holdLimit must be a number > 0, got ${String(holdLimit)}`);
  const resolved: ResolvedNormalizeOptions = {
    specFor,
    rule: new LifecycleRule(options.freeze ?? { afterSamples: 100 }, options.refit),
    whileFitting: oneOf('whileFitting', options.whileFitting, ['drop', 'raw', 'provisional', 'hold'], 'provisional'),
    holdLimit,
    holdOverflow: oneOf('holdOverflow', options.holdOverflow, ['provisional', 'raw', 'drop'], 'provisional'),
    invalid: oneOf('invalid', options.invalid, ['drop', 'flag', 'error'], 'flag'),
    key: options.key,
    unknownSeries: options.unknownSeries ?? 'fit',
    learn,
    eviction,
    driftScore: options.driftScore === true,
    skipLate: oneOf('late', options.late, ['learn', 'skip'], 'learn') === 'skip',
    time: new TimeGuard(options.plausibleTime),
  };
  if (!resolved.rule.freezes && learn && resolved.whileFitting === 'hold') throw new RangeError(`${where}: whileFitting 'hold' needs a freeze point; with freeze 'never' nothing would be released`);
  const u = resolved.unknownSeries;
  if (u !== 'fit' && u !== 'raw' && u !== 'drop' && !(typeof u === 'object' && u !== null && (typeof u.fallback === 'string' || typeof u.fallback === 'function'))) {
    throw new RangeError(`${where}: unknownSeries must be 'fit', 'raw', 'drop' or { fallback }, got ${JSON.stringify(u)}`);
  }
  if (typeof u === 'object') refuseUnknownKeys(u, ['fallback'], `${where}: unknownSeries`);
  if (options.key !== undefined && typeof options.key !== 'function') throw new RangeError(`${where}: key must be a function`);
  return resolved;
}
