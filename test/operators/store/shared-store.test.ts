import { lastValueFrom, of, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, SeriesStore, type Normalized, type Reading } from 'streamnorm';
import { R } from '../helpers.js';

describe('one store, several subscriptions', () => {
  it('a second concurrent learner on the same store is refused with a clear error', () => {
    const store = new SeriesStore();
    const hot = new Subject<Reading>();
    const op = normalize({ store, freeze: { afterSamples: 2 } });
    const errors: unknown[] = [];
    hot.pipe(op).subscribe({ error: (e) => errors.push(e) });
    hot.pipe(op).subscribe({ error: (e) => errors.push(e) });
    hot.next(R('s', 1));
    hot.next(R('s', 1));
    expect(store.params('s')?.count).not.toBe(1);
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as Error).message)).toMatch(/learn/);
  });

  it('any number of transform-only subscriptions (learn: false) share the statistics of one learner', () => {
    const store = new SeriesStore();
    const hot = new Subject<Reading>();
    const a: Normalized[] = [];
    const b: Normalized[] = [];
    hot.pipe(normalize({ store, freeze: { afterSamples: 2 }, whileFitting: 'drop' })).subscribe((n) => a.push(n));
    hot.pipe(normalize({ store, learn: false, whileFitting: 'drop' })).subscribe((n) => b.push(n));
    for (const v of [1, 3, 5]) hot.next(R('s', v));
    expect(store.params('s')?.count).toBe(2);
    expect(a.map((n) => n.value)).toEqual([3]);
    // The reader sees 3 after the learner (subscribed first) froze on [1, 3]: it transforms it.
    expect(b.map((n) => n.value)).toEqual([1, 3]);
    expect(b.map((n) => n.version)).toEqual([1, 1]);
  });

  it('a re-entrant emission is learned once, in order', () => {
    const store = new SeriesStore();
    const input = new Subject<Reading>();
    const out: Normalized[] = [];
    let fed = false;
    input.pipe(normalize({ store, freeze: { afterSamples: 1 }, whileFitting: 'raw' })).subscribe((n) => {
      out.push(n);
      if (!fed) {
        fed = true;
        input.next(R('s', 5)); // feedback from the subscriber, synchronously
        input.next(R('s', 9));
      }
    });
    input.next(R('s', 1));
    expect(store.params('s')?.count).toBe(1);
    expect(out.map((n) => [n.raw, n.phase])).toEqual([
      [1, 'fitting'],
      [5, 'frozen'],
      [9, 'frozen'],
    ]);
  });

  it('sequential subscriptions still share a store', async () => {
    const store = new SeriesStore();
    const op = normalize({ store, freeze: { afterSamples: 2 }, whileFitting: 'drop' });
    await lastValueFrom(of(R('s', 0), R('s', 10)).pipe(op, toArray()));
    const second = await lastValueFrom(of(R('s', 10)).pipe(op, toArray()));
    expect(second.map((n) => n.value)).toEqual([1]);
  });
});
