/**
 * Steady-state latency per reading, p50 / p99 / p99.9, frozen and fitting, next to the
 * hand-written baselines: long-lived pipelines, random order, every reading timed on its own
 * (`performance.now()` before and after `next`; its own cost, tens of ns, is in every figure alike).
 */
import type { Reading } from '../src/reading.js';
import type { BenchConfig } from './config.js';
import { advanceTimes, randomReadings, seriesIds } from './data.js';
import type { RawFigure } from './figure.js';
import { interleave, type Case } from './interleave.js';
import * as p from './pipelines.js';
import { StandardScaler } from '../src/scalers/standard.js';
import { benchStore } from './store-options.js';
import type { HandFrozen } from './hand.js';

const QUANTILES = [
  ['p50', 0.5],
  ['p99', 0.99],
  ['p999', 0.999],
] as const;

/** The q-quantile of sorted values by the nearest-rank rule (as `quantile` in figure.ts). */
function nearestRank(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Section: per-reading latency at `cfg.latencyIds` ids. */
export async function benchLatency(cfg: BenchConfig, log: (line: string) => void = () => undefined): Promise<RawFigure[]> {
  const ids = seriesIds(cfg.latencyIds);
  const readings = randomReadings(ids, cfg.latencyReadings);
  const params = new StandardScaler().learnMany([18, 22, 25, 31]).freeze();
  const hand = new Map<string, HandFrozen>(ids.map((id) => [id, { center: params.center, inv: params.invScale, version: params.version }]));
  const frozen = benchStore();
  for (const id of ids) frozen.versions.setFrozen(id, params, { kind: 'standard' });
  const n = ids.length >= 1e3 ? `${ids.length / 1e3}k` : String(ids.length);
  const subjects: { name: string; label: string; baseline: string; pipeline: p.LivePipeline<Reading>; fit: boolean }[] = [
    { name: 'latency.frozen.hand', label: `frozen, ${n} ids, random order: hand-written map + Map`, baseline: 'latency.frozen.hand', pipeline: p.handFrozenPipeline(hand), fit: false },
    { name: 'latency.frozen.operator', label: `frozen, ${n} ids, random order: normalize`, baseline: 'latency.frozen.hand', pipeline: p.operatorPipeline(frozen, false), fit: false },
    { name: 'latency.fit.hand', label: `fitting, ${n} ids, random order: hand-written map + Map, the library's arithmetic`, baseline: 'latency.fit.hand', pipeline: p.handFitPipeline(), fit: true },
    { name: 'latency.fit.operator', label: `fitting, ${n} ids, random order: normalize (provisional)`, baseline: 'latency.fit.hand', pipeline: p.operatorPipeline(benchStore(), true), fit: true },
  ];
  const percentiles = new Map<string, number[]>();
  let clock = readings.length;
  const lat = new Float64Array(readings.length);
  const cases: Case[] = subjects.map((s) => ({
    name: s.name,
    before: s.fit
      ? () => {
          advanceTimes(readings, clock);
          clock += readings.length;
        }
      : undefined,
    run: () => {
      const push = s.pipeline.push;
      for (let i = 0; i < readings.length; i++) {
        const t0 = performance.now();
        push(readings[i] as Reading);
        lat[i] = performance.now() - t0;
      }
      s.pipeline.emitted();
      const sorted = lat.slice().sort();
      for (const [q, at] of QUANTILES) {
        const key = `${s.name}.${q}`;
        if (!percentiles.has(key)) percentiles.set(key, []);
        (percentiles.get(key) as number[]).push(nearestRank(sorted, at) * 1000);
      }
      return 0;
    },
  }));
  log(`latency: ${n} ids, ${readings.length} readings per run`);
  await interleave(cases, cfg.cpu);
  const figures: RawFigure[] = [];
  for (const s of subjects) {
    for (const [q] of QUANTILES) {
      const runs = percentiles.get(`${s.name}.${q}`) ?? [];
      // The first warm-up run's percentiles are dropped with it: keep the timed rounds only.
      figures.push({ name: `${s.name}.${q}`, section: 'latency', label: `${s.label}: ${q === 'p999' ? 'p99.9' : q}`, unit: 'µs', runs: runs.slice(cfg.cpu.warmup), baseline: `${s.baseline}.${q}` });
    }
  }
  return figures;
}
