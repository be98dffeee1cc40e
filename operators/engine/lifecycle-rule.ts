import type { Observable } from 'rxjs';
import { refuseUnknownKeys } from '../../src/options.js';
import type { FreezePoint, FreezePolicy, RefitPolicy } from '../types.js';
import type { DriftKind } from '../store/lifecycle.js';

/**
 * When a series freezes, refits and is promoted: the one place these are decided. The engine asks at
 * each reading, alarm and notification; the store carries the decision out.
 *
 * Freeze points (the first reached wins):
 * - after the series' n-th valid value (that value is in the window);
 * - at the first reading whose event time is at least a span after the window's first reading, or at
 *   or after a given time (that reading is not in the window: it is transformed with the new
 *   statistics);
 * - when a notifier emits (the series it names, or all);
 * - never.
 * A freeze point reached before any valid value cannot freeze: the series is marked pending and
 * freezes right after its first valid value. A refit window (a shadow fit beside the serving
 * statistics) freezes by the same points.
 *
 * Refits (`refit` option): on a drift alarm of the kinds named, on a schedule (every span of event
 * time since the series' latest freeze), by hand (`store.refit(ids)`), or never (the default).
 * A promotion waits for approval when an `approval` notifier is given (or `store.approve(ids)`).
 */
export class LifecycleRule {
  /** Freeze after this many valid values (Infinity: no count point). */
  readonly afterSamples: number = Infinity;
  /** Freeze at the first reading this long after the window's first one (Infinity: none). */
  readonly afterSpanMs: number = Infinity;
  /** Freeze at the first reading at or after this event time (Infinity: none). */
  readonly atTime: number = Infinity;
  /** Whether a freeze point reads event time. */
  readonly timeBased: boolean = false;
  /** Freeze when these emit. */
  readonly notifiers: readonly Observable<unknown>[];

  /** Alarm kinds that start a refit. */
  private readonly refitKinds: ReadonlySet<DriftKind>;
  /** Refit every this much event time after the latest freeze (Infinity: no schedule). */
  readonly refitEveryMs: number;
  /** Promotions wait for this to name them (undefined: promoted at once). */
  readonly approval: Observable<unknown> | undefined;

  constructor(policy: FreezePolicy, refit: RefitPolicy = {}) {
    const points: readonly FreezePoint[] = Array.isArray(policy) ? policy : [policy as FreezePoint];
    const notifiers: Observable<unknown>[] = [];
    const never = points.includes('never');
    if (never && points.length > 1) throw new RangeError("normalize: freeze 'never' cannot be combined with other freeze points");
    let afterSamples = Infinity;
    let afterSpanMs = Infinity;
    let atTime = Infinity;
    for (const p of points) {
      if (p === 'never') continue;
      if (typeof p !== 'object' || p === null) throw new RangeError(`normalize: unknown freeze point ${JSON.stringify(p)}`);
      const keys = Object.keys(p);
      if (keys.length !== 1) refuseUnknownKeys(p, [keys[0] as string], 'normalize: a freeze point has one key');
      if ('afterSamples' in p) {
        if (!Number.isInteger(p.afterSamples) || p.afterSamples < 1) throw new RangeError(`normalize: freeze.afterSamples must be an integer >= 1, got ${String(p.afterSamples)}`);
        afterSamples = Math.min(afterSamples, p.afterSamples);
      } else if ('afterSpanMs' in p) {
        if (!(typeof p.afterSpanMs === 'number' && p.afterSpanMs >= 0)) throw new RangeError(`normalize: freeze.afterSpanMs must be a number >= 0, got ${String(p.afterSpanMs)}`);
        afterSpanMs = Math.min(afterSpanMs, p.afterSpanMs);
      } else if ('atTime' in p) {
        if (typeof p.atTime !== 'number' || Number.isNaN(p.atTime)) throw new RangeError(`normalize: freeze.atTime must be a number, got ${String(p.atTime)}`);
        atTime = Math.min(atTime, p.atTime);
      } else if ('notifier' in p) {
        if (typeof (p.notifier as { subscribe?: unknown } | null)?.subscribe !== 'function') throw new RangeError('normalize: freeze.notifier must be an Observable');
        notifiers.push(p.notifier);
      } else {
        refuseUnknownKeys(p, ['afterSamples', 'afterSpanMs', 'atTime', 'notifier'], 'normalize: freeze point');
      }
    }
    this.afterSamples = afterSamples;
    this.afterSpanMs = afterSpanMs;
    this.atTime = atTime;
    this.timeBased = afterSpanMs !== Infinity || atTime !== Infinity;
    this.notifiers = notifiers;
    refuseUnknownKeys(refit, ['onAlarm', 'everyMs', 'approval'], 'normalize: refit');
    const onAlarm = refit.onAlarm ?? false;
    const kinds: DriftKind[] = onAlarm === true ? ['cusum', 'psi', 'stuck'] : onAlarm === false ? [] : [...onAlarm];
    for (const k of kinds) if (k !== 'cusum' && k !== 'psi' && k !== 'stuck') throw new RangeError(`normalize: refit.onAlarm must be true, false or a list of 'cusum', 'psi', 'stuck', got ${JSON.stringify(onAlarm)}`);
    this.refitKinds = new Set(kinds);
    const every = refit.everyMs ?? Infinity;
    if (!(typeof every === 'number' && every > 0)) throw new RangeError(`normalize: refit.everyMs must be a number > 0, got ${String(refit.everyMs)}`);
    this.refitEveryMs = every;
    if (refit.approval !== undefined && typeof (refit.approval as { subscribe?: unknown } | null)?.subscribe !== 'function') throw new RangeError('normalize: refit.approval must be an Observable');
    this.approval = refit.approval;
  }

  /** Whether an alarm of `kind` starts a refit (a series already refitting counts the alarm instead). */
  refitOnAlarm(kind: DriftKind): boolean {
    return this.refitKinds.has(kind);
  }

  /** Whether a frozen series frozen at event time `frozenAt` is due for its scheduled refit at `t`. */
  refitDue(frozenAt: number, t: number): boolean {
    return t - frozenAt >= this.refitEveryMs;
  }

  /** Whether a refit window that froze waits for approval before its promotion. */
  get waitsForApproval(): boolean {
    return this.approval !== undefined;
  }

  /** Whether the rule can ever freeze a series (it is not `'never'`). */
  get freezes(): boolean {
    return this.afterSamples !== Infinity || this.timeBased || this.notifiers.length > 0;
  }

  /**
   * Whether a reading at event time `t` reaches a time freeze point of a window whose first reading
   * was at `first` (NaN while unknown: `t` is the first). Asked before the reading is learned.
   */
  dueAt(first: number, t: number): boolean {
    return t >= this.atTime || t - (first === first ? first : t) >= this.afterSpanMs;
  }

  /** Whether a series freezes right after learning a value: its count reached, or it was pending. */
  dueAfter(count: number, pending: boolean): boolean {
    return count >= this.afterSamples || pending;
  }

  /** The series a notifier's value names (a string or string[]), or undefined for every fitting series. */
  named(value: unknown): readonly string[] | undefined {
    if (typeof value === 'string') return [value];
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  }
}
