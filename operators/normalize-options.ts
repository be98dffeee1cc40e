import type { Observable } from 'rxjs';
import type { Reading } from '../src/reading.js';
import { createScaler, type ScalerSpec } from '../src/scalers/create.js';
import type { FreezePoint, HoldOverflow, InvalidPolicy, NormalizeOptions, UnknownSeriesPolicy, WhileFitting } from './types.js';

/** {@link NormalizeOptions} checked and with defaults filled in. */
export interface ResolvedNormalizeOptions {
  specFor: (series: string) => ScalerSpec;
  afterSamples: number;
  afterSpanMs: number;
  atTime: number;
  /** Whether any freeze point reads event time. */
  timeBased: boolean;
  notifiers: Observable<unknown>[];
  whileFitting: WhileFitting;
  holdLimit: number;
  holdOverflow: HoldOverflow;
  invalid: InvalidPolicy;
  key: ((reading: Reading) => string) | undefined;
  unknownSeries: UnknownSeriesPolicy;
  idleEvictMs: number;
}

const WHILE_FITTING: readonly WhileFitting[] = ['drop', 'raw', 'provisional', 'hold'];
const INVALID: readonly InvalidPolicy[] = ['drop', 'flag', 'error'];
const OVERFLOW: readonly HoldOverflow[] = ['provisional', 'raw', 'drop'];

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new RangeError(`normalize: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  return value;
}

function positive(name: string, value: number, allowZero = false): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(`normalize: ${name} must be a number ${allowZero ? '>=' : '>'} 0, got ${String(value)}`);
  }
  return value;
}

/** Checks options up front (a `RangeError` naming the option) and fills in defaults. */
export function resolveNormalizeOptions(options: NormalizeOptions = {}): ResolvedNormalizeOptions {
  const scaler = options.scaler ?? { kind: 'standard' };
  const specFor = typeof scaler === 'function' ? scaler : (): ScalerSpec => scaler;
  if (typeof scaler !== 'function') createScaler(scaler); // validates the spec now, not at the first reading
  const resolved: ResolvedNormalizeOptions = {
    specFor,
    afterSamples: Infinity,
    afterSpanMs: Infinity,
    atTime: Infinity,
    timeBased: false,
    notifiers: [],
    whileFitting: oneOf('whileFitting', options.whileFitting, WHILE_FITTING, 'provisional'),
    holdLimit: options.holdLimit === undefined ? 10_000 : positive('holdLimit', options.holdLimit),
    holdOverflow: oneOf('holdOverflow', options.holdOverflow, OVERFLOW, 'provisional'),
    invalid: oneOf('invalid', options.invalid, INVALID, 'flag'),
    key: options.key,
    unknownSeries: options.unknownSeries ?? 'fit',
    idleEvictMs: options.idleEvictMs === undefined ? Infinity : positive('idleEvictMs', options.idleEvictMs),
  };
  const policy = options.freeze ?? { afterSamples: 100 };
  const points: readonly FreezePoint[] = Array.isArray(policy) ? policy : [policy as FreezePoint];
  let never = false;
  for (const p of points) {
    if (p === 'never') never = true;
    else if (typeof p !== 'object' || p === null) throw new RangeError(`normalize: unknown freeze point ${JSON.stringify(p)}`);
    else if ('afterSamples' in p) {
      if (!Number.isInteger(p.afterSamples) || p.afterSamples < 1) throw new RangeError(`normalize: freeze.afterSamples must be an integer >= 1, got ${String(p.afterSamples)}`);
      resolved.afterSamples = Math.min(resolved.afterSamples, p.afterSamples);
    } else if ('afterSpanMs' in p) {
      resolved.afterSpanMs = Math.min(resolved.afterSpanMs, positive('freeze.afterSpanMs', p.afterSpanMs, true));
      resolved.timeBased = true;
    } else if ('atTime' in p) {
      if (typeof p.atTime !== 'number' || Number.isNaN(p.atTime)) throw new RangeError(`normalize: freeze.atTime must be a number, got ${String(p.atTime)}`);
      resolved.atTime = Math.min(resolved.atTime, p.atTime);
      resolved.timeBased = true;
    } else if ('notifier' in p) {
      if (typeof (p.notifier as { subscribe?: unknown })?.subscribe !== 'function') throw new RangeError('normalize: freeze.notifier must be an Observable');
      resolved.notifiers.push(p.notifier);
    } else throw new RangeError(`normalize: unknown freeze point ${JSON.stringify(p)}`);
  }
  if (never && points.length > 1) throw new RangeError("normalize: freeze 'never' cannot be combined with other freeze points");
  if (never && resolved.whileFitting === 'hold') throw new RangeError("normalize: whileFitting 'hold' needs a freeze point; with freeze 'never' nothing would be released");
  const u = resolved.unknownSeries;
  if (u !== 'fit' && u !== 'raw' && u !== 'drop' && !(typeof u === 'object' && u !== null && (typeof u.fallback === 'string' || typeof u.fallback === 'function'))) {
    throw new RangeError(`normalize: unknownSeries must be 'fit', 'raw', 'drop' or { fallback }, got ${JSON.stringify(u)}`);
  }
  if (options.key !== undefined && typeof options.key !== 'function') throw new RangeError('normalize: key must be a function');
  return resolved;
}
