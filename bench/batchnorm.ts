/**
 * Section 5: BatchNorm-style running statistics in train mode, batches of 32 and 1024 per series,
 * through the `batchNorm` operator against what a user would write (`groupBy` + `bufferCount`
 * with the running statistics in the group's closure).
 */
import { bufferCount, groupBy, mergeMap, type Observable } from 'rxjs';
import { batchNorm } from '../operators/index.js';
import type { Normalized, Reading } from '../src/reading.js';
import type { BenchConfig } from './config.js';
import { roundRobinReadings, seriesIds } from './data.js';
import { drive } from './drive.js';
import type { RawFigure } from './figure.js';
import { consume, interleave, type Case } from './interleave.js';

const MOMENTUM = 0.1;
const EPS = 1e-5;

function sink(out: Observable<Normalized>, emitted: (n: number) => void): void {
  let acc = 0;
  let n = 0;
  out.subscribe({
    next: (o) => {
      acc += o.value;
      n++;
    },
    complete: () => {
      consume(acc);
      emitted(n);
    },
  });
}

/** The hand-written form: one group per series, batches by `bufferCount`, PyTorch's update inline. */
function handBatchNorm(size: number) {
  return (source: Observable<Reading>, emitted: (n: number) => void): void =>
    sink(
      source.pipe(
        groupBy((r) => r.series),
        mergeMap((g) => {
          let runMean = 0;
          let runVar = 1;
          let tracked = 0;
          return g.pipe(
            bufferCount(size),
            mergeMap((batch) => {
              const n = batch.length;
              let sum = 0;
              for (const r of batch) sum += r.value as number;
              const mean = sum / n;
              let ss = 0;
              for (const r of batch) ss += ((r.value as number) - mean) ** 2;
              const inv = 1 / Math.sqrt(ss / n + EPS);
              tracked++;
              runMean = (1 - MOMENTUM) * runMean + MOMENTUM * mean;
              if (n > 1) runVar = (1 - MOMENTUM) * runVar + (MOMENTUM * ss) / (n - 1);
              return batch.map((r): Normalized => ({ series: r.series, raw: r.value, value: ((r.value as number) - mean) * inv, time: r.time, tags: r.tags, phase: 'fitting', version: tracked }));
            }),
          );
        }),
      ),
      emitted,
    );
}

/** Section 5. */
export async function benchBatchNorm(cfg: BenchConfig, log: (line: string) => void = () => undefined): Promise<RawFigure[]> {
  const ids = seriesIds(cfg.batchNormSeries);
  const readings = roundRobinReadings(ids, cfg.batchNormReadings);
  const n = readings.length;
  const figures: RawFigure[] = [];
  for (const size of [32, 1024]) {
    log(`batchnorm: batches of ${size}, ${ids.length} series`);
    const base = `batchnorm.${size}.groupby-buffer`;
    const op = `batchnorm.${size}.operator`;
    const cases: Case[] = [
      { name: base, run: () => check(drive(readings, n, 65_536, handBatchNorm(size)), n, base) },
      { name: op, run: () => check(drive(readings, n, 65_536, (s, e) => sink(s.pipe(batchNorm({ batchSize: size, momentum: MOMENTUM, eps: EPS })), e)), n, op) },
    ];
    const runs = await interleave(cases, cfg.cpu);
    figures.push(
      { name: base, section: 'batchnorm', label: `batches of ${size}, ${ids.length} series: hand-written groupBy + bufferCount`, unit: 'values/s', runs: runs.get(base) ?? [], baseline: base },
      { name: op, section: 'batchnorm', label: `batches of ${size}, ${ids.length} series: batchNorm operator (train)`, unit: 'values/s', runs: runs.get(op) ?? [], baseline: base },
    );
  }
  return figures;
}

function check(r: { rate: number; emitted: number }, expected: number, name: string): number {
  if (r.emitted !== expected) throw new Error(`${name}: emitted ${r.emitted} values for ${expected} readings`);
  return r.rate;
}
