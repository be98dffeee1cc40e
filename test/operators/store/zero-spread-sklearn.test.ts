import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, restoreSnapshot, SeriesStore, toSklearn, type NormalizeOptions, type Reading, type Scaler } from 'streamnorm';
import { R } from '../helpers.js';

const run = (readings: Reading[], options: NormalizeOptions): Promise<unknown> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));

describe('zero spread is counted per series', () => {
  it('outputs flagged zero-spread are counted in diagnostics', async () => {
    const store = new SeriesStore();
    await run([R('stuck', 7), R('stuck', 7), R('stuck', 7), R('stuck', 8), R('ok', 1), R('ok', 2), R('ok', 3)], { store, freeze: { afterSamples: 2 } });
    expect(store.diagnostics().series.stuck?.zeroSpread).toBe(2);
    expect(store.diagnostics().totals.zeroSpread).toBe(2);
    expect(store.diagnostics().series.ok?.zeroSpread ?? 0).toBe(0);
  });
});

describe('scikit-learn export of a pipeline\'s frozen statistics', () => {
  const train = [R('s', 2), R('s', 4), R('s', NaN), R('s', 6), R('s', -8)];

  async function frozenScaler(kind: 'standard' | 'minmax' | 'maxabs'): Promise<{ store: SeriesStore; scaler: Scaler }> {
    const store = new SeriesStore();
    await run(train, { store, scaler: { kind }, freeze: { afterSamples: 4 } });
    const scaler = restoreSnapshot(JSON.parse(JSON.stringify(store.snapshot()))).get('s') as Scaler;
    return { store, scaler };
  }

  it('standard: the frozen mean, variance and scale; n_samples_seen_ counts valid values', async () => {
    const { store, scaler } = await frozenScaler('standard');
    const mean = (2 + 4 + 6 - 8) / 4;
    const variance = [2, 4, 6, -8].reduce((a, x) => a + (x - mean) ** 2, 0) / 4;
    // The frozen statistics keep the scale, so var_ is scale_² (29.000000000000004 here: one ulp
    // from the variance 29 it was taken from); scikit-learn's transform uses scale_ alone.
    const scale = Math.sqrt(variance);
    expect(Math.abs(scale * scale - variance)).toBeLessThanOrEqual(4 * Number.EPSILON * variance);
    const expected = { mean_: mean, var_: scale * scale, scale_: scale, n_samples_seen_: 4 };
    expect(toSklearn(scaler)).toEqual(expected);
    expect(store.toSklearn('s')).toEqual(expected);
  });

  it('minmax: data_min_, data_max_, data_range_; n_samples_seen_ counts rows including NaN', async () => {
    const { store, scaler } = await frozenScaler('minmax');
    const expected = { data_min_: -8, data_max_: 6, data_range_: 14, scale_: 1 / 14, min_: 8 / 14, n_samples_seen_: 5 };
    expect(toSklearn(scaler)).toEqual(expected);
    expect(store.toSklearn('s')).toEqual(expected);
  });

  it('maxabs: the frozen max_abs_, never a silent 0', async () => {
    const { store, scaler } = await frozenScaler('maxabs');
    const expected = { max_abs_: 8, scale_: 8, n_samples_seen_: 5 };
    expect(toSklearn(scaler)).toEqual(expected);
    expect(store.toSklearn('s')).toEqual(expected);
  });
});
