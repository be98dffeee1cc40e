import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { batchNorm, ewmNormalize, SeriesStore, type Normalized, type Reading } from 'streamnorm';
import { R } from '../helpers.js';

const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const values = (ns: Normalized[]): number[] => ns.map((n) => n.value);

describe('ewmNormalize and batchNorm keep their state in a SeriesStore', () => {
  it('ewmNormalize: snapshot and restore continue with the same outputs', async () => {
    const rs = [1, 4, 2, 8, 5, 7, 3].map((v, i) => R('s', v, i * 1000));
    const whole = await lastValueFrom(from(rs).pipe(ewmNormalize({ alpha: 0.3, warmup: 0 }), toArray()));
    const store = new SeriesStore();
    await lastValueFrom(from(rs.slice(0, 4)).pipe(ewmNormalize({ alpha: 0.3, warmup: 0, store }), toArray()));
    const resumed = new SeriesStore({ initial: copy(store.snapshot()) });
    const rest = await lastValueFrom(from(rs.slice(4)).pipe(ewmNormalize({ alpha: 0.3, warmup: 0, store: resumed }), toArray()));
    expect(values(rest)).toEqual(values(whole.slice(4)));
  });

  it('batchNorm: snapshot and restore continue with the same running statistics', async () => {
    const rs = [1, 3, 2, 6, 4, 4, 9, 1].map((v) => R('s', v));
    const whole = await lastValueFrom(from(rs).pipe(batchNorm({ batchSize: 2 }), toArray()));
    const store = new SeriesStore();
    await lastValueFrom(from(rs.slice(0, 4)).pipe(batchNorm({ batchSize: 2, store }), toArray()));
    const resumed = new SeriesStore({ initial: copy(store.snapshot()) });
    const rest = await lastValueFrom(from(rs.slice(4)).pipe(batchNorm({ batchSize: 2, store: resumed }), toArray()));
    expect(values(rest)).toEqual(values(whole.slice(4)));
    expect(rest.map((n) => n.version)).toEqual(whole.slice(4).map((n) => n.version));
  });

  it('maxSeries evicts least recently seen series of ewmNormalize, counted; diagnostics on the store', async () => {
    const store = new SeriesStore({ maxSeries: 2 });
    const rs: Reading[] = [R('a', 1), R('b', 1), R('c', 1), R('c', NaN)];
    await lastValueFrom(from(rs).pipe(ewmNormalize({ alpha: 0.5, store }), toArray()));
    expect([...store.keys()].sort()).toEqual(['b', 'c']);
    expect(store.diagnostics().totals.evictedCapacity).toBe(1);
    expect(store.diagnostics().series.c?.invalid.nan).toBe(1);
  });

  it('batchNorm evicts idle series (event time)', async () => {
    const store = new SeriesStore({ idleEvictMs: 1000, evictBy: 'event-time' });
    const rs: Reading[] = [R('quiet', 1, 0), R('quiet', 2, 1)];
    for (let t = 0; t <= 5000; t += 100) rs.push(R('busy', t, t));
    await lastValueFrom(from(rs).pipe(batchNorm({ batchSize: 2, store }), toArray()));
    expect([...store.keys()]).toEqual(['busy']);
  });
});
