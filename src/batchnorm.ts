import { MeanVar } from './stats/mean-var.js';

/** Options of {@link BatchNormStats}. */
export interface BatchNormOptions {
  /**
   * Weight of a new batch in the running statistics (default 0.1, as PyTorch). `null` means the
   * cumulative average of all batches so far (PyTorch's `momentum=None`).
   */
  momentum?: number | null;
  /** Added to the variance inside the square root (default 1e-5). */
  eps?: number;
}

/**
 * BatchNorm-style running statistics for one series, as PyTorch's `BatchNorm1d` defines them
 * (Ioffe & Szegedy 2015), without the affine weight and bias.
 *
 * - Train mode ({@link BatchNormStats.train}): a batch is normalized with its own mean and
 *   biased variance, `(x − mean) / sqrt(var + eps)`, then the running mean and the running
 *   *unbiased* variance are updated: `running = (1 − m)·running + m·batch`, with
 *   `m = momentum`, or `1 / batchesTracked` when momentum is null.
 * - Eval mode ({@link BatchNormStats.evaluate}): `(x − runningMean) / sqrt(runningVar + eps)`.
 *
 * Semantics: running statistics start at mean 0, variance 1 (PyTorch's). Batch moments are
 * computed with {@link MeanVar}, more accurately than PyTorch at large offsets (where PyTorch's
 * float sum loses digits). Non-finite values in a batch are left out of its statistics and come
 * out as NaN. A batch of one valid value has no unbiased variance: it is normalized to 0 and the
 * running statistics are left unchanged (PyTorch raises an error instead); so is a batch with no
 * spread when eps is 0. An empty batch changes nothing.
 *
 * @example
 * ```ts
 * import { BatchNormStats } from 'streamnorm';
 * const bn = new BatchNormStats({ momentum: null });
 * Array.from(bn.train([1, 3])); // => [-0.9999950000374997, 0.9999950000374997]
 * bn.runningMean; // => 2
 * bn.runningVar; // => 2
 * ```
 */
export class BatchNormStats {
  readonly momentum: number | null;
  readonly eps: number;
  /** Running mean (0 before the first batch). */
  runningMean = 0;
  /** Running unbiased variance (1 before the first batch). */
  runningVar = 1;
  /** Number of batches that updated the running statistics. */
  batchesTracked = 0;

  constructor(options: BatchNormOptions = {}) {
    const { momentum = 0.1, eps = 1e-5 } = options;
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) throw new RangeError(`BatchNormStats: momentum must be in [0, 1] or null, got ${momentum}`);
    if (!(eps >= 0 && Number.isFinite(eps))) throw new RangeError(`BatchNormStats: eps must be a finite number >= 0, got ${eps}`);
    this.momentum = momentum;
    this.eps = eps;
  }

  /** Normalizes a batch with its own statistics and updates the running ones (train mode). */
  train(batch: ArrayLike<number>): Float64Array {
    const stats = new MeanVar();
    for (let i = 0; i < batch.length; i++) {
      const x = batch[i] as number;
      if (x - x === 0) stats.update(x);
    }
    const out = new Float64Array(batch.length);
    if (stats.count === 0) return out.fill(NaN);
    const mean = stats.mean;
    const denominator = stats.variance(0) + this.eps;
    // A batch with no spread and eps 0 (e.g. a single value) has nothing to scale: outputs are 0.
    const invStd = denominator > 0 ? 1 / Math.sqrt(denominator) : 0;
    for (let i = 0; i < batch.length; i++) {
      const x = batch[i] as number;
      out[i] = x - x === 0 ? (x - mean) * invStd : NaN;
    }
    if (stats.count < 2) return out;
    this.batchesTracked++;
    const m = this.momentum ?? 1 / this.batchesTracked;
    this.runningMean = (1 - m) * this.runningMean + m * mean;
    this.runningVar = (1 - m) * this.runningVar + m * stats.variance(1);
    return out;
  }

  /** Normalizes one value with the running statistics (eval mode). */
  evaluate(x: number): number {
    return (x - this.runningMean) / Math.sqrt(this.runningVar + this.eps);
  }

  /** Serializable state. */
  toState(): BatchNormState {
    return { momentum: this.momentum, eps: this.eps, runningMean: this.runningMean, runningVar: this.runningVar, batchesTracked: this.batchesTracked };
  }

  /** Restores {@link BatchNormStats.toState}'s output; refuses a negative running variance. */
  static fromState(state: BatchNormState): BatchNormStats {
    const bn = new BatchNormStats({ momentum: state.momentum, eps: state.eps });
    if (!Number.isFinite(state.runningMean)) throw new RangeError(`BatchNormStats state: runningMean must be finite, got ${state.runningMean}`);
    if (!(state.runningVar >= 0 && Number.isFinite(state.runningVar))) throw new RangeError(`BatchNormStats state: runningVar must be a finite number >= 0, got ${state.runningVar}`);
    if (!Number.isInteger(state.batchesTracked) || state.batchesTracked < 0) throw new RangeError('BatchNormStats state: batchesTracked must be a non-negative integer');
    bn.runningMean = state.runningMean;
    bn.runningVar = state.runningVar;
    bn.batchesTracked = state.batchesTracked;
    return bn;
  }
}

/** Serializable state of a {@link BatchNormStats}. */
export interface BatchNormState {
  momentum: number | null;
  eps: number;
  runningMean: number;
  runningVar: number;
  batchesTracked: number;
}
