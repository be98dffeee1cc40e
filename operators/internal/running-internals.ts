import type { Normalized, OutputPhase, Reading } from '../../src/reading.js';
import { invalidReason } from '../../src/values.js';
import { refuseInvalid } from '../engine/invalid.js';
import { SeriesStore } from '../store/series-store.js';
import type { InvalidPolicy } from '../types.js';

/** What `ewmNormalize` and `batchNorm` share per subscription: the store, its attachment, the series' running statistics. */
export interface RunningContext<S extends object> {
  readonly store: SeriesStore;
  /** The running statistics of a reading's series (created by `make` if new), after the eviction clock moved. */
  statsOf(id: string, r: Reading): S;
  /** The running statistics of a series this operator already keeps (none are created), or undefined. */
  existing(id: string): S | undefined;
  /** The reading's value when it is a finite number; otherwise the invalid policy ran (counted) and undefined. */
  accept(r: Reading, id: string, emit: (n: Normalized) => void, phase: OutputPhase, version: number): number | undefined;
  /** Ends the attachment. */
  detach(): void;
}

/**
 * The store side of the running-statistics operators: the store (given, or one per subscription),
 * attached as its learner; per series one statistics object kept in the store's table, so these
 * operators get the same eviction, snapshots and diagnostics as `normalize`. `make` builds new
 * statistics; `matches` says whether statistics found in the store (restored, say) were made with
 * the operator's options (if not, the reading errors, naming the series).
 */
export function runningContext<S extends object>(
  where: string,
  store: SeriesStore | undefined,
  policy: InvalidPolicy,
  make: () => S,
  matches: (s: S) => boolean,
  onEvict: (series: string) => void,
): RunningContext<S> {
  const s = store ?? new SeriesStore();
  const attachment = s.attach(true, { evicted: onEvict });
  const table = s.table;
  return {
    store: s,
    statsOf(id, r) {
      if (s.eviction.on) {
        s.eviction.observe(r.time);
        if (s.eviction.sweepDue()) s.sweep();
      }
      let slot = s.index.get(id);
      if (slot === undefined) {
        slot = s.add(id, 0);
        table.startRunning(slot, make());
      } else if (!table.isRunning(slot)) {
        throw new Error(`${where}: series ${JSON.stringify(id)} holds fitted statistics (normalize) in this store`);
      }
      if (s.eviction.on) table.touch(slot, s.eviction.now);
      const stats = table.running<S>(slot);
      if (!matches(stats)) throw new Error(`${where}: series ${JSON.stringify(id)} has running statistics made with other options than this operator's`);
      return stats;
    },
    existing(id) {
      const slot = s.index.get(id);
      if (slot === undefined || !table.isRunning(slot)) return undefined;
      const stats = table.running<S>(slot);
      return matches(stats) ? stats : undefined;
    },
    accept(r, id, emit, phase, version) {
      const x = r.value;
      const reason = invalidReason(x);
      if (reason === undefined) return x as number;
      refuseInvalid(r, id, reason, policy, s.diag, emit, phase, version);
      return undefined;
    },
    detach: () => attachment.detach(),
  };
}
