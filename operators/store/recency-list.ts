import { growDoubles, growPages, inPage, pageOf } from './slot-pages.js';

/**
 * Slots in the order they were last seen, most recent first, with the clock value each was seen
 * at: a doubly linked list in typed arrays (8 bytes per slot, plus 8 for the time), in pages
 * (`slot-pages.ts`: growth adds a page, copies nothing), so marking a slot seen is O(1) and the
 * least recent slot is known without a scan. Idle eviction walks from the least recent end and
 * stops at the first slot still fresh: a sweep costs what it evicts. The only code that knows this
 * layout.
 */
export class RecencyList {
  private readonly seen: Float64Array<ArrayBuffer>[] = [];
  private readonly prev: Int32Array<ArrayBuffer>[] = [];
  private readonly next: Int32Array<ArrayBuffer>[] = [];
  private head = -1;
  private tail = -1;

  constructor(capacity: number) {
    this.grow(capacity);
  }

  /** Grows to `capacity` slots. */
  grow(capacity: number): void {
    growDoubles(this.seen, 1, capacity);
    growPages(this.prev, 1, capacity, linksPage, keepLinks);
    growPages(this.next, 1, capacity, linksPage, keepLinks);
  }

  /** Adds a slot as the most recent, seen at `now`. */
  add(slot: number, now: number): void {
    (this.seen[pageOf(slot)] as Float64Array)[inPage(slot)] = now;
    this.setPrev(slot, -1);
    this.setNext(slot, this.head);
    if (this.head >= 0) this.setPrev(this.head, slot);
    this.head = slot;
    if (this.tail < 0) this.tail = slot;
  }

  /** Removes a slot. */
  remove(slot: number): void {
    const p = this.prevOf(slot);
    const n = this.nextOf(slot);
    if (p >= 0) this.setNext(p, n);
    else if (this.head === slot) this.head = n;
    if (n >= 0) this.setPrev(n, p);
    else if (this.tail === slot) this.tail = p;
    this.setPrev(slot, -1);
    this.setNext(slot, -1);
  }

  /** Marks a slot seen at `now` (most recent). */
  touch(slot: number, now: number): void {
    if (this.head === slot) {
      (this.seen[pageOf(slot)] as Float64Array)[inPage(slot)] = now;
      return;
    }
    this.remove(slot);
    this.add(slot, now);
  }

  /** The clock value a slot was last seen at. */
  seenAt(slot: number): number {
    return (this.seen[pageOf(slot)] as Float64Array)[inPage(slot)] as number;
  }

  /** The least recently seen slot, or −1 when empty. */
  leastRecent(): number {
    return this.tail;
  }

  private prevOf(slot: number): number {
    return (this.prev[pageOf(slot)] as Int32Array)[inPage(slot)] as number;
  }

  private nextOf(slot: number): number {
    return (this.next[pageOf(slot)] as Int32Array)[inPage(slot)] as number;
  }

  private setPrev(slot: number, to: number): void {
    (this.prev[pageOf(slot)] as Int32Array)[inPage(slot)] = to;
  }

  private setNext(slot: number, to: number): void {
    (this.next[pageOf(slot)] as Int32Array)[inPage(slot)] = to;
  }
}

/** A page of `n` list links, all −1 (no neighbour). */
function linksPage(n: number): Int32Array<ArrayBuffer> {
  return new Int32Array(n).fill(-1);
}

function keepLinks(from: Int32Array<ArrayBuffer>, into: Int32Array<ArrayBuffer>): void {
  into.set(from);
}
