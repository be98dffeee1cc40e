/**
 * Slots in the order they were last seen, most recent first, with the clock value each was seen
 * at: a doubly linked list in typed arrays (8 bytes per slot, plus 8 for the time), so marking a
 * slot seen is O(1) and the least recent slot is known without a scan. Idle eviction walks from
 * the least recent end and stops at the first slot still fresh: a sweep costs what it evicts.
 * The only code that knows this layout.
 */
export class RecencyList {
  private seen: Float64Array<ArrayBuffer>;
  private prev: Int32Array<ArrayBuffer>;
  private next: Int32Array<ArrayBuffer>;
  private head = -1;
  private tail = -1;

  constructor(capacity: number) {
    this.seen = new Float64Array(capacity);
    this.prev = new Int32Array(capacity).fill(-1);
    this.next = new Int32Array(capacity).fill(-1);
  }

  /** Grows to `capacity` slots. */
  grow(capacity: number): void {
    const seen = new Float64Array(capacity);
    seen.set(this.seen);
    const prev = new Int32Array(capacity).fill(-1);
    prev.set(this.prev);
    const next = new Int32Array(capacity).fill(-1);
    next.set(this.next);
    this.seen = seen;
    this.prev = prev;
    this.next = next;
  }

  /** Adds a slot as the most recent, seen at `now`. */
  add(slot: number, now: number): void {
    this.seen[slot] = now;
    this.prev[slot] = -1;
    this.next[slot] = this.head;
    if (this.head >= 0) this.prev[this.head] = slot;
    this.head = slot;
    if (this.tail < 0) this.tail = slot;
  }

  /** Removes a slot. */
  remove(slot: number): void {
    const p = this.prev[slot] as number;
    const n = this.next[slot] as number;
    if (p >= 0) this.next[p] = n;
    else if (this.head === slot) this.head = n;
    if (n >= 0) this.prev[n] = p;
    else if (this.tail === slot) this.tail = p;
    this.prev[slot] = this.next[slot] = -1;
  }

  /** Marks a slot seen at `now` (most recent). */
  touch(slot: number, now: number): void {
    this.seen[slot] = now;
    if (this.head === slot) return;
    this.remove(slot);
    this.add(slot, now);
  }

  /** The clock value a slot was last seen at. */
  seenAt(slot: number): number {
    return this.seen[slot] as number;
  }

  /** The least recently seen slot, or −1 when empty. */
  leastRecent(): number {
    return this.tail;
  }
}
