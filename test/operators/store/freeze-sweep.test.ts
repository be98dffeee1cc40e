/**
 * Freezing every fit of a large store without stopping the stream: a freeze notifier (and
 * `store.requestFreeze()`) marks every fit due at once; the first slice runs in the call, the rest
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

  it('store.requestFreeze() freezes first windows only, and a snapshot finishes the sweep first', () => {
    const store = new SeriesStore({ drift: false });
    const source = new Subject<{ series: string; value: number }>();
    source.pipe(normalize({ store, freeze: 'never', whileFitting: 'drop' })).subscribe();
    for (let i = 0; i < N; i++) source.next({ series: ids[i] as string, value: i });
    store.requestFreeze();
    const snap = store.snapshot();
    expect(store.sweeper.running).toBe(false);
    expect(Object.values(snap.series).every((s) => (s as { phase: string }).phase === 'frozen')).toBe(true);
    for (const id of ids) expect(store.phase(id)).toBe('frozen');
  });
});
