import { readFileSync } from 'node:fs';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, SeriesStore, type Normalized, type NormalizeOptions, type Reading, type Snapshot } from 'streamnorm';
import { decodeFrozenStats } from 'streamnorm/mqtt';
import { R } from '../helpers.js';

const run = (readings: Reading[], options: NormalizeOptions): Promise<Normalized[]> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));
const copy = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
type Doc = { series: Record<string, { version: number; frozen: Record<string, unknown> }> };

async function frozenSnapshot(): Promise<Doc & Snapshot> {
  const store = new SeriesStore();
  await run([R('a', 1), R('a', 3)], { store, freeze: { afterSamples: 2 } });
  return copy(store.snapshot()) as Doc & Snapshot;
}

describe('SeriesStore.restore checks frozen statistics', () => {
  it('refuses an invScale that disagrees with scale', async () => {
    const doc = await frozenSnapshot();
    (doc.series.a as { frozen: Record<string, unknown> }).frozen.invScale = 0.25; // scale is 1
    expect(() => new SeriesStore({ initial: doc })).toThrow(/invScale/);
  });

  it('refuses a frozen kind that disagrees with the spec', async () => {
    const doc = await frozenSnapshot();
    (doc.series.a as { frozen: Record<string, unknown> }).frozen.kind = 'maxabs';
    expect(() => new SeriesStore({ initial: doc })).toThrow(/kind/);
  });

  it('refuses a frozen version that disagrees with the series version', async () => {
    const doc = await frozenSnapshot();
    (doc.series.a as { frozen: Record<string, unknown> }).frozen.version = 7;
    expect(() => new SeriesStore({ initial: doc })).toThrow(/version/);
  });

  it('the stats-topic decoder refuses a scale <= 0 (one validator for both)', () => {
    const text = (scale: number): string =>
      JSON.stringify({ format: 'streamnorm.frozen/1', series: 's', params: { kind: 'standard', pre: 'none', center: 2, scale, invScale: 1 / scale, offset: 0, clip: null, zeroSpread: false, count: 3, version: 1 } });
    expect(() => decodeFrozenStats(text(0))).toThrow(/scale/);
    expect(() => decodeFrozenStats(text(-2))).toThrow(/scale/);
    expect(decodeFrozenStats(text(2)).params.scale).toBe(2);
  });
});

describe('snapshots keep what a restart needs', () => {
  it('the start of an afterSpanMs window: a restart mid-window freezes at the same reading', async () => {
    const options = { freeze: { afterSpanMs: 1000 }, whileFitting: 'drop' } as const;
    const all = [R('a', 1, 0), R('a', 2, 400), R('a', 4, 800), R('a', 8, 1000), R('a', 16, 1200)];
    const once = await run(all, options);
    const store = new SeriesStore();
    await run(all.slice(0, 2), { ...options, store });
    const resumed = new SeriesStore({ initial: copy(store.snapshot()) });
    const after = await run(all.slice(2), { ...options, store: resumed });
    expect(after).toEqual(once);
  });

  it('the counters: diagnostics survive a snapshot and restore', async () => {
    const store = new SeriesStore();
    await run([R('a', 1), R('a', NaN), R('a', 'x'), R('a', 3, 5), R('a', 4, 1)], { store, freeze: { afterSamples: 10 } });
    const restored = new SeriesStore({ initial: copy(store.snapshot()) });
    expect(restored.diagnostics().series.a).toEqual(store.diagnostics().series.a);
    expect(restored.diagnostics().totals.readings).toBe(store.diagnostics().totals.readings);
  });
});

describe('0.1 snapshots', () => {
  const v01 = JSON.parse(readFileSync(new URL('./snapshot-0.1.json', import.meta.url), 'utf8')) as Snapshot;

  it('a committed 0.1 file is migrated: same statistics, same outputs', async () => {
    const store = new SeriesStore({ initial: v01 });
    expect(store.phase('site1/dev1/temp')).toBe('frozen');
    expect(store.params('site1/dev1/temp')).toMatchObject({ center: 22, version: 1, count: 5 });
    expect(store.phase('fitting')).toBe('fitting');
    const out = await run([R('site1/dev1/temp', 24), R('light', 10)], { store });
    expect(out.map((n) => n.version)).toEqual([1, 1]);
    expect(out[0]?.value).toBeCloseTo(2 / Math.SQRT2, 14);
    expect(store.snapshot().schemaVersion).toBeGreaterThan(1);
  });

  it('an unknown schema version is refused, naming it', () => {
    expect(() => new SeriesStore({ initial: { ...v01, schemaVersion: 99 } })).toThrow(/schemaVersion.*99/);
  });
});
