import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, SeriesStore, type Normalized, type NormalizeOptions, type Reading } from 'streamnorm';
import { R } from '../helpers.js';

const run = (readings: Reading[], options: NormalizeOptions): Promise<Normalized[]> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));
const opts = { freeze: { afterSamples: 2 }, whileFitting: 'drop' } as const;

describe('SeriesStore versions: a (series, version) pair names one set of statistics forever', () => {
  it('a series deleted and fitted again gets a new version, never its old one', async () => {
    const store = new SeriesStore();
    const first = await run([R('a', 1), R('a', 3), R('a', 5)], { ...opts, store });
    expect(first.map((n) => n.version)).toEqual([1]);
    store.delete('a');
    const second = await run([R('a', 10), R('a', 30), R('a', 50)], { ...opts, store });
    expect(second[0]?.version).toBeGreaterThan(1);
    expect(store.params('a')?.center).toBe(20);
  });

  it('a series evicted and fitted again gets a new version', async () => {
    const store = new SeriesStore({ idleEvictMs: 100, evictBy: 'event-time' });
    const out = await run([R('a', 1, 0), R('a', 3, 1), R('b', 0, 10_000), R('b', 0, 10_001), R('a', 10, 10_002), R('a', 30, 10_003), R('a', 50, 10_004)], { ...opts, store });
    const versions = out.filter((n) => n.series === 'a').map((n) => n.version);
    expect(store.diagnostics().totals.evicted).toBeGreaterThanOrEqual(1);
    expect(versions.at(-1)).toBeGreaterThan(1);
  });

  it('a restore never lowers the versions: a refit after restoring an older snapshot does not reuse a version', async () => {
    const store = new SeriesStore();
    await run([R('a', 1), R('a', 3)], { ...opts, store });
    const old = JSON.parse(JSON.stringify(store.snapshot()));
    store.delete('a');
    await run([R('a', 10), R('a', 30)], { ...opts, store }); // a second set of statistics for 'a'
    const second = store.params('a')?.version as number;
    store.restore(old); // 'a' back at its first statistics
    expect(store.params('a')?.center).toBe(2);
    store.delete('a');
    await run([R('a', 100), R('a', 300)], { ...opts, store });
    expect(store.params('a')?.version).toBeGreaterThan(second);
  });

  it('the version floor travels in snapshots, so another store (a worker) continues above it', async () => {
    const store = new SeriesStore();
    await run([R('a', 1), R('a', 3)], { ...opts, store });
    store.delete('a');
    await run([R('a', 5), R('a', 7)], { ...opts, store });
    const v = store.params('a')?.version as number;
    const worker = new SeriesStore({ initial: JSON.parse(JSON.stringify(store.snapshot())) });
    worker.delete('a');
    await run([R('a', 50), R('a', 70)], { ...opts, store: worker });
    expect(worker.params('a')?.version).toBeGreaterThan(v);
  });
});
