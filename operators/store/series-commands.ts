import { freezeFit } from './freeze-sweep.js';
import type { SeriesStore } from './series-store.js';

/**
 * The store's commands on named series, or on all of them: `freeze(ids)`, `refit`, `approve`.
 * Each acts on the ids it is given that are in the store and returns those it changed.
 */

/** Freezes the named fitting series now (a refit window under way: frozen and promoted at once); the ids frozen. */
export function freezeNamed(store: SeriesStore, series: string | readonly string[]): string[] {
  // Looked up without `readSlot`: a fit due to a freeze of every fit, named here, is frozen by this call.
  return each(store, series, (id) => store.index.get(id), (id, slot) => freezeFit(store, id, slot, true) !== undefined);
}

/** Starts refit windows for the named frozen series, or all; the ids started. */
export function startRefits(store: SeriesStore, series: string | readonly string[] | undefined): string[] {
  return each(store, series, (id) => store.readSlot(id), (id, slot) => store.lifecycle.startRefit(store, id, slot));
}

/** Promotes the refits of the named series (or all) that wait for approval; the ids promoted. */
export function approveWaiting(store: SeriesStore, series: string | readonly string[] | undefined): string[] {
  return each(store, series, (id) => store.readSlot(id), (id, slot) => {
    const params = store.lifecycle.waiting.get(slot);
    if (params !== undefined) store.lifecycle.promote(store, id, slot, params, NaN);
    return params !== undefined;
  });
}

function each(store: SeriesStore, series: string | readonly string[] | undefined, look: (id: string) => number | undefined, act: (id: string, slot: number) => boolean): string[] {
  const ids = series === undefined ? [...store.index.keys()] : typeof series === 'string' ? [series] : series;
  const done: string[] = [];
  for (const id of ids) {
    const slot = look(id);
    if (slot !== undefined && act(id, slot)) done.push(id);
  }
  return done;
}
