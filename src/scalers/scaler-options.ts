import type { PreTransform, ZeroSpreadPolicy } from './frozen.js';

/** Options every scaler takes. */
export interface CommonScalerOptions {
  /** Pre-transform before learning and transforming (default `none`). */
  pre?: PreTransform;
  /** What a zero spread does (default `unit`, as scikit-learn). */
  zeroSpread?: ZeroSpreadPolicy;
  /**
   * Clip outputs to [lo, hi] in output units (e.g. [-5, 5]: ±5σ for a standard scaler), for every
   * kind; `true` clips to the kind's own output range (min-max: the feature range; quantile: [0, 1]
   * or the normal bound), refused by kinds without one. Default: no clipping. See `wasClipped`.
   */
  clip?: boolean | readonly [number, number];
}

/**
 * Options of the scalers: checked and resolved against a kind's defaults, one home for both.
 *
 * Resolutions are kept by the kind's defaults (one object per kind) and the frozen options object
 * they came from, so the many scalers a keyed store builds from one spec, and all scalers made
 * without options, share one options object instead of holding a copy each.
 */
const RESOLVED = new WeakMap<object, WeakMap<object, object>>();

/**
 * The options of a scaler made without any: one frozen object, so that such scalers share one
 * resolution (a `{}` default would be a new object, resolved again, for every scaler).
 * @internal
 */
export const NO_OPTIONS = Object.freeze({});

/**
 * Checks the common options and returns `options` over `defaults`, frozen (shared when `options`
 * is frozen). `hasRange`: whether the kind has an output range of its own, so that `clip: true`
 * means it.
 * @internal
 */
export function resolveScalerOptions<Options extends CommonScalerOptions>(options: Options, defaults: Required<Omit<Options, keyof CommonScalerOptions>>, hasRange: boolean): Required<Options> {
  const pre = options.pre ?? 'none';
  const zeroSpread = options.zeroSpread ?? 'unit';
  const clip = options.clip ?? false;
  if (pre !== 'none' && pre !== 'log' && pre !== 'log1p') throw new RangeError(`pre must be 'none', 'log' or 'log1p', got ${String(pre)}`);
  if (zeroSpread !== 'unit' && zeroSpread !== 'nan') throw new RangeError(`zeroSpread must be 'unit' or 'nan', got ${String(zeroSpread)}`);
  if (clip === true && !hasRange) throw new RangeError('clip: true needs an output range of the kind (min-max, quantile); give clip: [lo, hi]');
  if (typeof clip !== 'boolean' && !(Array.isArray(clip) && clip.length === 2 && Number.isFinite(clip[0]) && Number.isFinite(clip[1]) && (clip[0] as number) < (clip[1] as number))) {
    throw new RangeError(`clip must be a boolean or [lo, hi] of finite numbers with lo < hi, got ${JSON.stringify(clip)}`);
  }
  let byOptions = RESOLVED.get(defaults);
  if (byOptions === undefined) RESOLVED.set(defaults, (byOptions = new WeakMap()));
  let resolved = byOptions.get(options) as Required<Options> | undefined;
  if (resolved !== undefined) return resolved;
  // Options that say only what the defaults say resolve to the kind's one default object, which a
  // scaler can recognize by identity (see `StandardScaler.transform`).
  const given = isDefault(options, defaults) ? NO_OPTIONS : options;
  resolved = byOptions.get(given) as Required<Options> | undefined;
  if (resolved === undefined) {
    // Object.assign, not an object spread: in V8 (Node 20) objects made by spreading get maps that
    // are not shared, so every option read in a scaler's transform went megamorphic (~150 ns).
    resolved = Object.freeze(Object.assign({}, defaults, given, { pre, zeroSpread })) as unknown as Required<Options>;
    if (Object.isFrozen(given)) byOptions.set(given, resolved);
  }
  // Frozen options (createScaler's) cannot change, so their resolution is kept for the next scaler.
  if (Object.isFrozen(options)) byOptions.set(options, resolved);
  return resolved;
}

/** The defaults of the options every kind has. */
const COMMON_DEFAULTS: Readonly<Record<string, unknown>> = { pre: 'none', zeroSpread: 'unit', clip: false };

/** Whether every option given is undefined or its default (an unknown key is not a default). */
function isDefault(options: object, defaults: object): boolean {
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const byDefault = Object.hasOwn(defaults, key) ? (defaults as Record<string, unknown>)[key] : Object.hasOwn(COMMON_DEFAULTS, key) ? COMMON_DEFAULTS[key] : undefined;
    if (value !== byDefault) return false;
  }
  return true;
}
