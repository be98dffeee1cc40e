import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, SeriesStore, Y2K_MS, type Normalized, type NormalizeOptions, type Reading } from 'streamnorm';
import { R } from '../helpers.js';

const run = (readings: Reading[], options: NormalizeOptions): Promise<Normalized[]> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));
const T = Date.UTC(2026, 10, 1);

describe('redelivered readings inside a fit window (late: skip)', () => {
  it('a duplicate (same time) or older reading is emitted but not learned, counted as skippedLate', async () => {
    const store = new SeriesStore();
    const readings = [R('s', 1, T), R('s', 3, T + 1), R('s', 3, T + 1), R('s', 1, T), R('s', 5, T + 2)];
    const out = await run(readings, { store, late: 'skip', freeze: { afterSamples: 3 }, whileFitting: 'raw' });
    expect(out).toHaveLength(5);
    expect(store.params('s')).toMatchObject({ count: 3, center: 3 });
    expect(store.diagnostics().series.s?.skippedLate).toBe(2);
  });

  it('learn (default): late readings are learned and counted as out of order', async () => {
    const store = new SeriesStore();
    await run([R('s', 1, T), R('s', 3, T + 1), R('s', 2, T)], { store, freeze: { afterSamples: 3 } });
    expect(store.params('s')?.count).toBe(3);
    expect(store.diagnostics().series.s?.outOfOrder).toBe(1);
  });
});

describe('implausible times are counted and never learned', () => {
  const options = { freeze: { afterSpanMs: 10_000 }, whileFitting: 'raw', plausibleTime: { min: Y2K_MS } } as const;

  it('negative, 1e20 and seconds-for-milliseconds times neither learn nor trigger a time freeze', async () => {
    const store = new SeriesStore();
    const readings = [R('s', 1, T), R('s', 100, -5), R('s', 100, 1e20), R('s', 100, T / 1000), R('s', 3, T + 1000)];
    const out = await run(readings, { ...options, store });
    expect(out).toHaveLength(5);
    expect(store.phase('s')).toBe('fitting');
    expect(store.fitting('s')?.count).toBe(2);
    expect(store.diagnostics().series.s?.implausibleTime).toBe(3);
  });

  it('by default only the far future is refused; false refuses nothing', async () => {
    const a = new SeriesStore();
    await run([R('s', 1, 0), R('s', 2, 1e20), R('s', 3, 5)], { store: a, freeze: 'never' });
    expect(a.diagnostics().series.s?.implausibleTime).toBe(1);
    const b = new SeriesStore();
    await run([R('s', 1, 0), R('s', 2, 1e20)], { store: b, freeze: 'never', plausibleTime: false });
    expect(b.diagnostics().series.s?.implausibleTime ?? 0).toBe(0);
    expect(() => normalize({ plausibleTime: { min: 0, maxAhead: 5 } as never })).toThrow(/maxAhead/);
  });
});

describe('the plausible-time limit and the wall clock', () => {
  it('a time past the limit of the last look at the clock is accepted once the clock has moved past it, and a time too far ahead stays refused', async () => {
    const store = new SeriesStore();
    const src = new Subject<Reading>();
    const out: Normalized[] = [];
    src.pipe(normalize({ store, freeze: 'never', plausibleTime: { maxAheadMs: 50 } })).subscribe((n) => out.push(n));
    const now = Date.now();
    src.next(R('s', 1, now));
    src.next(R('s', 2, now + 10_000)); // 10 s ahead: refused
    await new Promise((r) => setTimeout(r, 120));
    src.next(R('s', 3, now + 100)); // past the limit of the first look, plausible by now
    expect(out).toHaveLength(3);
    expect(store.fitting('s')?.count).toBe(2);
    expect(store.diagnostics().series.s?.implausibleTime).toBe(1);
  });
});
