import type { FrozenParams } from '../../src/scalers/frozen.js';
import type { IndexCursor } from './series-index.js';
import type { SeriesStore } from './series-store.js';

/** Longest a slice of the sweep runs before it yields to the event loop (readings waiting). */
export const SLICE_MS = 1;

/** Ids per chunk of a waiting `store.freeze()`'s result (64 KiB of references: an ordinary heap object). */
const ID_CHUNK = 8192;

/**
 * Freezing every fit of a store at once without stopping the stream: the fits are marked due at
 * once (`SeriesTable.markAllDue`: each one then freezes at its next reading, before that reading is
 * transformed), and this sweep walks the store in slices of at most {@link SLICE_MS} ms, one per
 * macrotask (`setImmediate`), freezing the due fits it meets, so that a reading waits one slice at
 * most. Each freeze is announced on `frozen$` and to the attached subscriptions, which release
 * their held windows of that series then (RxJS has no back-pressure: a million held windows
 * emitted in one call would stall the stream for seconds); each slice ends with their flush.
 *
 * A refit window is frozen too when `promote` is given (promoted at once when true, else left
 * waiting for approval), as a freeze notifier does; `store.freeze()` promotes at once (a person's
 * "freeze now" is the approval). While a sweep runs, a read of a due series through the store
 * freezes it first ({@link FreezeSweep.visit}), so the store reads as if every fit froze in the
 * call. Each `store.freeze()` gets the ids it froze (by the sweep, at their next reading or at a
 * read) when the sweep ends.
 */
export class FreezeSweep {
  private entries: IndexCursor | undefined;
  private promote: boolean | undefined;
  private scheduled = false;
  /**
   * The ids each waiting `store.freeze()` has frozen so far, in chunks of {@link ID_CHUNK}, and
   * where they go when the sweep ends. Chunks, not one growing array: an array of a million ids
   * grows by copying all of them at once (a wait of 10–20 ms at about 590k and 870k ids).
   */
  private waiting: { chunks: string[][]; settle: (ids: string[]) => void }[] = [];

  constructor(private readonly store: SeriesStore) {}

  /** Whether a sweep is under way. */
  get running(): boolean {
    return this.entries !== undefined;
  }

  /**
   * Marks every fit due and starts (or restarts) the sweep with a first slice in this call: a store
   * that a slice covers (a few thousand series) is frozen before this returns, as before; a larger
   * one goes on in the following macrotasks.
   */
  request(promote: boolean | undefined): void {
    this.store.table.markAllDue();
    this.promote = this.entries !== undefined && this.promote !== undefined ? this.promote || promote === true : promote;
    this.entries = this.store.index.cursor();
    this.slice(SLICE_MS);
    if (this.entries !== undefined) this.schedule();
  }

  /** `store.freeze()`: {@link FreezeSweep.request} promoting refit windows at once; the ids it froze when the sweep ends. */
  freezeAll(): Promise<string[]> {
    return new Promise((settle) => {
      this.waiting.push({ chunks: [[]], settle });
      this.request(true);
    });
  }

  /** Whether a series' next reading promotes its due refit window at once (undefined: as its learner's rule says). */
  get promotes(): boolean | undefined {
    return this.entries === undefined ? undefined : this.promote;
  }

  /**
   * Freezes the series at `slot` if it is due and a sweep is under way, as the sweep would when it
   * reached it: the store's reads call this first.
   */
  visit(id: string, slot: number): void {
    if (this.entries === undefined || !this.store.table.isDue(slot)) return;
    const store = this.store;
    const params = freezeFit(store, id, slot, this.promote);
    if (params === undefined) {
      if (store.table.isFitting(slot)) store.table.setPending(slot, true);
      return;
    }
    store.attachments.frozen(id, params);
    this.frozeDue(id);
  }

  /** Records that the due fit of `id` froze (the sweep reached it, a read, or its next reading). */
  frozeDue(id: string): void {
    for (const w of this.waiting) {
      const last = w.chunks[w.chunks.length - 1] as string[];
      if (last.length < ID_CHUNK) last.push(id);
      else w.chunks.push([id]);
    }
  }

  /** Runs the rest of a sweep now, in one call (before a snapshot, or at the end of a stream). */
  finish(): void {
    while (this.entries !== undefined) this.slice(Infinity);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.slice(SLICE_MS);
      if (this.entries !== undefined) this.schedule();
    });
  }

  private slice(budgetMs: number): void {
    const entries = this.entries;
    if (entries === undefined) return;
    const store = this.store;
    const table = store.table;
    const t0 = performance.now();
    for (let k = 1; ; k++) {
      if (!entries.next()) break;
      const slot = entries.slot;
      if (table.isDue(slot)) this.visit(entries.id, slot);
      if ((k & 7) === 0 && performance.now() - t0 > budgetMs) {
        store.attachments.sliced(); // every 8: while cold (not yet compiled) one entry takes ~0.1 ms
        return;
      }
    }
    this.entries = undefined;
    store.attachments.sliced();
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) w.settle(w.chunks.length === 1 ? (w.chunks[0] as string[]) : ([] as string[]).concat(...w.chunks));
  }
}

/**
 * Freezes the fit at `slot`: a first window, or a refit window when `promote` is given (promoted at
 * once when true, else left waiting for approval). The statistics now served, or undefined when
 * nothing froze (no valid value yet, a refit left waiting, or no fit).
 */
export function freezeFit(store: SeriesStore, id: string, slot: number, promote: boolean | undefined): FrozenParams | undefined {
  if (store.table.isFitting(slot)) return store.versions.freeze(id, slot);
  return promote !== undefined && store.table.hasShadow(slot) ? store.lifecycle.freezeRefit(store, id, slot, promote) : undefined;
}
