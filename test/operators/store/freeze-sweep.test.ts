/**
 * Freezing every fit of a large store without stopping the stream: a freeze notifier (and
 * `store.freeze()`) marks every fit due at once; the first slice runs in the call, the rest
 * in later macrotasks. Every series ends frozen with the statistics of its window; a series read
 * before the sweep reaches it freezes first (its held outputs before its own output); a series that
 * starts fitting after the request is not frozen by it.
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, SeriesStore } from '../../../operators/index.js';
import type { Normalized } from '../../../src/reading.js';

const N = 30_000;
const ids = Array.from({ length: N }, (_, i) => `dev-${i}/temp`);
const settle = async (store: SeriesStore): Promise<void> => {
  for (let i = 0; i < 10_000 && store.sweeper.running; i++) await new Promise((r) => setImmediate(r));
};

describe('freezing every fit in slices', () => {
  it('a notifier freezes every series in the background; held windows come out before later readings of their series', async () => {
    const store = new SeriesStore({ drift: false });
    const notifier = new Subject<void>();
    const source = new Subject<{ series: string; value: number; time: number }>();
    const out: Normalized[] = [];
    source.pipe(normalize({ store, freeze: [{ notifier }], whileFitting: 'hold' })).subscribe((o) => out.push(o));
    for (let k = 0; k < 2; k++) for (let i = 0; i < N; i++) source.next({ series: ids[i] as string, value: i + k, time: k });
    notifier.next();
    const last = ids[N - 1] as string;
    // The last series is read before the sweep has reached it (or after): either way its held
    // outputs come first, then its own, transformed with the frozen statistics.
    source.next({ series: last, value: 5, time: 2 });
    source.next({ series: 'late-comer', value: 1, time: 2 }); // starts fitting after the request
    await settle(store);
    expect(store.sweeper.running).toBe(false);
    for (const id of ids) expect(store.phase(id)).toBe('frozen');
    expect(store.phase('late-comer')).toBe('fitting');
    const mine = out.filter((o) => o.series === last);
    expect(mine.map((o) => o.flag)).toEqual(['held', 'held', undefined]);
    expect(mine.every((o) => o.phase === 'frozen' && o.version === 1)).toBe(true);
    expect(mine[2]?.value).toBe((5 - (N - 0.5)) / 0.5);
    expect(out.filter((o) => o.flag === 'held').length).toBe(2 * N);
    expect(store.params(ids[7] as string)?.center).toBe(7.5);
  });

  it('store.freeze() returns before the sweep ends; the store reads as frozen at once; the promise gives each id frozen once', async () => {
    const store = new SeriesStore({ drift: false });
    const source = new Subject<{ series: string; value: number }>();
    const out: Normalized[] = [];
    source.pipe(normalize({ store, freeze: 'never', whileFitting: 'drop' })).subscribe((o) => out.push(o));
    for (let i = 0; i < N; i++) source.next({ series: ids[i] as string, value: i });
    source.next({ series: 'no-value-yet', value: NaN });
    const announced: string[] = [];
    store.frozen$.subscribe((e) => announced.push(e.series));
    const done = store.freeze();
    expect(store.sweeper.running).toBe(true); // 30,000 series: more than one slice
    const last = ids[N - 1] as string;
    // Reads see every fit frozen before the sweep reaches it: the read freezes it first.
    expect(store.phase(last)).toBe('frozen');
    expect(store.params(ids[N - 2] as string)).toMatchObject({ center: N - 2, version: 1 });
    expect(store.toSklearn(ids[N - 3] as string)).toMatchObject({ mean_: N - 3 });
    // A reading before the sweep gets there freezes its series first and is transformed with it.
    source.next({ series: ids[N - 4] as string, value: N - 4 + 1 });
    expect(out.at(-1)).toMatchObject({ series: ids[N - 4], phase: 'frozen', version: 1 });
    const frozen = await done;
    expect(store.sweeper.running).toBe(false);
    expect(frozen.length).toBe(N);
    expect(new Set(frozen)).toEqual(new Set(ids)); // each once: by the sweep, a read or a reading
    expect(frozen).toEqual(announced); // in the order they froze (the ids are kept in chunks of 8,192)
    expect(announced.slice().sort()).toEqual(ids.slice().sort());
    expect(store.phase('no-value-yet')).toBe('fitting'); // no valid value yet: stays fitting
    for (const id of ids) expect(store.phase(id)).toBe('frozen');
  });

  it('store.freeze() on a small store is done in the call; named ids freeze now and return what they froze', async () => {
    const store = new SeriesStore({ drift: false });
    const source = new Subject<{ series: string; value: number }>();
    source.pipe(normalize({ store, freeze: 'never', whileFitting: 'drop' })).subscribe();
    for (const id of ['a', 'b', 'c']) source.next({ series: id, value: 1 });
    expect(store.freeze(['a', 'x'])).toEqual(['a']);
    const all = store.freeze();
    expect(store.sweeper.running).toBe(false);
    expect((await all).sort()).toEqual(['b', 'c']);
    expect(await store.freeze()).toEqual([]); // nothing left to freeze
  });

  it('a snapshot taken while store.freeze() sweeps finishes the sweep first', async () => {
    const store = new SeriesStore({ drift: false });
    const source = new Subject<{ series: string; value: number }>();
    source.pipe(normalize({ store, freeze: 'never', whileFitting: 'drop' })).subscribe();
    for (let i = 0; i < N; i++) source.next({ series: ids[i] as string, value: i });
    const done = store.freeze();
    const snap = store.snapshot();
    expect(store.sweeper.running).toBe(false);
    expect(Object.values(snap.series).every((s) => (s as { phase: string }).phase === 'frozen')).toBe(true);
    expect((await done).length).toBe(N);
  });
});
