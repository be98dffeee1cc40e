import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, SeriesStore, StandardScaler, type Normalized, type NormalizeOptions, type Reading, type ScalerSpec } from 'streamnorm';
import { R } from './helpers.js';

const perItem = (readings: Reading[], options: NormalizeOptions): Promise<Normalized[]> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));

describe('SeriesStore compact fits (standard scalers with default options)', () => {
  const bits = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));
  const compact = (store: SeriesStore, id: string): boolean => store.table.isCompactFitting(store.index.get(id) as number);

  it('give the same provisional outputs and frozen statistics as a StandardScaler, bit for bit', async () => {
    const values = [1e9 + 1e-3, 1e9 - 2e-3, 1e9, 3, -7.25, 1e-300, 0.1, 0.2, 0.3, 42];
    for (const zeroSpread of ['unit', 'nan'] as const) {
      const store = new SeriesStore();
      const out = await perItem(values.map((v, i) => R('s', v, i)), { store, scaler: { kind: 'standard', zeroSpread }, freeze: { afterSamples: values.length } });
      expect(store.table.compactFits).toBe(0); // released at the freeze
      const ref = new StandardScaler({ zeroSpread });
      const expected = values.map((v) => (ref.learn(v), ref.transform(v)));
      expect(out.map((n) => bits(n.value))).toEqual(expected.map(bits));
      const frozen = ref.freeze();
      expect(store.params('s')).toEqual(frozen);
    }
  });

  it('are used only for default standard specs; other kinds and options keep a scaler object', async () => {
    const store = new SeriesStore();
    const specs: Record<string, ScalerSpec> = { a: { kind: 'standard' }, b: { kind: 'standard', pre: 'log1p' }, c: { kind: 'robust' }, d: { kind: 'standard', zeroSpread: 'bogus' as 'nan' } };
    await perItem([R('a', 1), R('b', 1), R('c', 1)], { store, freeze: 'never', scaler: (id) => specs[id] as ScalerSpec });
    expect([compact(store, 'a'), compact(store, 'b'), compact(store, 'c')]).toEqual([true, false, false]);
    expect(store.fitting('b')?.options.pre).toBe('log1p');
    expect(store.fitting('c')?.kind).toBe('robust');
    // A bad option is refused by the scaler it would need, and leaves the store as it was.
    await expect(perItem([R('d', 1)], { store, freeze: 'never', scaler: (id) => specs[id] as ScalerSpec })).rejects.toThrow(/zeroSpread must be 'unit' or 'nan'/);
    expect(store.has('d')).toBe(false);
    expect(store.size).toBe(3);
  });

  it('become a scaler object when asked for one (fitting()), keeping statistics, times and the pending flag', async () => {
    const store = new SeriesStore();
    await perItem([R('a', 1, 10), R('a', 3, 20)], { store, freeze: 'never' });
    const scaler = store.fitting('a');
    expect(scaler?.count).toBe(2);
    expect(compact(store, 'a')).toBe(false);
    expect(store.fitting('a')).toBe(scaler); // the same object from now on
    scaler?.learn(5);
    await perItem([R('a', 7, 30)], { store, freeze: { afterSpanMs: 20 } });
    expect(store.params('a')?.center).toBe(3); // 1, 3, 5 (learned through the scaler), then frozen at t = 30
    expect(store.params('a')?.count).toBe(3);
  });

  it('recycle rows through delete and re-add, and snapshot like scaler objects', async () => {
    const store = new SeriesStore();
    await perItem([R('a', 1), R('b', 2), R('a', 3), R('c', 4)], { store, freeze: 'never' });
    store.delete('b');
    await perItem([R('d', 5), R('b', 6), R('c', 8)], { store, freeze: 'never' });
    expect(store.fitting('b')?.count).toBe(1); // re-added: a fresh fit, not the deleted one's
    const snap = store.snapshot();
    const c = snap.series.c as { stats: unknown };
    expect(c.stats).toEqual(new StandardScaler().learnMany([4, 8]).statsState());
    expect((await new SeriesStore({ initial: snap }).freeze()).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect((await store.freeze()).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(store.table.compactFits).toBe(0);
  });
  it("keep each spec's zero-spread rule when specs of both rules share a store (the rule is looked up once a 'nan' spec exists)", async () => {
    const store = new SeriesStore();
    const scaler = (id: string): ScalerSpec => (id.startsWith('n') ? { kind: 'standard', zeroSpread: 'nan' } : { kind: 'standard' });
    const readings = [R('u', 5), R('n', 5), R('u', 5), R('n', 5), R('u', 7), R('n', 7), R('v', 2), R('m', 2)];
    const out = await perItem(readings, { store, freeze: 'never', scaler: (id) => scaler(id.replace('m', 'n').replace('v', 'u')) });
    // The same outputs as each series' own StandardScaler with its options, reading by reading.
    const scalers = new Map<string, StandardScaler>();
    const expected = readings.map((r) => {
      let s = scalers.get(r.series);
      if (s === undefined) scalers.set(r.series, (s = new StandardScaler(scaler(r.series.replace('m', 'n').replace('v', 'u')) as { zeroSpread?: 'nan' })));
      s.learn(r.value as number);
      return s.transform(r.value as number);
    });
    expect(out.map((n) => n.value)).toEqual(expected);
    expect(out.filter((n) => Number.isNaN(n.value)).map((n) => n.series)).toEqual(['n', 'n', 'm']);
    const u = out.filter((n) => n.series === 'u').map((n) => n.value);
    expect(u.slice(0, 2)).toEqual([0, 0]); // zero spread, 'unit' rule: x − mean
    expect(u[2]).toBeCloseTo(Math.SQRT2, 14); // 5, 5, 7: (7 − 17/3) / √(8/9)
    expect(store.table.compactFits).toBe(4);
  });
});
