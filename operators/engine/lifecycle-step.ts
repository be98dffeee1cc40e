import type { Reading } from '../../src/reading.js';
import { preTransform, type FrozenParams } from '../../src/scalers/frozen.js';
import { invalidReason, isMissing } from '../../src/values.js';
import type { DriftKind } from '../store/lifecycle.js';
import type { DriftCheck } from '../store/drift-columns.js';
import { PSI_MAJOR } from '../../src/drift/psi.js';
import type { NormalizeEngine } from './normalize-engine.js';
import type { SeriesStore } from '../store/series-store.js';
import type { LifecycleRule } from './lifecycle-rule.js';

/**
 * The lifecycle after the freeze, one reading at a time, for the learning subscription: the drift
 * alarms of a frozen series, the refits they or a schedule start (as {@link LifecycleRule} decides),
 * and the reading's part in a refit window.
 */

/**
 * After a valid reading `x` (pre-transformed, event time `t`) of a frozen series: the CUSUM and
 * stuck checks, and a scheduled refit.
 */
export function watchFrozen(engine: NormalizeEngine, id: string, slot: number, x: number, t: number | undefined): void {
  const life = engine.store.lifecycle;
  const c = life.columns;
  if (c === undefined) return;
  if (c.observeOne(slot, x, engine.driftCheck) === 0) afterObserve(engine, id, slot, c.runScore, x, t);
}

/**
 * {@link watchFrozen} for a reading of a plain frozen series (its value finite, not
 * pre-transformed): the per-item hot path. It takes the reading, not its value, and reaches the
 * follow-up checks only when one may fire: a double passed to or returned from a call that is not
 * inlined would be boxed (an allocation per reading).
 */
export function watchPlain(engine: NormalizeEngine, id: string, slot: number, r: Reading): void {
  const life = engine.store.lifecycle;
  const c = life.columns;
  if (c === undefined) return;
  if (c.observeReading(slot, r as Reading & { value: number }, engine.driftCheck) === 0) afterObserve(engine, id, slot, c.runScore, r.value as number, engine.o.time.implausible(r) ? undefined : r.time);
}

/**
 * {@link watchFrozen} for values `from…end` of a plain frozen series (a column batch), value by
 * value with the same steps (the callers end runs before an implausible time). Returns where the
 * run ends: after a value whose alarm left the series no longer plain (a refit started), else `end`.
 */
export function watchFrozenRun(engine: NormalizeEngine, id: string, slot: number, values: ArrayLike<number>, times: ArrayLike<number> | undefined, from: number, end: number): number {
  const store = engine.store;
  const life = store.lifecycle;
  const c = life.columns;
  if (c === undefined) return end;
  for (let j = from; j < end; ) {
    const at = c.observeRun(slot, values, j, end, engine.driftCheck);
    if (at < 0) break;
    afterObserve(engine, id, slot, c.runScore, values[at] as number, times?.[at]);
    j = at + 1;
    if (!store.table.isPlain(slot)) return j;
  }
  return end;
}

/**
 * The drift step's parameters for a subscription with `rule` on `store`: the store's CUSUM and
 * stuck-run settings, and the score above which a value's follow-up checks ({@link afterObserve})
 * must run: the alarm threshold `h`; with PSI or a refit schedule on, every value has checks to run
 * (−∞). Fixed for a subscription: the engine keeps it.
 */
export function driftCheck(store: SeriesStore, rule: LifecycleRule): DriftCheck {
  const life = store.lifecycle;
  const h = life.psi !== undefined || rule.refitEveryMs !== Infinity ? -Infinity : life.h;
  return { k: life.k, clip: life.clip, h, stuckAfter: life.stuckAfter };
}

/**
 * What follows the CUSUM step of one value: its alarm, the PSI window, the stuck run, a scheduled
 * refit. `t` is the value's event time, undefined when it has none or an implausible one (callers
 * decide: such a time neither dates an alarm nor moves the refit schedule).
 */
function afterObserve(engine: NormalizeEngine, id: string, slot: number, score: number, x: number, t: number | undefined): void {
  const store = engine.store;
  const life = store.lifecycle;
  const c = life.columns;
  if (c === undefined) return;
  if (score > life.h) {
    c.resetSums(slot);
    alarm(engine, id, slot, 'cusum', score, t);
  }
  if (life.psi !== undefined) {
    const score = life.psi.observe(slot, x);
    if (score > PSI_MAJOR) alarm(engine, id, slot, 'psi', score, t);
  }
  if (life.stuckAfter > 0 && c.run(slot) >= life.stuckAfter && c.armed(slot)) {
    const run = c.run(slot);
    c.resetRun(slot);
    alarm(engine, id, slot, 'stuck', run, t);
  }
  const rule = engine.o.rule;
  if (rule.refitEveryMs !== Infinity && typeof t === 'number' && t === t) {
    const at = c.frozenAt(slot);
    if (at !== at) c.setFrozenAt(slot, t);
    else if (rule.refitDue(at, t)) store.lifecycle.startRefit(store, id, slot);
  }
}

function alarm(engine: NormalizeEngine, id: string, slot: number, kind: DriftKind, score: number, t: number | undefined): void {
  const store = engine.store;
  const version = store.table.frozen(slot).version;
  store.lifecycle.raise(store, typeof t !== 'number' || t !== t ? { series: id, kind, score, version } : { series: id, kind, score, version, time: t });
  if (store.table.hasShadow(slot) || store.lifecycle.waiting.has(slot)) {
    store.diag.count(id, 'alarmsDuringRefit');
    return;
  }
  if (engine.o.rule.refitOnAlarm(kind)) store.lifecycle.startRefit(store, id, slot);
}

/**
 * Before a reading of a series with a refit window is transformed: when its time reaches a time
 * freeze point of the window, the window freezes (the reading is not in it) and the promoted
 * statistics are returned, to transform this reading with.
 */
export function refitBefore(engine: NormalizeEngine, id: string, slot: number, r: Reading): FrozenParams | undefined {
  const t = r.time;
  const rule = engine.o.rule;
  if (engine.store.table.isDue(slot)) {
    // A freeze of every fit under way decides the promotion (a person's store.freeze() approves).
    const sweeper = engine.store.sweeper;
    const params = engine.store.lifecycle.freezeRefit(engine.store, id, slot, sweeper.promotes ?? !rule.waitsForApproval);
    if (params !== undefined) sweeper.frozeDue(id);
    return params;
  }
  if (!rule.timeBased || typeof t !== 'number' || t !== t || engine.badTime) return undefined;
  const table = engine.store.table;
  if (!rule.dueAt(table.firstTime(slot), t)) return undefined;
  return engine.store.lifecycle.freezeRefit(engine.store, id, slot, !rule.waitsForApproval);
}

/** After a reading of a series with a refit window was transformed: it is learned into the window, which freezes when due. */
export function refitAfter(engine: NormalizeEngine, id: string, slot: number, r: Reading): void {
  const store = engine.store;
  const table = store.table;
  const rule = engine.o.rule;
  const t = r.time;
  if (engine.badTime) return;
  if (engine.o.skipLate && typeof t === 'number' && t <= table.lastTime(slot)) {
    store.diag.count(id, 'skippedLate');
    return;
  }
  if (typeof t === 'number' && t === t && !table.recordTime(slot, t)) store.diag.count(id, 'outOfOrder');
  const x = r.value;
  const reason = invalidReason(x);
  if (isMissing(reason)) table.countMissing(slot, reason);
  if (reason !== undefined || table.learn(slot, x as number) !== undefined) return;
  learnPsi(engine, slot, x as number);
  if (rule.dueAfter(table.fitCount(slot), table.isPending(slot))) store.lifecycle.freezeRefit(store, id, slot, !rule.waitsForApproval);
}

/**
 * While a first window fits, with AR(1) whitening or PSI on: the valid value `x` into the window's
 * lag-1 sums and its quantile sketch.
 */
export function learnWindow(engine: NormalizeEngine, slot: number, x: number): void {
  const table = engine.store.table;
  const pre = table.specs.spec(table.specId(slot)).pre ?? 'none';
  const v = pre === 'none' ? x : preTransform(pre, x);
  if (engine.store.lifecycle.ar1) table.drift?.learnWindow(slot, v);
  learnPsi(engine, slot, x);
}

/** With PSI on: the valid value `x` into the window's quantile sketch (kinds without quantiles of their own). */
function learnPsi(engine: NormalizeEngine, slot: number, x: number): void {
  const psi = engine.store.lifecycle.psi;
  if (psi === undefined) return;
  const table = engine.store.table;
  const spec = table.specs.spec(table.specId(slot));
  if (spec.kind === 'robust' || spec.kind === 'quantile') return;
  const pre = spec.pre ?? 'none';
  psi.learn(slot, pre === 'none' ? x : preTransform(pre, x));
}

/**
 * A freeze notifier emitted `value`: freezes the fitting series and refit windows it names (a
 * string or string[]) now, or, for any other value, every fit of the store: all marked due at once
 * and frozen by the store's background sweep in slices (or at their next reading, first), so that
 * a freeze of a million series does not stall the stream.
 */
export function notifyFreeze(engine: NormalizeEngine, value: unknown): void {
  const store = engine.store;
  const rule = engine.o.rule;
  const named = rule.named(value);
  if (named === undefined) {
    store.sweeper.request(!rule.waitsForApproval);
    return;
  }
  for (const id of named) {
    const slot = store.index.get(id);
    if (slot === undefined) continue;
    if (store.table.isFitting(slot)) engine.freezeNow(id, slot);
    else if (store.table.hasShadow(slot)) store.lifecycle.freezeRefit(store, id, slot, !rule.waitsForApproval);
  }
}
