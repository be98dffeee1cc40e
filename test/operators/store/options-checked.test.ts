import { describe, expect, it } from 'vitest';
import { batchNorm, createScaler, ewmNormalize, inverseNormalize, MinMaxScaler, normalize, normalizeChunks, normalizeColumns, SeriesStore, StandardScaler, type ScalerSpec } from 'streamnorm';

describe('options are checked: an unknown or misspelled key is refused, naming it', () => {
  const cases: [string, () => unknown][] = [
    ['normalize', () => normalize({ maxSeriez: 10 } as never)],
    ['normalize freeze point', () => normalize({ freeze: { afterSamples: 3, atTime: 5 } } as never)],
    ['normalizeChunks', () => normalizeChunks({ outputs: 'columns' } as never)],
    ['normalizeColumns', () => normalizeColumns({ wileFitting: 'drop' } as never)],
    ['batchNorm', () => batchNorm({ batchSize: 4, momentun: 0.1 } as never)],
    ['ewmNormalize', () => ewmNormalize({ alpha: 0.5, warmUp: 3 } as never)],
    ['inverseNormalize', () => inverseNormalize({ store: new SeriesStore(), unknow: 'nan' } as never)],
    ['SeriesStore', () => new SeriesStore({ maxSerie: 3 } as never)],
    ['scaler spec', () => createScaler({ kind: 'standard', withMeen: false } as ScalerSpec)],
    ['scaler spec in normalize', () => normalize({ scaler: { kind: 'robust', quantileRang: [10, 90] } as ScalerSpec })],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      let message = '';
      try {
        make();
      } catch (e) {
        message = (e as Error).message;
      }
      const key = /maxSeriez|atTime|outputs|wileFitting|momentun|warmUp|unknow|maxSerie|withMeen|quantileRang/.exec(message)?.[0];
      expect(message, `${name} accepted an unknown key`).not.toBe('');
      expect(key, message).toBeDefined();
    });
  }
});

describe('merge refuses scalers with different options', () => {
  it('log with plain', () => {
    const a = new StandardScaler({ pre: 'log' }).learnMany([1, 2]);
    const b = new StandardScaler().learnMany([3, 4]);
    expect(() => a.merge(b)).toThrow(/options/);
  });
  it('different feature ranges', () => {
    const a = new MinMaxScaler({ featureRange: [0, 1] }).learnMany([1, 2]);
    const b = new MinMaxScaler({ featureRange: [-1, 1] }).learnMany([3, 4]);
    expect(() => a.merge(b)).toThrow(/options/);
  });
  it('same options merge', () => {
    const a = new MinMaxScaler({ featureRange: [-1, 1] }).learnMany([1, 2]);
    const b = new MinMaxScaler({ featureRange: [-1, 1] }).learnMany([3, 4]);
    expect(a.merge(b).count).toBe(4);
  });
});
