/**
 * Which of a split {@link SeriesIndex}'s {@link SHARDS} `Map`s holds an id: the one home of that
 * policy. A route value in [0, 2^10) is made from the id's length and a few of its characters, and
 * the shares table gives its shard: shard i owns a share of the route values proportional to
 * 2^(i/16), so that the shards reach their doubling points at different sizes (see
 * `series-index.ts`). That works only if the route values of a fleet's ids spread evenly.
 *
 * Which characters: where the fleet's ids differ, learned once from {@link SAMPLE} of the ids the
 * index holds when it splits, spread over them from the first to the last ({@link IdRouter.fit};
 * the latest few alone miss what varies slowly, such as the middle byte of sequential MAC
 * addresses): four places, each counted from the start or
 * from the end (a fleet's ids often share a prefix, a suffix such as a field name, or both), taken
 * greedily as the places that split the sample into the most groups, then the ones that vary most.
 * Before, every index read ten fixed places (the last four, three in the middle, the quarters). On
 * ids shaped like MQTT topics with a field suffix (`plant/1/line-32/machine-15432/vibration_xa`) none
 * of those falls on the device number: over a million such ids one shard stayed empty, another took
 * 2.37 times its share, and the largest held 15% of the ids (a growth step rehashes one shard: it
 * should stay under a tenth); on MAC-address ids (`gw-01/0f:42:a7/rssi`) the shares ranged
 * 0.61–1.76 times. With the learned places they range 0.85–1.21 and 0.83–1.17, the largest shard
 * 8.6% for both. On sequential, zero-padded and hex ids the ten places spread a little more evenly
 * (0.98–1.02 against 0.92–1.08); both are well inside what the shares need. A lookup reads four
 * characters instead of ten: the per-item operator took the same time within the spread (A/B at
 * 100k ids). Learning costs the reading that splits the index about 4 ms more, once per store
 * (3–5 ms → 6–8 ms, cold processes).
 *
 * When the four places separate the sample clearly less well than the ten fixed ones (the part that
 * varies lies farther than {@link REACH} characters from both ends), the router reads the ten. Ids
 * that arrive later and differ only where the router does not read spread unevenly, at worst like
 * one `Map`: no lookup is ever wrong, since a route only decides which shard holds an id.
 */

/** Shards of a split index. */
export const SHARDS = 16;

/** Bits of a route value. */
const ROUTE_BITS = 10;

/** The shard of each of the 2^10 route values: shard i owns a share of them proportional to 2^(i/16). */
const SHARES = ((): Uint8Array => {
  const n = 1 << ROUTE_BITS;
  const weights = Array.from({ length: SHARDS }, (_, i) => 2 ** (i / SHARDS));
  const total = weights.reduce((a, b) => a + b, 0);
  const routes = new Uint8Array(n);
  let at = 0;
  let cumulative = 0;
  for (let i = 0; i < SHARDS; i++) {
    cumulative += weights[i] as number;
    const end = i === SHARDS - 1 ? n : Math.round((cumulative / total) * n);
    // Interleaved (r · 619 mod 1024 is a permutation): a shard's route values are not neighbours.
    for (; at < end; at++) routes[(at * 619) & (n - 1)] = i;
  }
  return routes;
})();

/** Places a router may read: the first {@link REACH} characters and the last {@link REACH}. */
const REACH = 16;
/** Places an adaptive router reads. */
const PLACES = 4;
/** Candidates the greedy rounds of {@link bestPlaces} consider: the most varied on their own. */
const SHORTLIST = 8;
/** Ids of the sample {@link IdRouter.fit} learns from (the index passes ids spread over all it holds). */
export const SAMPLE = 256;

/**
 * Routes ids to shards. Made once per index, at its split, by {@link IdRouter.fit}; its routes
 * never change after (a route decides where an id was stored).
 */
export class IdRouter {
  /** The route value → shard table (a field: a module constant costs a hole check per read). */
  private readonly shares = SHARES;
  // The places again as four fields: `hash` reads them on every lookup, and a field is one load
  // where an array element is a load, a bounds check and a second load.
  private readonly p0: number;
  private readonly p1: number;
  private readonly p2: number;
  private readonly p3: number;

  private constructor(
    /** Whether it reads the ten fixed places instead of {@link IdRouter.places}. */
    readonly fixed: boolean,
    /** The places read (≥ 0: from the start; < 0: from the end, −1 the last character). */
    readonly places: readonly number[],
  ) {
    this.p0 = places[0] ?? -1;
    this.p1 = places[1] ?? -1;
    this.p2 = places[2] ?? -1;
    this.p3 = places[3] ?? -1;
  }

  /**
   * A router for ids like `sample`: the {@link PLACES} places that separate them best, or the ten
   * fixed places when those separate them clearly better (or the sample is empty).
   */
  static fit(sample: readonly string[]): IdRouter {
    const ids = sample.length > SAMPLE ? sample.slice(0, SAMPLE) : sample;
    const seen = new BucketSet();
    const learned = new IdRouter(false, bestPlaces(ids, seen));
    const fixed = new IdRouter(true, []);
    if (ids.length === 0 || groups(ids, learned, seen) * 10 < groups(ids, fixed, seen) * 9) return fixed;
    return learned;
  }

  /** The shard of `id`, in [0, {@link SHARDS}). */
  shard(id: string): number {
    return this.shares[routeValue(this.hash(id))] as number;
  }

  /**
   * A 32-bit hash of `id`'s length and its characters at the router's places. Learned places: two
   * 16-bit codes to a word (no two sets of codes make the same words; NaN, for '', counts as 0),
   * each word and the length multiplied by its own odd constant, combined by xor. The ten fixed
   * places (all characters of a short id): each code by its own constant, combined by xor, so the
   * chain of dependent steps stays short. {@link routeValue} mixes the bits after.
   *
   * Both written out in this one method, which is too large for V8 to inline on purpose: called
   * from the per-reading path, an inlined route used up that path's inlining budget (920 bytes of
   * bytecode): the per-item operator's `handle` then kept the frozen transform and the output's
   * delivery as calls (traced with --trace-turbo-inlining). The route of 0.1 was a call as well.
   */
  hash(id: string): number {
    const n = id.length;
    if (!this.fixed) {
      const w0 = codeAt(id, n, this.p0) | (codeAt(id, n, this.p1) << 16);
      const w1 = codeAt(id, n, this.p2) | (codeAt(id, n, this.p3) << 16);
      return Math.imul(n, 0x9e3779b1) ^ Math.imul(w0, 0x85ebca6b) ^ Math.imul(w1, 0xc2b2ae35);
    }
    if (n < 12) {
      let h = Math.imul(n, 0x9e3779b1);
      for (let i = 0; i < n; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
      return h;
    }
    const m = n >> 1;
    return (
      Math.imul(n, 0x9e3779b1) ^
      Math.imul(id.charCodeAt(n - 1), 0x85ebca6b) ^
      Math.imul(id.charCodeAt(n - 2), 0xc2b2ae35) ^
      Math.imul(id.charCodeAt(n - 3), 0x27d4eb2f) ^
      Math.imul(id.charCodeAt(n - 4), 0x165667b1) ^
      Math.imul(id.charCodeAt(m - 1), 0xd3a2646c) ^
      Math.imul(id.charCodeAt(m), 0xfd7046c5) ^
      Math.imul(id.charCodeAt(m + 1), 0xb55a4f09) ^
      Math.imul(id.charCodeAt(n >> 2), 0x7feb352d) ^
      Math.imul(id.charCodeAt((n * 3) >> 2), 0x846ca68b)
    );
  }
}

/** The character code at place `p` of `id` (length `n`), the place clamped into the id (NaN for ''). */
function codeAt(id: string, n: number, p: number): number {
  return id.charCodeAt(clamp(p, n));
}

/** Place `p` (≥ 0: from the start; < 0: from the end) as an index into a string of length `n` ≥ 1. */
function clamp(p: number, n: number): number {
  return p >= 0 ? (p < n ? p : n - 1) : n + p > 0 ? n + p : 0;
}

/** A hash's route value in [0, 2^10): its bits mixed, the top ten taken. */
function routeValue(h: number): number {
  const x = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 13)) >>> (32 - ROUTE_BITS);
}

/**
 * The {@link PLACES} places to read for ids like `ids`, of the first and last {@link REACH}: first,
 * greedily, the place that most increases the number of distinct (length, characters so far) keys,
 * while that adds more than 1% (the sample is small: once its ids are told apart, a further place
 * shows no gain there, though the fleet has many more ids); then the places whose characters vary
 * most on their own. A place whose character never varies is never taken; too few places repeat the
 * first. Each id's character at each place is read once, into a table.
 */
function bestPlaces(ids: readonly string[], seen: BucketSet): number[] {
  const m = ids.length;
  const codes = new Int32Array(2 * REACH * m);
  // The places whose character varies, each column of codes once (for ids of one length a place
  // from the start is also one from the end).
  const columns = new Set<number>();
  const candidates: number[] = [];
  for (let c = 0; c < 2 * REACH; c++) {
    const p = placeOf(c);
    let h = 0;
    let varies = false;
    for (let i = 0; i < m; i++) {
      const id = ids[i] as string;
      const code = id.charCodeAt(clamp(p, id.length));
      const v = code === code ? code : 0x10000;
      codes[c * m + i] = v;
      h = mix(h, v);
      varies ||= v !== codes[c * m];
    }
    if (varies && !columns.has(h)) candidates.push(c);
    columns.add(h);
  }
  // Each on its own; the greedy rounds consider the most varied few.
  const zero = new Int32Array(m);
  const alone = new Map(candidates.map((c) => [c, seen.count(zero, codes, c * m)]));
  const varied = candidates.sort((a, b) => (alone.get(b) as number) - (alone.get(a) as number) || a - b);
  const keys = new Int32Array(m);
  for (let i = 0; i < m; i++) keys[i] = Math.imul((ids[i] as string).length, 0x9e3779b1);
  const taken: number[] = [];
  let best = seen.count(keys, undefined, 0);
  const shortlist = varied.slice(0, SHORTLIST);
  while (taken.length < PLACES) {
    const [c, count] = mostGroups(keys, codes, shortlist, taken, seen);
    if (c < 0 || count <= best + Math.max(1, best / 100)) break;
    best = count;
    taken.push(c);
    for (let i = 0; i < m; i++) keys[i] = mix(keys[i] as number, codes[c * m + i] as number);
  }
  for (const c of varied) if (taken.length < PLACES && !taken.includes(c)) taken.push(c);
  const places = taken.map(placeOf);
  while (places.length < PLACES) places.push(places[0] ?? -1);
  return places;
}

/** Candidate `c` of {@link bestPlaces}: 0 … REACH − 1 from the start, then −1 … −REACH from the end. */
function placeOf(c: number): number {
  return c < REACH ? c : REACH - 1 - c;
}

/** A key with a character code mixed in. */
function mix(key: number, code: number): number {
  return Math.imul(key ^ code, 0x01000193) ^ (key >>> 15);
}

/** The candidate of `among` (not in `taken`) whose codes, mixed into `keys`, give the most distinct keys, and that count (−1, −1: none left). */
function mostGroups(keys: Int32Array, codes: Int32Array, among: readonly number[], taken: readonly number[], seen: BucketSet): [number, number] {
  let best = -1;
  let count = -1;
  for (const c of among) {
    if (taken.includes(c)) continue;
    const n = seen.count(keys, codes, c * keys.length);
    if (n > count) {
      count = n;
      best = c;
    }
  }
  return [best, count];
}

/** Distinct hashes of `ids` by `router`. */
function groups(ids: readonly string[], router: IdRouter, seen: BucketSet): number {
  const keys = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) keys[i] = router.hash(ids[i] as string);
  return seen.count(keys, undefined, 0);
}

/**
 * A set of 32-bit values kept as 2^16 buckets (a value's bucket is 16 bits of it, mixed), each
 * stamped with the count that last filled it, so that starting a new count clears nothing. Two
 * values that share a bucket count once: with {@link SAMPLE} values, about one pair in a count
 * (256² / 2^17), alike for every candidate place.
 */
class BucketSet {
  private readonly stamps = new Uint32Array(1 << 16);
  private generation = 0;

  /** Distinct values among `keys[i]`, or among `mix(keys[i], codes[at + i])` when `codes` is given. */
  count(keys: Int32Array, codes: Int32Array | undefined, at: number): number {
    const stamps = this.stamps;
    const g = ++this.generation;
    let n = 0;
    for (let i = 0; i < keys.length; i++) {
      const v = codes === undefined ? (keys[i] as number) : mix(keys[i] as number, codes[at + i] as number);
      const b = Math.imul(v ^ (v >>> 16), 0x45d9f3b) >>> 16;
      if (stamps[b] !== g) {
        stamps[b] = g;
        n++;
      }
    }
    return n;
  }
}
