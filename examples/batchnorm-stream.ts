/**
 * BatchNorm-style running statistics on a stream, as PyTorch's BatchNorm1d keeps them: in train
 * mode each series' readings are normalized in mini-batches with the batch's own statistics,
 * which also update the running mean and variance; a `mode$` Observable then switches to eval,
 * where every reading is normalized at once with the running statistics.
 *
 * Run:  node dist/examples/batchnorm-stream.js [--batch-size 16] [--train-batches 5] [--eval 8] [--momentum none|0.1]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Subject, concat, defer, from, lastValueFrom, toArray } from 'rxjs';
import { batchNorm, SeriesStore, type BatchNormMode, type BatchNormStats, type Normalized, type Reading } from 'streamnorm';

/** Options of {@link main}: batch size, number of train batches and eval readings, momentum, seed. */
export interface BatchNormStreamOptions {
  /** Valid readings per mini-batch of a series (default 16). */
  batchSize?: number;
  /** Mini-batches per series in train mode (default 5). */
  trainBatches?: number;
  /** Readings per series in eval mode (default 8). */
  evalSamples?: number;
  /**
   * Weight of a batch in the running statistics; null (default here) = cumulative average of the
   * batches. PyTorch's default 0.1 starts from mean 0, variance 1 and needs ~40 batches to forget
   * that start: fine for long training, misleading after a handful of batches.
   */
  momentum?: number | null;
  /** Seed of the simulated motor currents (default 42). */
  seed?: number;
}

/** What {@link main} returns: output counts, running statistics per series, every output. */
export interface BatchNormStreamSummary {
  /** Outputs in train mode (phase 'fitting'), in eval mode (phase 'frozen'), and flagged invalid. */
  trained: number;
  evaluated: number;
  invalid: number;
  /** Running statistics per series after training (what eval mode uses). */
  running: Record<string, { mean: number; var: number; batches: number }>;
  /** Every output, in order. */
  outputs: Normalized[];
}

/** Two motors drawing current (A) around different levels; deterministic for a seed. */
const MOTORS = [
  { series: 'motor1/current', mean: 12, sd: 0.5 },
  { series: 'motor2/current', mean: 3, sd: 0.2 },
];

/** A small seeded generator (mulberry32) and normal deviates (Box-Muller). */
function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** `count` readings per motor, interleaved, one per second from `t0`. */
function simulate(count: number, t0: number, noise: () => number): Reading[] {
  const out: Reading[] = [];
  for (let i = 0; i < count; i++) for (const m of MOTORS) out.push({ series: m.series, value: m.mean + m.sd * noise(), time: t0 + i * 1000 });
  return out;
}

/**
 * Runs the example: simulated motor currents through `batchNorm` in train mode, a switch to eval
 * on `mode$`, then live readings normalized with the running statistics. Synchronous data, no
 * I/O: deterministic for a seed, done in milliseconds.
 */
export async function main(options: BatchNormStreamOptions = {}): Promise<BatchNormStreamSummary> {
  const { batchSize = 16, trainBatches = 5, evalSamples = 8, momentum = null, seed = 42 } = options;
  const noise = normals(seed);
  const t0 = Date.UTC(2024, 0, 1);
  const training = simulate(batchSize * trainBatches, t0, noise);
  // A glitch: NaN never enters a batch; it comes out flagged 'invalid' and is counted.
  training.splice(7, 0, { series: 'motor1/current', value: NaN, time: t0 + 3500 });
  const live = simulate(evalSamples, t0 + batchSize * trainBatches * 1000, noise);

  // The mode switch: here right after the training readings; in a service it could come from an
  // MQTT control topic or a timer. Switching to eval first trains any partial batch.
  const mode$ = new Subject<BatchNormMode>();
  const readings$ = concat(
    from(training),
    defer(() => {
      mode$.next('eval');
      return from(live);
    }),
  );
  // The store keeps the running statistics: read them, snapshot them, restore them.
  const store = new SeriesStore();
  const outputs = await lastValueFrom(readings$.pipe(batchNorm({ batchSize, momentum, mode$, store }), toArray()));

  const running: BatchNormStreamSummary['running'] = {};
  for (const series of store.keys()) {
    const bn = store.running(series) as BatchNormStats;
    running[series] = { mean: bn.runningMean, var: bn.runningVar, batches: bn.batchesTracked };
  }
  return {
    trained: outputs.filter((n) => n.phase === 'fitting' && n.flag === undefined).length,
    evaluated: outputs.filter((n) => n.phase === 'frozen' && n.flag === undefined).length,
    invalid: outputs.filter((n) => n.flag === 'invalid').length,
    running,
    outputs,
  };
}

function print(s: BatchNormStreamSummary): void {
  console.log(`train: ${s.trained} readings normalized in mini-batches; eval: ${s.evaluated} with the running statistics; invalid: ${s.invalid}`);
  for (const [series, r] of Object.entries(s.running)) {
    console.log(`  ${series}: running mean ${r.mean.toFixed(4)}, running var ${r.var.toFixed(4)} after ${r.batches} batches`);
  }
  for (const n of s.outputs.filter((o) => o.phase === 'frozen').slice(0, 4)) {
    console.log(`  eval ${n.series} ${(n.raw as number).toFixed(3)} -> ${n.value.toFixed(4)}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { 'batch-size': { type: 'string' }, 'train-batches': { type: 'string' }, eval: { type: 'string' }, momentum: { type: 'string' }, seed: { type: 'string' } } });
  const int = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  main({
    batchSize: int(values['batch-size']),
    trainBatches: int(values['train-batches']),
    evalSamples: int(values.eval),
    momentum: values.momentum === undefined || values.momentum === 'none' ? null : Number(values.momentum),
    seed: int(values.seed),
  }).then(print, (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
