import { IdRouter, SAMPLE, SHARDS } from './id-router.js';

/**
 * Series id → slot, for stores of any size: V8 `Map`s, several of them past {@link SPLIT_AT} ids.
 *
 * Why not one `Map`: a `Map` doubles its capacity when full and rehashes every entry in that one
 * insertion (about 50 ms at 2^20 ids: a stall of the stream), and just past a doubling it holds
 * twice the room it uses (an entry costs 28 bytes of capacity: 56 bytes per id at 2^20 + 1 ids,
 * 29 at 10^6). Why `Map`s at all: V8 caches a string's hash in the string, so a `Map` lookup of an
 * id seen before does not read its characters; a hash computed in JavaScript would (tens of ns).
 *
 * Past {@link SPLIT_AT} ids the index is {@link SHARDS} `Map`s, and an {@link IdRouter} says which
 * holds an id: from its length and four of its characters, at the places where the ids held at the
 * split differ most (a handful of loads from a string the lookup touches anyway). The shards take
 * unequal shares (shard i about 2^(i/16) parts), so they reach their doubling points at different
 * sizes: a growth step rehashes one shard (under a tenth of the ids), and at any size the shards'
 * fill spreads over an octave: about 40 bytes per id whatever the size (one `Map`: 28 to 56). Ids
 * that differ only where the router does not read spread unevenly, at worst like one `Map`: no
 * lookup is ever wrong, only the growth steps get larger.
 *
 * Up to {@link SPLIT_AT} ids there is one `Map`, so iteration is in insertion order, as a `Map`'s;
 * past it iteration goes shard by shard.
 */
export class SeriesIndex {
  private shards: Map<string, number>[] = [new Map()];
  /** Which shard holds an id; undefined while there is one `Map`. */
  private router: IdRouter | undefined;
  private count = 0;
  /** {@link SeriesIndex.lookupMany}'s shard per item, reused. */
  private shardScratch = new Uint8Array(0);
  /** What {@link SeriesIndex.lookupMany}'s first pass read (kept, so that its reads are not optimized away). */
  private lengths = 0;

  /** Number of ids. */
  get size(): number {
    return this.count;
  }

  /** The slot of `id`, or undefined. */
  get(id: string): number | undefined {
    const router = this.router;
    return (router === undefined ? (this.shards[0] as Map<string, number>) : (this.shards[router.shard(id)] as Map<string, number>)).get(id);
  }

  /**
   * `slots[i]` = the slot of `items[i].series`, or −1, for `i < n`: {@link SeriesIndex.get} over a
   * batch (a chunk's lookahead). Past the split point it goes in passes: every id's length, every
   * id's shard, then every lookup. At 100k ids and more each step misses the cache, and a short loop
   * of independent steps keeps many misses in flight where longer steps hold a few (traced in a chunk
   * of 1M round-robin series, shard and lookup in one loop → two: 2.2 → 3.4 M readings/s; of 100k
   * random series, the routing pass 148 → 74 ns per id with the length pass before it).
   */
  lookupMany(items: ArrayLike<{ readonly series: string }>, n: number, slots: Int32Array): void {
    const router = this.router;
    if (router === undefined) {
      const one = this.shards[0] as Map<string, number>;
      for (let i = 0; i < n; i++) slots[i] = one.get((items[i] as { series: string }).series) ?? -1;
      return;
    }
    // First only each id's length: a loop this short keeps dozens of the ids' cache misses in flight,
    // where routing's longer steps hold a few.
    let length = 0;
    for (let i = 0; i < n; i++) length += (items[i] as { series: string }).series.length;
    this.lengths = length;
    let shardOf = this.shardScratch;
    if (shardOf.length < n) shardOf = this.shardScratch = new Uint8Array(n);
    for (let i = 0; i < n; i++) shardOf[i] = router.shard((items[i] as { series: string }).series);
    const shards = this.shards;
    for (let i = 0; i < n; i++) slots[i] = (shards[shardOf[i] as number] as Map<string, number>).get((items[i] as { series: string }).series) ?? -1;
  }

  /** Whether `id` is in the index. */
  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Sets the slot of `id`. */
  set(id: string, slot: number): this {
    const shard = this.shardOf(id);
    const before = shard.size;
    shard.set(id, slot);
    if (shard.size !== before && ++this.count > SPLIT_AT && this.router === undefined) this.split();
    return this;
  }

  /** Removes `id`; true if it was there. */
  delete(id: string): boolean {
    if (!this.shardOf(id).delete(id)) return false;
    this.count--;
    return true;
  }

  /** The ids. */
  *keys(): IterableIterator<string> {
    for (const shard of this.shards) yield* shard.keys();
  }

  /** `[id, slot]` pairs. */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    for (const shard of this.shards) yield* shard;
  }

  /**
   * A walk over the ids and slots that can be resumed across calls, as the iterator above is, but
   * with less garbage per id: a generator's step makes a result object and an `[id, slot]` array
   * that V8 cannot take apart (the freeze sweep of a million series made 2.43 instead of 2.51 KB of
   * garbage a series with this cursor, V8's sampling heap profiler). Ids added while it walks may or
   * may not be met; an id deleted before the cursor reaches it is not met, also across the split
   * (the cursor starts over on the new shards, so an id may be met twice then).
   */
  cursor(): IndexCursor {
    return new IndexCursor(() => this.shards);
  }

  private shardOf(id: string): Map<string, number> {
    const router = this.router;
    return (router === undefined ? this.shards[0] : this.shards[router.shard(id)]) as Map<string, number>;
  }

  /** From one `Map` to {@link SHARDS}: once, at {@link SPLIT_AT} ids. */
  private split(): void {
    const one = this.shards[0] as Map<string, number>;
    const router = IdRouter.fit(sample(one, SAMPLE));
    this.shards = Array.from({ length: SHARDS }, () => new Map<string, number>());
    this.router = router;
    for (const [id, slot] of one) (this.shards[router.shard(id)] as Map<string, number>).set(id, slot);
  }
}

/** A resumable walk over a {@link SeriesIndex}: each {@link IndexCursor.next} that returns true sets `id` and `slot`. */
export class IndexCursor {
  id = '';
  slot = -1;
  private at = 0;
  private shards: readonly Map<string, number>[];
  private entries: MapIterator<[string, number]> | undefined;

  /** `current` gives the index's shards as they are now (a new array once the index split). */
  constructor(private readonly current: () => readonly Map<string, number>[]) {
    this.shards = current();
    this.entries = this.shards[0]?.entries();
  }

  /** Moves to the next id; false when every shard was walked. */
  next(): boolean {
    if (this.entries !== undefined && this.current() !== this.shards) {
      // The index split: the old `Map` no longer sees deletions, and a deleted id's slot may be
      // reused by another series. Start over on the new shards.
      this.shards = this.current();
      this.at = 0;
      this.entries = this.shards[0]?.entries();
    }
    for (;;) {
      const entries = this.entries;
      if (entries === undefined) return false;
      const e = entries.next();
      if (e.done !== true) {
        this.id = e.value[0];
        this.slot = e.value[1];
        return true;
      }
      this.entries = this.shards[++this.at]?.entries();
    }
  }
}

/** Ids held in one `Map` before the index splits into shards. */
export const SPLIT_AT = 4096;

/** At most `n` ids of `index`, evenly spaced in insertion order (from the first to the last). */
function sample(index: Map<string, number>, n: number): string[] {
  const ids = [...index.keys()];
  if (ids.length <= n) return ids;
  return Array.from({ length: n }, (_, k) => ids[Math.floor((k * (ids.length - 1)) / (n - 1))] as string);
}
