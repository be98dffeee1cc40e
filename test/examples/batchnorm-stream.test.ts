import { describe, expect, it } from 'vitest';
import type { Normalized } from 'streamnorm';
import { main } from '../../examples/batchnorm-stream.js';

const EPS = 1e-5;

/** Mean, biased and unbiased variance of a batch, by the textbook two-pass formulas. */
function moments(xs: number[]): { mean: number; biased: number; unbiased: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const ss = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { mean, biased: ss / xs.length, unbiased: ss / (xs.length - 1) };
}

/** Replays PyTorch's BatchNorm1d definition on the train outputs' raw values, series by series. */
function checkAgainstDefinition(outputs: Normalized[], batchSize: number, momentum: number | null): Map<string, { mean: number; var: number; batches: number }> {
  const running = new Map<string, { mean: number; var: number; batches: number }>();
  const train = outputs.filter((n) => n.phase === 'fitting' && n.flag === undefined);
  for (const series of new Set(train.map((n) => n.series))) {
    const mine = train.filter((n) => n.series === series);
    const r = { mean: 0, var: 1, batches: 0 };
    for (let i = 0; i < mine.length; i += batchSize) {
      const batch = mine.slice(i, i + batchSize);
      const m = moments(batch.map((n) => n.raw as number));
      for (const n of batch) expect(n.value).toBeCloseTo((((n.raw as number) - m.mean) / Math.sqrt(m.biased + EPS)), 12);
      r.batches++;
      const w = momentum ?? 1 / r.batches;
      r.mean = (1 - w) * r.mean + w * m.mean;
      r.var = (1 - w) * r.var + w * m.unbiased;
      for (const n of batch) expect(n.version).toBe(r.batches);
    }
    running.set(series, r);
  }
  return running;
}

describe('examples/batchnorm-stream', () => {
  it('trains in mini-batches, then eval mode uses the running statistics (momentum 0.1)', async () => {
    const s = await main({ momentum: 0.1 });
    expect([s.trained, s.evaluated, s.invalid]).toEqual([2 * 16 * 5, 2 * 8, 1]);
    const expected = checkAgainstDefinition(s.outputs, 16, 0.1);
    expect(Object.keys(s.running).sort()).toEqual(['motor1/current', 'motor2/current']);
    for (const [series, r] of expected) {
      const got = s.running[series];
      expect(got?.batches).toBe(5);
      expect(got?.mean).toBeCloseTo(r.mean, 12);
      expect(got?.var).toBeCloseTo(r.var, 12);
    }
    // Momentum 0.1 over 5 batches from PyTorch's start (mean 0, var 1): still far from the data.
    expect(s.running['motor1/current']?.mean).toBeCloseTo(12 * (1 - 0.9 ** 5), 0);

    const evals = s.outputs.filter((n) => n.phase === 'frozen');
    expect(evals.every((n) => n.version === 5)).toBe(true);
    for (const n of evals) {
      const r = s.running[n.series] as { mean: number; var: number };
      expect(n.value).toBeCloseTo(((n.raw as number) - r.mean) / Math.sqrt(r.var + EPS), 12);
    }
    // Eval comes only after every training output (the mode switch trains pending batches first).
    const firstEval = s.outputs.findIndex((n) => n.phase === 'frozen');
    expect(s.outputs.slice(firstEval).every((n) => n.phase === 'frozen')).toBe(true);
  });

  it('flags the NaN glitch without letting it into a batch', async () => {
    const s = await main();
    const bad = s.outputs.filter((n) => n.flag === 'invalid');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ series: 'motor1/current', reason: 'nan', phase: 'fitting' });
    expect(bad[0]?.value).toBeNaN();
  });

  it('by default (momentum null) the running statistics are those of the data, so eval outputs are z-scores', async () => {
    const s = await main();
    checkAgainstDefinition(s.outputs, 16, null);
    expect(s.running['motor1/current']?.mean).toBeCloseTo(12, 0);
    expect(Math.sqrt(s.running['motor1/current']?.var ?? NaN)).toBeCloseTo(0.5, 1);
    expect(s.running['motor2/current']?.mean).toBeCloseTo(3, 0);
    const evals = s.outputs.filter((n) => n.phase === 'frozen');
    expect(evals.every((n) => Math.abs(n.value) < 4)).toBe(true);
  });

  it('momentum null is the cumulative average: running mean = mean of the training values', async () => {
    const s = await main({ momentum: null, batchSize: 10, trainBatches: 4, evalSamples: 3, seed: 7 });
    expect([s.trained, s.evaluated]).toEqual([80, 6]);
    const expected = checkAgainstDefinition(s.outputs, 10, null);
    for (const [series, r] of expected) {
      const raws = s.outputs.filter((n) => n.series === series && n.phase === 'fitting' && n.flag === undefined).map((n) => n.raw as number);
      expect(s.running[series]?.mean).toBeCloseTo(moments(raws).mean, 12);
      expect(s.running[series]?.var).toBeCloseTo(r.var, 12);
    }
    expect(s.running['motor2/current']?.mean).toBeCloseTo(3, 0);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = await main({ seed: 1 });
    const b = await main({ seed: 1 });
    const c = await main({ seed: 2 });
    expect(a.running).toEqual(b.running);
    expect(a.running).not.toEqual(c.running);
  });
});
