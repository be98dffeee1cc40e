/**
 * How a store's large per-slot columns are laid out: pages of {@link PAGE_SLOTS} slots, one typed
 * array (or array of doubles) per page; the one home of this policy. Such a column grows by adding a
 * page and never copies what it holds. Grown as flat arrays, the drift rows (80 bytes a slot), the
 * compact fits' rows (56) and the recency list (16) were copied whole at each growth step (160 MB of
 * drift rows at 2M series): 2M new series through `normalize` took 8.0 s, and take 4.8 s paged
 * (measured). A paged column holds at most one page of room it does not use.
 *
 * The slot records stay one flat array (`SlotRecords`): every reading reads its record two to four
 * times, and a page lookup at each read cost 4–15% per reading at 1k series (measured); the drift
 * and fit rows are read once per reading. The records grow in place instead
 * (`growable-doubles.ts`).
 */

/** Slots per page (2^12: 96 KB of records, 320 KB of drift rows). */
export const PAGE_SLOTS = 4096;

/** The page holding `slot` (2^12 = {@link PAGE_SLOTS}). */
export function pageOf(slot: number): number {
  return slot >>> 12;
}

/** The index of `slot` within its page. */
export function inPage(slot: number): number {
  return slot & 4095;
}

/** Slots of a column's first page when it is made: a store of a few series stays small. */
const FIRST_PAGE_SLOTS = 64;

/**
 * Makes `pages` (`width` elements a slot) hold at least `slots` slots: the first page starts at
 * {@link FIRST_PAGE_SLOTS} and doubles, copied by `keep`, up to {@link PAGE_SLOTS} (a copy of at most
 * one page); after it whole pages are added, copying nothing. `make(n)` makes a page of `n` slots in
 * its empty state.
 */
export function growPages<P extends { readonly length: number }>(pages: P[], width: number, slots: number, make: (n: number) => P, keep: (from: P, into: P) => void): void {
  for (;;) {
    const first = pages[0];
    const firstSlots = first === undefined ? 0 : first.length / width;
    if (first !== undefined && firstSlots + (pages.length - 1) * PAGE_SLOTS >= slots) return;
    if (first === undefined) pages.push(make(Math.min(PAGE_SLOTS, Math.max(FIRST_PAGE_SLOTS, 2 ** Math.ceil(Math.log2(Math.max(1, slots)))))));
    else if (firstSlots < PAGE_SLOTS) {
      const bigger = make(Math.min(PAGE_SLOTS, firstSlots * 2));
      keep(first, bigger);
      pages[0] = bigger;
    } else pages.push(make(PAGE_SLOTS));
  }
}

/** {@link growPages} for pages of `width` doubles a slot, all zero when made. */
export function growDoubles(pages: Float64Array<ArrayBuffer>[], width: number, slots: number): void {
  growPages(
    pages,
    width,
    slots,
    (n) => new Float64Array(n * width),
    (from, into) => into.set(from),
  );
}
