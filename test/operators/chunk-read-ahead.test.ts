/**
 * A chunk of a store past the point where `normalizeChunks` reads its slots' state ahead (4,096
 * series; the id index is sharded there too): every kind of slot the read-ahead touches gives the
 * per-item form's outputs and diagnostics.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, normalizeChunks, SeriesStore, type Normalized, type NormalizeOptions, type Reading } from 'streamnorm';
import { R } from './helpers.js';

const SERIES = 6000;
const kindOf = (i: number): 'plain' | 'clipped' | 'compact' | 'robust' => (['plain', 'clipped', 'compact', 'robust'] as const)[i % 4] as 'plain' | 'clipped' | 'compact' | 'robust';

/** Series `p…` frozen plain, `c…` frozen with clipping (not plain); `f…` (standard, compact) and `r…` (robust) fit. */
async function store(): Promise<SeriesStore> {
  const s = new SeriesStore();
  const plain: Reading[] = [];
  const clipped: Reading[] = [];
  for (let i = 0; i < SERIES; i++) {
    const k = kindOf(i);
    for (const v of [1, 2, 4, 7]) {
      if (k === 'plain') plain.push(R(`p${i}`, v + (i % 13), v));
      if (k === 'clipped') clipped.push(R(`c${i}`, v + (i % 13), v));
    }
  }
  await lastValueFrom(from(plain).pipe(normalize({ store: s, freeze: { afterSamples: 4 } }), toArray()));
  await lastValueFrom(from(clipped).pipe(normalize({ store: s, freeze: { afterSamples: 4 }, scaler: { kind: 'minmax', clip: true } }), toArray()));
  return s;
}

describe('normalizeChunks past its read-ahead point', () => {
  it('frozen plain and clipped series, compact and robust fits, unknown ids: the per-item outputs and diagnostics', async () => {
    const readings: Reading[] = [];
    for (let round = 0; round < 3; round++) {
      for (let j = 0; j < SERIES; j++) {
        const i = (j * 7919 + round) % SERIES; // every series, in a scattered order
        const k = kindOf(i);
        const id = k === 'plain' ? `p${i}` : k === 'clipped' ? `c${i}` : k === 'compact' ? `f${i}` : `r${i}`;
        readings.push(R(id, ((i * 31 + round * 17) % 23) - 5, 100 + round));
      }
    }
    const options = (s: SeriesStore, o: NormalizeOptions = {}): NormalizeOptions => ({ store: s, freeze: 'never', ...o });
    const itemStore = await store();
    // One learner for every series: the robust ones get their scaler from a spec per series.
    const specs: NormalizeOptions = { scaler: (id) => (id.startsWith('r') ? { kind: 'robust' } : { kind: 'standard' }) };
    const expected: Normalized[] = await lastValueFrom(from(readings).pipe(normalize(options(itemStore, specs)), toArray()));
    const chunkStore = await store();
    const chunks = await lastValueFrom(from([readings.slice(0, 5000), readings.slice(5000, 12_000), readings.slice(12_000)]).pipe(normalizeChunks(options(chunkStore, specs)), toArray()));
    expect(chunks.flat()).toEqual(expected);
    expect(chunkStore.diagnostics()).toEqual(itemStore.diagnostics());
    expect(expected.filter((n) => n.phase === 'frozen').length).toBe(readings.filter((r) => /^[pc]/.test(r.series)).length);
    expect(expected.filter((n) => n.phase === 'fitting').length).toBe(readings.filter((r) => /^[fr]/.test(r.series)).length);
  });
});
