import { map, range, take, tap, toArray, lastValueFrom, Subject, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, StandardScaler, SeriesStore, InvalidReadingError, type Reading } from 'streamnorm';
import { R, fittingOut, frozenOut, scheduler } from './helpers.js';

/** The standard-scaler transform of `x` with statistics fitted on `window` (an independent path). */
function z(window: number[], x: number): number {
  const s = new StandardScaler().learnMany(window);
  s.freeze();
  return s.transform(x);
}

/** A store with series `s` frozen on [1, 2, 3] (mean 2). */
function frozenStore(): SeriesStore {
  const scaler = new StandardScaler().learnMany([1, 2, 3]);
  scaler.freeze();
  return new SeriesStore({ initial: [['s', scaler]] });
}

describe('normalize: marble basics', () => {
  const a = R('s', 1);
  const b = R('s', 2);
  const c = R('s', 3);

  it('never emits nothing and never completes', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold<Reading>('-');
      expectObservable(src.pipe(normalize())).toBe('-');
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('empty completes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<Reading>('|').pipe(normalize())).toBe('|');
    });
  });

  it('one value of a frozen series is transformed', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('-a|', { a: c });
      expectObservable(src.pipe(normalize({ store: frozenStore() }))).toBe('-x|', { x: frozenOut(c, z([1, 2, 3], 3)) });
    });
  });

  it('many values: fitting (raw) then frozen at the 2nd sample', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-b-c-|', { a, b, c });
      expectObservable(src.pipe(normalize({ freeze: { afterSamples: 2 }, whileFitting: 'raw' }))).toBe('-x-y-w-|', {
        x: fittingOut(a, 1, 'raw'),
        y: fittingOut(b, 2, 'raw'),
        w: frozenOut(c, z([1, 2], 3)),
      });
      expectSubscriptions(src.subscriptions).toBe('^------!');
    });
  });

  it('an error passes through after the outputs so far', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a--#', { a: c }, new Error('boom'));
      expectObservable(src.pipe(normalize({ store: frozenStore() }))).toBe('-x--#', { x: frozenOut(c, z([1, 2, 3], 3)) }, new Error('boom'));
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });

  it('a never-ending source keeps its subscription open', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('-a-b-', { a, b });
      expectObservable(src.pipe(normalize({ freeze: 'never', whileFitting: 'raw' }))).toBe('-x-y-', { x: fittingOut(a, 1, 'raw'), y: fittingOut(b, 2, 'raw') });
      expectSubscriptions(src.subscriptions).toBe('^');
    });
  });

  it('early unsubscription reaches the source', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('-a-b-c-|', { a, b, c });
      expectObservable(src.pipe(normalize({ whileFitting: 'raw' })), '^--!').toBe('-x--', { x: fittingOut(a, 1, 'raw') });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('a throwing key function becomes an error notification and unsubscribes the source', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-b-c|', { a, b, c });
      const key = (r: Reading): string => {
        if (r.value === 2) throw new Error('bad key');
        return r.series;
      };
      expectObservable(src.pipe(normalize({ key, whileFitting: 'raw' }))).toBe('-x-#', { x: fittingOut(a, 1, 'raw') }, new Error('bad key'));
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('a throwing scaler function becomes an error notification', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('-a|', { a });
      const scaler = (): never => {
        throw new Error('no spec');
      };
      expectObservable(src.pipe(normalize({ scaler }))).toBe('-#', undefined, new Error('no spec'));
    });
  });

  it('invalid: error raises an InvalidReadingError naming the series and reason', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('-a-b|', { a, b: R('s', NaN) });
      expectObservable(src.pipe(normalize({ invalid: 'error', whileFitting: 'raw' }))).toBe('-x-#', { x: fittingOut(a, 1, 'raw') }, new InvalidReadingError('s', NaN, 'nan'));
    });
  });
});

describe('normalize: freeze points (marbles)', () => {
  const a = R('s', 1, 0);
  const b = R('s', 2, 500);
  const c = R('s', 3, 1000);
  const d = R('s', 4, 1500);

  it('afterSpanMs: the first reading at least span after the first is frozen, not learned', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('abcd|', { a, b, c, d });
      expectObservable(src.pipe(normalize({ freeze: { afterSpanMs: 1000 }, whileFitting: 'drop' }))).toBe('--xy|', {
        x: frozenOut(c, z([1, 2], 3)),
        y: frozenOut(d, z([1, 2], 4)),
      });
    });
  });

  it('atTime: readings with time >= t are frozen', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('abcd|', { a, b, c, d });
      expectObservable(src.pipe(normalize({ freeze: { atTime: 1000 }, whileFitting: 'drop' }))).toBe('--xy|', {
        x: frozenOut(c, z([1, 2], 3)),
        y: frozenOut(d, z([1, 2], 4)),
      });
    });
  });

  it('notifier: any value freezes every fitting series; held windows are released at that moment', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const src = cold('a-b------c|', { a, b, c });
      const notifier = hot('----n---', { n: true });
      expectObservable(src.pipe(normalize({ freeze: { notifier }, whileFitting: 'hold' }))).toBe('----(xy)-w|', {
        x: frozenOut(a, z([1, 2], 1), 1, 'held'),
        y: frozenOut(b, z([1, 2], 2), 1, 'held'),
        w: frozenOut(c, z([1, 2], 3)),
      });
    });
  });

  it('notifier: a string names the series to freeze', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const t1 = R('t', 10);
      const t2 = R('t', 20);
      const src = cold('ab-----cd|', { a: R('s', 1), b: t1, c: R('s', 2), d: t2 });
      const notifier = hot('---n-----', { n: 't' });
      expectObservable(src.pipe(normalize({ freeze: { notifier }, whileFitting: 'drop' }))).toBe('--------x|', { x: frozenOut(t2, 10, 1, 'zero-spread') });
    });
  });

  it('notifier: an error is passed on', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const notifier = hot('--#');
      expectObservable(cold('a---|', { a }).pipe(normalize({ freeze: { notifier }, whileFitting: 'drop' }))).toBe('--#');
    });
  });

  it('never: stays fitting, provisional outputs from the statistics so far', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('abc|', { a, b, c });
      expectObservable(src.pipe(normalize({ freeze: 'never' }))).toBe('xyw|', {
        x: fittingOut(a, 0, 'provisional'),
        y: fittingOut(b, z([1, 2], 2), 'provisional'),
        w: fittingOut(c, z([1, 2, 3], 3), 'provisional'),
      });
    });
  });
});

describe('normalize: RxJS citizenship', () => {
  it('range(0, 1e6).pipe(normalize, take(3)) pulls 3 values', async () => {
    let pulled = 0;
    const out = await lastValueFrom(
      range(0, 1e6).pipe(
        tap(() => pulled++),
        map((i) => R('s', i)),
        normalize({ freeze: { afterSamples: 2 } }),
        take(3),
        toArray(),
      ),
    );
    expect(out).toHaveLength(3);
    expect(pulled).toBe(3);
  });

  it('two subscribers never share statistics without a shared store', async () => {
    const op = normalize({ freeze: { afterSamples: 2 }, whileFitting: 'drop' });
    const first = await lastValueFrom(of(R('s', 0), R('s', 10), R('s', 5)).pipe(op, toArray()));
    const second = await lastValueFrom(of(R('s', 100), R('s', 110), R('s', 105)).pipe(op, toArray()));
    expect(first.map((n) => n.value)).toEqual([0]);
    expect(second.map((n) => n.value)).toEqual([0]);
  });

  it('a shared store shares statistics between subscriptions', async () => {
    const store = new SeriesStore();
    const op = normalize({ store, freeze: { afterSamples: 2 }, whileFitting: 'drop' });
    await lastValueFrom(of(R('s', 0), R('s', 10)).pipe(op, toArray()));
    const second = await lastValueFrom(of(R('s', 10)).pipe(op, toArray()));
    expect(second.map((n) => n.value)).toEqual([1]);
  });

  it('unsubscribing from a synchronous notifier-driven pipeline releases the notifier', () => {
    const notifier = new Subject<unknown>();
    const sub = of(R('s', 1)).pipe(normalize({ freeze: { notifier } })).subscribe();
    sub.unsubscribe();
    expect(notifier.observed).toBe(false);
  });
});
