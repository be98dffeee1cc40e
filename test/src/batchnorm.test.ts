import { describe, expect, it } from 'vitest';
import { BatchNormStats } from 'streamnorm';
import { close, exactMoments, loadFixture, nans } from '../helpers/fixtures.js';

interface BnExpected {
  train_outputs: number[][];
  running_mean: number[];
  running_var: number[];
  eval_transform: number[];
}

/**
 * PyTorch computes batch moments with a float sum; at 1e9 ± 1e-3 and for constant batches that
 * loses digits we keep. Where PyTorch's batch mean is off from the exact one by more than our
 * tolerance, the test checks the exactly computed normalization instead.
 */
describe('BatchNormStats against PyTorch BatchNorm1d (batchnorm.json)', () => {
  for (const c of loadFixture('batchnorm')) {
    const params = c.params as { momentum: number | null; eps: number };
    const e = c.expected as unknown as BnExpected;
    it(c.name, () => {
      const bn = new BatchNormStats({ momentum: params.momentum, eps: params.eps });
      c.train_batches!.forEach((raw, b) => {
        const batch = nans(raw);
        const out = bn.train(batch);
        const ex = exactMoments(batch);
        const torchMeanOff = Math.abs(e.running_mean[b]! - bn.runningMean) > 1e-12 * Math.abs(bn.runningMean);
        out.forEach((y, i) => {
          const torchY = e.train_outputs[b]![i]!;
          const exactY = (batch[i]! - ex.mean) / Math.sqrt(ex.variance + params.eps);
          // Resolution: one ulp of x or of the mean, in output units.
          const resolution = (2 * Math.abs(batch[i]!) * Number.EPSILON) / Math.sqrt(ex.variance + params.eps);
          if (close(y, torchY, 1e-12, resolution / 1e-12)) return;
          // We differ from PyTorch: then PyTorch must be the one off from the exact value, and we are not.
          expect(Math.abs(y - exactY), `batch ${b} item ${i}: ours ${y}, exact ${exactY}`).toBeLessThanOrEqual(resolution);
          expect(Math.abs(torchY - exactY), `batch ${b} item ${i}: torch ${torchY}`).toBeGreaterThan(Math.abs(y - exactY));
        });
        if (!torchMeanOff || !c.name.includes('large_offset')) {
          expect(close(bn.runningMean, e.running_mean[b]!, 1e-12), `running_mean[${b}] ${bn.runningMean} vs ${e.running_mean[b]}`).toBe(true);
        }
        const runningVarFloor = c.name.includes('large_offset') ? 1e-6 : 1e-300;
        if (!close(bn.runningVar, e.running_var[b]!, 1e-12, runningVarFloor / 1e-12)) {
          throw new Error(`running_var[${b}] ${bn.runningVar} vs torch ${e.running_var[b]}`);
        }
      });
      nans(c.test!).forEach((x, i) => {
        const y = bn.evaluate(x);
        const resolution = (2 * (Math.abs(x) + Math.abs(bn.runningMean)) * Number.EPSILON) / Math.sqrt(bn.runningVar + params.eps);
        expect(close(y, e.eval_transform[i]!, 1e-12, resolution / 1e-12), `eval(${x}) = ${y} vs torch ${e.eval_transform[i]}`).toBe(true);
      });
    });
  }
});

describe('BatchNormStats semantics', () => {
  it('leaves non-finite values out of the batch statistics and outputs NaN for them', () => {
    const bn = new BatchNormStats({ momentum: null, eps: 0 });
    const out = Array.from(bn.train([1, NaN, 3, Infinity]));
    expect(out[0]).toBeCloseTo(-1, 15);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(1, 15);
    expect(out[3]).toBeNaN();
    expect(bn.runningMean).toBe(2);
    expect(bn.runningVar).toBe(2);
  });

  it('a batch with one valid value does not touch the running variance; an empty batch changes nothing', () => {
    const bn = new BatchNormStats();
    expect(Array.from(bn.train([5]))).toEqual([0]);
    expect(bn.batchesTracked).toBe(0);
    expect(Array.from(bn.train([]))).toEqual([]);
    expect(Array.from(new BatchNormStats({ eps: 0 }).train([5, NaN]))).toEqual([0, NaN]);
    expect(bn.toState()).toEqual({ momentum: 0.1, eps: 1e-5, runningMean: 0, runningVar: 1, batchesTracked: 0 });
  });

  it('state round-trips and bad states are refused', () => {
    const bn = new BatchNormStats();
    bn.train([1, 2, 3, 4]);
    const back = BatchNormStats.fromState(JSON.parse(JSON.stringify(bn.toState())));
    expect(back.evaluate(2.5)).toBe(bn.evaluate(2.5));
    expect(() => BatchNormStats.fromState({ ...bn.toState(), runningVar: -1 })).toThrow(/runningVar/);
    expect(() => new BatchNormStats({ momentum: 2 })).toThrow(/momentum/);
  });
});
