import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, SeriesStore, type Normalized, type NormalizeOptions, type Reading } from 'streamnorm';
import { R } from '../helpers.js';

const run = (readings: Reading[], options: NormalizeOptions): Promise<Normalized[]> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));
const DAY = 86_400_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('SeriesStore eviction: idle time judged per series, by a clock one device cannot turn', () => {
  it('a device stamping its readings 10 days ahead does not evict the other series (event-time clock)', async () => {
    const store = new SeriesStore({ idleEvictMs: 60_000, evictBy: 'event-time' });
    const t0 = Date.UTC(2026, 10, 1);
    const readings: Reading[] = [R('quiet', 1, t0)];
    for (let i = 0; i < 400; i++) {
      readings.push(R(`s${i % 20}`, i, t0 + i * 1000));
      if (i % 20 === 0) readings.push(R('skewed', i, t0 + 10 * DAY + i * 1000));
    }
    await run(readings, { store, freeze: { afterSamples: 3 } });
    // Only the series that really went quiet for more than a minute of stream time is evicted.
    expect(store.has('quiet')).toBe(false);
    expect(store.size).toBe(21);
    expect(store.diagnostics().totals.evicted).toBe(1);
  });

  it('one reading stamped 10 days ahead evicts nothing (the case of 0.1, where it evicted every frozen series)', async () => {
    const store = new SeriesStore({ idleEvictMs: 60_000, evictBy: 'event-time' });
    const t0 = Date.UTC(2026, 10, 1);
    const readings: Reading[] = [];
    for (let i = 0; i < 100; i++) readings.push(R(`s${i % 10}`, i, t0 + i * 100));
    readings.push(R('s0', 1, t0 + 10 * DAY));
    for (let i = 100; i < 110; i++) readings.push(R(`s${i % 10}`, i, t0 + i * 100));
    await run(readings, { store, freeze: { afterSamples: 3 } });
    expect(store.size).toBe(10);
    expect([...store.keys()].every((id) => store.phase(id) === 'frozen')).toBe(true);
    expect(store.diagnostics().totals.evicted).toBe(0);
  });

  it('a device whose clock is two days behind is not evicted at once (event-time clock)', async () => {
    const store = new SeriesStore({ idleEvictMs: 60_000, evictBy: 'event-time' });
    const t0 = Date.UTC(2026, 10, 1);
    const readings: Reading[] = [R('quiet', 1, t0)];
    for (let i = 0; i < 400; i++) {
      readings.push(R(`s${i % 20}`, i, t0 + i * 1000));
      if (i % 20 === 0) readings.push(R('behind', i, t0 - 2 * DAY + i * 1000));
    }
    await run(readings, { store, freeze: { afterSamples: 3 } });
    expect(store.has('behind')).toBe(true);
    expect(store.has('quiet')).toBe(false);
    expect(store.diagnostics().totals.evicted).toBe(1);
  });

  it('still evicts by event time: a series silent for longer than the idle time of stream time goes', async () => {
    const store = new SeriesStore({ idleEvictMs: 1000, evictBy: 'event-time' });
    const readings: Reading[] = [];
    for (let i = 0; i < 100; i++) readings.push(R(`quiet${i}`, 1, 0));
    for (let t = 0; t <= 10_000; t += 100) readings.push(R('busy', t, t));
    await run(readings, { store });
    expect(store.size).toBe(1);
    expect(store.has('busy')).toBe(true);
    expect(store.diagnostics().totals.evicted).toBe(100);
  });

  it('by default judges idle time by the wall clock, and evicts while no reading arrives', async () => {
    const store = new SeriesStore({ idleEvictMs: 60 });
    const input = new Subject<Reading>();
    const out: Normalized[] = [];
    const sub = input.pipe(normalize({ store, freeze: { afterSamples: 2 } })).subscribe((n) => out.push(n));
    // Event times far in the past must not matter to the wall clock.
    input.next(R('a', 1, 0));
    input.next(R('b', 2, 5));
    expect(store.size).toBe(2);
    await sleep(300);
    expect(store.size).toBe(0);
    expect(store.diagnostics().totals.evicted).toBe(2);
    sub.unsubscribe();
  });

  it('maxSeries evicts the least recently seen series, counted', async () => {
    const store = new SeriesStore({ maxSeries: 3 });
    await run([R('a', 1), R('b', 1), R('c', 1), R('a', 2), R('d', 1), R('e', 1)], { store });
    expect([...store.keys()].sort()).toEqual(['a', 'd', 'e']);
    expect(store.size).toBe(3);
    expect(store.diagnostics().totals.evicted).toBe(2);
    expect(store.diagnostics().totals.evictedCapacity).toBe(2);
  });

  it('eviction options are store options: passing them to normalize with a store is refused', () => {
    expect(() => normalize({ store: new SeriesStore(), idleEvictMs: 10 } as NormalizeOptions)).toThrow(/idleEvictMs/);
  });
});
