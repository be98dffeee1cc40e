import type { Reading } from '../../src/reading.js';
import { applyFrozen } from '../../src/scalers/frozen.js';
import { invalidReason } from '../../src/values.js';
import { NOT_COMPACT } from '../store/spec-table.js';
import type { NormalizeEngine } from './normalize-engine.js';

/**
 * A reading of a series the store does not have: the `unknownSeries` policy. `fit` adds the series
 * (a compact fit for a default standard spec, else a scaler object) and returns its slot; a bad spec
 * throws before the store changes. A transform-only subscription (`learn: false`) never adds a
 * series: it waits for the learner (raw or held as `whileFitting` says; otherwise counted as
 * `droppedUnknown`). `raw`, `drop` and `{ fallback }` emit or count here and return undefined.
 */
export function unknownSeries(engine: NormalizeEngine, id: string, r: Reading): number | undefined {
  const { o, store } = engine;
  const policy = o.unknownSeries;
  if (policy === 'fit' && o.learn) {
    const specs = store.table.specs;
    const spec = specs.intern(o.specFor(id));
    const slot = store.add(id, spec);
    store.table.startFitting(slot, specs.compactKind(spec) === NOT_COMPACT ? specs.create(spec) : undefined);
    return slot;
  }
  if (policy === 'drop') {
    store.diag.count(id, 'droppedUnknown');
    return undefined;
  }
  const x = r.value;
  const reason = invalidReason(x);
  if (reason !== undefined) {
    engine.invalid(id, r, reason, 'passthrough', 0);
    return undefined;
  }
  if (policy === 'fit') {
    if (o.whileFitting === 'raw') engine.out(id, r, x as number, 'fitting', 0, 'raw');
    else if (o.whileFitting === 'hold') engine.held.hold(id, -1, r, x as number);
    else store.diag.count(id, 'droppedUnknown');
    return undefined;
  }
  if (policy !== 'raw') {
    const target = typeof policy.fallback === 'string' ? policy.fallback : policy.fallback(id);
    const slot = store.index.get(target);
    if (slot !== undefined && store.table.isFrozen(slot)) {
      const params = store.table.frozen(slot);
      const y = applyFrozen(params, x as number);
      if (y === y) engine.out(id, r, y, 'frozen', params.version, 'fallback');
      else engine.invalid(id, r, 'out-of-domain', 'frozen', params.version);
      return undefined;
    }
  }
  store.diag.count(id, 'passedRaw');
  engine.out(id, r, x as number, 'passthrough', 0, 'raw');
  return undefined;
}
