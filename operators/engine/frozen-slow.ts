/**
 * The frozen transform off the plain path of {@link NormalizeEngine}: pre-transforms, clipping,
 * offsets, zero spread, refit windows under way, out-of-domain values; the core's `applyFrozen`
 * does the arithmetic.
 */
import type { Reading } from '../../src/reading.js';
import { applyFrozen, preTransform, wasClipped, type FrozenParams } from '../../src/scalers/frozen.js';
import { invalidReason } from '../../src/values.js';
import { refitAfter, refitBefore, watchFrozen } from './lifecycle-step.js';
import type { NormalizeEngine } from './normalize-engine.js';

/**
 * A frozen series off the plain path (pre-transform, clip, offset, zero spread), or one frozen
 * just now (`params` given): the core's transform, with out-of-domain values refused.
 */
export function frozenSlow(e: NormalizeEngine, id: string, slot: number, r: Reading, params: FrozenParams | undefined): void {
  if (e.held.size !== 0 && params === undefined) e.held.releaseIfFrozen(id, slot);
  const table = e.store.table;
  const refitting = e.o.learn && table.hasShadow(slot);
  const p = params ?? (refitting ? refitBefore(e, id, slot, r) : undefined) ?? table.frozen(slot);
  const x = r.value;
  const reason = invalidReason(x);
  const y = reason === undefined ? applyFrozen(p, x as number) : NaN;
  if (reason === undefined && !(y !== y && p.invScale === p.invScale) && e.watching) watchFrozen(e, id, slot, preTransform(p.pre, x as number), e.badTime ? undefined : r.time);
  if (refitting && table.hasShadow(slot)) refitAfter(e, id, slot, r);
  if (reason !== undefined) {
    e.invalid(id, r, reason, 'frozen', p.version);
  } else if (y !== y && p.invScale === p.invScale) {
    e.invalid(id, r, 'out-of-domain', 'frozen', p.version);
  } else {
    const clipped = p.clip !== undefined && wasClipped(p, x as number);
    if (p.zeroSpread) e.store.diag.count(id, 'zeroSpread');
    else if (clipped) e.store.diag.count(id, 'clipped');
    const flag = p.zeroSpread ? 'zero-spread' : clipped ? 'clipped' : undefined;
    if (!e.scoreOut) e.out(id, r, y, 'frozen', p.version, flag);
    else if (flag === undefined) e.emit({ series: id, raw: r.value, value: y, time: r.time, tags: r.tags, phase: 'frozen', version: p.version, drift: e.store.lifecycle.score(slot) });
    else e.emit({ series: id, raw: r.value, value: y, time: r.time, tags: r.tags, phase: 'frozen', version: p.version, flag, drift: e.store.lifecycle.score(slot) });
  }
}
