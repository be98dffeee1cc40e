/**
 * Sections 2 and 3: keyed fit and frozen transform through the per-item operator, the chunked
 * and columnar forms, and the hand-written baselines, at each cardinality (round-robin ids).
 */
import type { Reading } from '../src/reading.js';
import { StandardScaler } from '../src/scalers/standard.js';
import type { BenchConfig } from './config.js';
import { chunksOf, columnBatches, roundRobinReadings, seriesIds } from './data.js';
import { drive, heapBytes, type DriveResult } from './drive.js';
import type { RawFigure, Target } from './figure.js';
import { collectGarbage, interleave, type Case } from './interleave.js';
import { LIMIT_TRANSFORM } from './limits.js';
import * as p from './pipelines.js';
import { benchStore } from './store-options.js';

const SAMPLE_EVERY = 65_536;
/** Above this many ids the groupBy baseline is not run: one group per id makes a run take minutes. */
export const GROUPBY_MAX_IDS = 100_000;

/** A measured pipeline: its case name, label, and what its runs were. */
interface Subject {
  name: string;
  label: string;
  baseline: string;
  target?: Target;
  /** Bytes of state built before the runs (frozen statistics), added to each run's peak. */
  stateBytes: number;
  run: () => DriveResult;
  /** The same pipeline on a prefix of the input, untimed (see {@link Case.prime}). */
  prime: () => void;
}

const atLeast = (min: number, what: string): Target => ({ on: 'ratio', min, text: `≥ ${min >= 0.1 ? `${min}×` : `1/${Math.round(1 / min)} of`} ${what}` });

/** What a subject is, before its runs are attached. */
type SubjectSpec = Omit<Subject, 'run' | 'prime'>;

/**
 * A subject that drives `items` (carrying `values` values) through pipelines from `attach`; its
 * prime drives the first tenth of them through a fresh pipeline, untimed.
 */
function driven<T>(spec: SubjectSpec, items: readonly T[], values: number, sampleEvery: number, attach: () => Parameters<typeof drive<T>>[3]): Subject {
  const head = items.slice(0, Math.ceil(items.length / 10));
  return {
    ...spec,
    run: () => drive(items, values, sampleEvery, attach()),
    prime: () => {
      drive(head, 0, sampleEvery, attach());
    },
  };
}

/** Builds something and returns it with the heap it retains (after GC), in bytes. */
function measured<T>(build: () => T): { value: T; bytes: number } {
  collectGarbage();
  const before = heapBytes();
  const value = build();
  collectGarbage();
  return { value, bytes: Math.max(0, heapBytes() - before) };
}

/** Runs subjects interleaved and turns them into rate and peak-memory figures. */
async function measureGroup(cfg: BenchConfig, subjects: readonly Subject[], readings: number): Promise<RawFigure[]> {
  const peaks = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  const cases: Case[] = subjects.map((s) => ({
    name: s.name,
    prime: s.prime,
    run: () => {
      const r = s.run();
      if (r.emitted !== readings) throw new Error(`${s.name}: emitted ${r.emitted} values for ${readings} readings`);
      (peaks.get(s.name) as number[]).push(s.stateBytes + r.peakBytes);
      return r.rate;
    },
  }));
  const runs = await interleave(cases, cfg.cpu);
  const figures: RawFigure[] = [];
  for (const s of subjects) {
    const section = s.name.split('.')[0] as string;
    const rate: RawFigure = { name: s.name, section, label: s.label, unit: 'values/s', runs: runs.get(s.name) ?? [], baseline: s.baseline };
    if (s.target) rate.target = s.target;
    figures.push(rate);
  }
  for (const s of subjects) {
    const section = s.name.split('.')[0] as string;
    const baseline = s.baseline === LIMIT_TRANSFORM ? subjects[0]?.name : s.baseline;
    const all = peaks.get(s.name) ?? [];
    figures.push({ name: `${s.name}.peak-heap`, section, label: `${s.label}: peak heap (state + growth in a run)`, unit: 'bytes', runs: all.slice(all.length - (runs.get(s.name)?.length ?? 0)), baseline: `${baseline}.peak-heap` });
  }
  return figures;
}

/** Frozen transform at one cardinality: operator, chunks, columns against the hand-written forms. */
async function frozenGroup(cfg: BenchConfig, label: string, ids: string[], readings: Reading[]): Promise<RawFigure[]> {
  const n = readings.length;
  const params = new StandardScaler().learnMany([18, 22, 25, 31]).freeze();
  const store = measured(() => {
    const s = benchStore();
    for (const id of ids) s.setFrozen(id, params, { kind: 'standard' });
    return s;
  });
  const hand = measured(() => new Map<string, p.HandFrozen>(ids.map((id) => [id, { mean: params.center, inv: params.invScale, version: params.version }])));
  const chunks = chunksOf(readings, cfg.chunkSize);
  const batches = columnBatches(ids, n, cfg.chunkSize);
  const k = `keyed.frozen.${label}`;
  const c = `chunked.frozen.${label}`;
  const perChunk = Math.max(1, SAMPLE_EVERY / cfg.chunkSize);
  const subjects: Subject[] = [
    driven({ name: `${k}.map-map`, label: `frozen, ${label} ids: hand-written map + Map lookup`, baseline: `${k}.map-map`, stateBytes: hand.bytes }, readings, n, SAMPLE_EVERY, () => p.handMapFrozen(hand.value)),
    ...(ids.length <= GROUPBY_MAX_IDS ? [driven({ name: `${k}.groupby`, label: `frozen, ${label} ids: hand-written groupBy + map`, baseline: `${k}.map-map`, stateBytes: hand.bytes }, readings, n, SAMPLE_EVERY, () => p.handGroupByFrozen(hand.value))] : []),
    driven({ name: `${k}.operator`, label: `frozen, ${label} ids: normalize (per item)`, baseline: `${k}.map-map`, target: atLeast(1, 'map + Map'), stateBytes: store.bytes }, readings, n, SAMPLE_EVERY, () => p.operatorFrozen(store.value)),
    driven({ name: `${c}.chunk-columns`, label: `frozen, ${label} ids: normalizeChunks (${cfg.chunkSize} per array, output: 'columns')`, baseline: `${k}.operator`, target: atLeast(2, 'per-item operator'), stateBytes: store.bytes }, chunks, n, perChunk, () => p.chunkColumnsFrozen(store.value)),
    driven({ name: `${c}.chunks`, label: `frozen, ${label} ids: normalizeChunks (${cfg.chunkSize} per array, output: objects)`, baseline: `${k}.operator`, target: atLeast(2, 'per-item operator'), stateBytes: store.bytes }, chunks, n, perChunk, () => p.chunksFrozen(store.value)),
    driven({ name: `${c}.columns`, label: `frozen, ${label} ids: normalizeColumns (${cfg.chunkSize} values per series batch)`, baseline: LIMIT_TRANSFORM, target: atLeast(1 / 30, 'plain loop'), stateBytes: store.bytes }, batches, n, perChunk, () => p.columnsFrozen(store.value)),
  ];
  return measureGroup(cfg, subjects, n);
}

/** Fitting at one cardinality: operator and chunks against the hand-written forms. */
async function fitGroup(cfg: BenchConfig, label: string, ids: number, readings: Reading[]): Promise<RawFigure[]> {
  const n = readings.length;
  const chunks = chunksOf(readings, cfg.chunkSize);
  const k = `keyed.fit.${label}`;
  const perChunk = Math.max(1, SAMPLE_EVERY / cfg.chunkSize);
  const subjects: Subject[] = [
    driven({ name: `${k}.map-map`, label: `fit, ${label} ids: hand-written map + Map of Welford states`, baseline: `${k}.map-map`, stateBytes: 0 }, readings, n, SAMPLE_EVERY, () => p.handMapFit()),
    ...(ids <= GROUPBY_MAX_IDS ? [driven({ name: `${k}.groupby`, label: `fit, ${label} ids: hand-written groupBy + scan`, baseline: `${k}.map-map`, stateBytes: 0 }, readings, n, SAMPLE_EVERY, () => p.handGroupByFit())] : []),
    driven({ name: `${k}.operator`, label: `fit, ${label} ids: normalize (per item, provisional)`, baseline: `${k}.map-map`, target: atLeast(1, 'map + Map'), stateBytes: 0 }, readings, n, SAMPLE_EVERY, () => p.operatorFit()),
    driven({ name: `chunked.fit.${label}.chunk-columns`, label: `fit, ${label} ids: normalizeChunks (${cfg.chunkSize} per array, output: 'columns')`, baseline: `${k}.operator`, target: atLeast(2, 'per-item operator'), stateBytes: 0 }, chunks, n, perChunk, () => p.chunkColumnsFit()),
    driven({ name: `chunked.fit.${label}.chunks`, label: `fit, ${label} ids: normalizeChunks (${cfg.chunkSize} per array, output: objects)`, baseline: `${k}.operator`, target: atLeast(2, 'per-item operator'), stateBytes: 0 }, chunks, n, perChunk, () => p.chunksFit()),
  ];
  return measureGroup(cfg, subjects, n);
}

/** Sections 2 and 3 at every cardinality of the config. */
export async function benchKeyed(cfg: BenchConfig, log: (line: string) => void = () => undefined): Promise<RawFigure[]> {
  const figures: RawFigure[] = [];
  for (const { ids: count, label } of cfg.cardinalities) {
    const ids = seriesIds(count);
    const readings = roundRobinReadings(ids, Math.max(cfg.keyedReadings, count));
    log(`keyed: ${label} ids, ${readings.length} readings: frozen`);
    figures.push(...(await frozenGroup(cfg, label, ids, readings)));
    log(`keyed: ${label} ids: fit`);
    figures.push(...(await fitGroup(cfg, label, ids.length, readings)));
  }
  return figures;
}
