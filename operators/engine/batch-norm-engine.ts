import { BatchNormStats, type BatchNormOptions } from '../../src/batchnorm.js';
import type { Normalized, Reading } from '../../src/reading.js';
import type { RunningContext } from '../internal/running-internals.js';

/** `batchNorm`'s options, checked. */
export interface BatchNormSettings {
  stats: BatchNormOptions;
  batchSize: number;
  windowMs: number;
  key: ((r: Reading) => string) | undefined;
}

interface PendingBatch {
  readings: Reading[];
  values: number[];
  start: number;
}

/**
 * The per-reading step of `batchNorm` for one subscription: in train mode, readings gathered into
 * per-series mini-batches (by count and/or event-time window), each full batch normalized with its
 * own statistics and folded into the series' running statistics (kept in the store); in eval mode,
 * each reading normalized with the running statistics. Partial batches belong to the subscription.
 */
export class BatchNormEngine {
  private readonly pending = new Map<string, PendingBatch>();
  /** `train` or `eval`. */
  mode: 'train' | 'eval';

  constructor(
    private readonly s: BatchNormSettings,
    private readonly ctx: RunningContext<BatchNormStats>,
    private readonly emit: (n: Normalized) => void,
    initialMode: 'train' | 'eval',
  ) {
    this.mode = initialMode;
  }

  /** Handles one reading. */
  next(r: Reading): void {
    const id = this.s.key ? this.s.key(r) : r.series;
    this.ctx.store.diag.totals.readings++;
    const x = this.ctx.accept(r, id, this.emit, this.mode === 'train' ? 'fitting' : 'frozen', this.statsNow(id)?.batchesTracked ?? 0);
    if (x === undefined) return;
    const bn = this.ctx.statsOf(id, r);
    if (this.mode === 'eval') {
      this.emit({ series: id, raw: x, value: bn.evaluate(x), time: r.time, tags: r.tags, phase: 'frozen', version: bn.batchesTracked });
      return;
    }
    const t = typeof r.time === 'number' ? r.time : NaN;
    let batch = this.pending.get(id);
    if (batch !== undefined && t - batch.start >= this.s.windowMs) {
      this.train(id, bn, batch);
      batch = undefined;
    }
    if (batch === undefined) {
      batch = { readings: [], values: [], start: t };
      this.pending.set(id, batch);
    } else if (batch.start !== batch.start) {
      batch.start = t;
    }
    batch.readings.push(r);
    batch.values.push(x);
    if (batch.values.length >= this.s.batchSize) this.train(id, bn, batch);
  }

  /** Switches mode; to eval, the partial batches are trained first, so no reading waits forever. */
  setMode(mode: 'train' | 'eval'): void {
    if (mode === 'eval') this.flush();
    this.mode = mode;
  }

  /** Trains every partial batch (at completion and before eval). */
  flush(): void {
    for (const [id, batch] of [...this.pending]) this.train(id, this.statsNow(id) ?? new BatchNormStats(this.s.stats), batch);
  }

  /** An evicted series' partial batch is normalized with its own statistics (as a train batch), counted. */
  evicted(id: string): void {
    const batch = this.pending.get(id);
    if (batch === undefined) return;
    this.ctx.store.diag.count(id, 'flushedOnEvict', batch.readings.length);
    this.train(id, new BatchNormStats(this.s.stats), batch);
  }

  private statsNow(id: string): BatchNormStats | undefined {
    const stats = this.ctx.store.running(id);
    return stats instanceof BatchNormStats ? stats : undefined;
  }

  private train(id: string, bn: BatchNormStats, batch: PendingBatch): void {
    this.pending.delete(id);
    const ys = bn.train(batch.values);
    for (let i = 0; i < batch.readings.length; i++) {
      const r = batch.readings[i] as Reading;
      this.emit({ series: id, raw: r.value, value: ys[i] as number, time: r.time, tags: r.tags, phase: 'fitting', version: bn.batchesTracked });
    }
  }
}

/** Whether stored running statistics were made with `o` (a restored series with another momentum or eps is refused). */
export function sameBatchNorm(bn: BatchNormStats, probe: BatchNormStats): boolean {
  return bn.momentum === probe.momentum && bn.eps === probe.eps;
}
