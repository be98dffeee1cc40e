/**
 * A store's freezes and its version numbers: the one writer of frozen statistics into the table,
 * the floor that keeps versions from being reused (a series deleted, evicted or restored and fitted
 * again continues above every version it had), and the `frozen$` announcements.
 */
import { Observable, Subject } from 'rxjs';
import type { ScalerSpec } from '../../src/scalers/create.js';
import type { FrozenParams } from '../../src/scalers/frozen.js';
import type { SeriesStore } from './series-store.js';

/** One series' freeze or promotion, as {@link SeriesStore.frozen$} emits it. */
export interface SeriesFrozen {
  series: string;
  params: FrozenParams;
  /** The versions the series served before this one, oldest first (kept for inverses; absent when none). */
  history?: readonly FrozenParams[];
}

/** @internal The freezes of one {@link SeriesStore}. */
export class StoreVersions {
  /** Every version ever given out by the store (or the snapshots it restored) is at or below it. */
  floor = 0;
  private readonly subject = new Subject<SeriesFrozen>();

  /** Every series frozen at subscription, then each series as it freezes (or is restored frozen). */
  readonly frozen$: Observable<SeriesFrozen> = new Observable<SeriesFrozen>((subscriber) => {
    const { index, table } = this.store;
    for (const [series, slot] of index) {
      if (subscriber.closed) return;
      if (table.isFrozen(slot)) subscriber.next(this.event(series, table.frozen(slot)));
    }
    return this.subject.subscribe(subscriber);
  });

  constructor(private readonly store: SeriesStore) {}

  /** The version the next freeze of the series at `slot` gets: above its own and above the floor. */
  next(slot: number): number {
    return Math.max(this.at(slot), this.floor) + 1;
  }

  /** The version of the series at `slot` (0 when it has none yet). */
  at(slot: number): number {
    const table = this.store.table;
    if (table.isFrozen(slot)) return table.frozen(slot).version;
    return table.isFitting(slot) && !table.isCompactFitting(slot) ? table.scalerOf(slot).version : 0;
  }

  /**
   * Freezes the fitting series at `slot`; returns its frozen statistics, or undefined when it has no
   * valid value yet (it stays fitting). Emits on `frozen$`.
   */
  freeze(series: string, slot: number): FrozenParams | undefined {
    const store = this.store;
    const table = store.table;
    if (!table.isFitting(slot)) return table.isFrozen(slot) ? table.frozen(slot) : undefined;
    if (table.fitCount(slot) === 0) return undefined;
    const scaler = table.scalerOf(slot);
    const at = table.windowTimes(slot)[1];
    const params = scaler.freeze(this.next(slot));
    table.writeFrozen(slot, params);
    store.lifecycle.arm(slot, params, table.specs.spec(table.specId(slot)), at, scaler);
    store.diag.totals.frozen++;
    this.announce(series, params);
    return params;
  }

  /** Puts a series in the store frozen with `params` (replacing it if present); returns its slot. */
  setFrozen(series: string, params: FrozenParams, spec: ScalerSpec): number {
    const store = this.store;
    store.delete(series);
    const slot = store.add(series, store.table.specs.intern(spec));
    store.table.writeFrozen(slot, params);
    store.lifecycle.arm(slot, params, spec, NaN);
    store.diag.totals.frozen++;
    this.announce(series, params);
    return slot;
  }

  /** Tells `frozen$` of a freeze or promotion. */
  announce(series: string, params: FrozenParams): void {
    if (this.subject.observed) this.subject.next(this.event(series, params));
  }

  private event(series: string, params: FrozenParams): SeriesFrozen {
    const history = this.store.lifecycle.history.get(series);
    return history === undefined || history.length === 0 ? { series, params } : { series, params, history: [...history] };
  }
}
