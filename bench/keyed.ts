/**
 * Sections 2 and 3: per item, chunked and columnar, frozen and fitting, at each cardinality, in
 * round-robin and in random order, against hand-written baselines doing the same arithmetic.
 *
 * Method: every case is one long-lived pipeline (its own store) fed the same block of readings run
 * after run; the cases of a group (one size, one order, one phase) take turns, the plain loop among
 * them, so load hits all alike. Each run follows a full GC; event times move on between runs, so
 * a fit sees time go forward as in a stream. One untimed warm-up round for every case, then the
 * timed rounds; medians and min–max of the runs are reported.
 */
import type { SeriesStore, SeriesStoreOptions } from '../operators/index.js';
import type { Reading } from '../src/reading.js';
import { StandardScaler } from '../src/scalers/standard.js';
import type { BenchConfig } from './config.js';
import { advanceTimes, chunksOf, columnBatches, randomReadings, roundRobinReadings, seriesIds, valueStream } from './data.js';
import type { RawFigure, Target } from './figure.js';
import type { HandFrozen } from './hand.js';
import { consume, interleave, type Case } from './interleave.js';
import { transformLoop } from './limits.js';
import * as p from './pipelines.js';
import { benchStore, storeDrift } from './store-options.js';

/** What one case pushes: its items, and how many values they carry. */
interface Subject<T> {
  name: string;
  label: string;
  baseline: string;
  target?: Target;
  pipeline: p.LivePipeline<T>;
  items: readonly T[];
}

const atLeast = (min: number, what: string): Target => ({ on: 'ratio', min, text: `≥ ${min >= 0.1 ? `${min}×` : `1/${Math.round(1 / min)} of`} ${what}` });

/** A case that pushes all of `s.items` (carrying `values` values) and returns values/s. */
function caseOf<T>(s: Subject<T>, values: number, before: (() => void) | undefined): Case {
  let last = s.pipeline.emitted();
  return {
    name: s.name,
    ...(before === undefined ? {} : { before }),
    run: () => {
      const items = s.items;
      const push = s.pipeline.push;
      const t0 = performance.now();
      for (let i = 0; i < items.length; i++) push(items[i] as T);
      const ms = performance.now() - t0;
      const now = s.pipeline.emitted();
      if (now - last !== values) throw new Error(`${s.name}: emitted ${now - last} values for ${values}`);
      last = now;
      return (values / ms) * 1000;
    },
  };
}

/** The plain loop, `(x − mean) · invStd` over a Float64Array, as a case of the group (same rounds, same heap). */
function plainLoopCase(name: string, values: number): Case {
  const block = valueStream(1 << 16);
  const out = new Float64Array(block.length);
  const passes = Math.max(1, Math.round(values / block.length));
  return {
    name,
    run: () => {
      const t0 = performance.now();
      let sink = 0;
      for (let k = 0; k < passes; k++) sink += transformLoop(block, out, 25, 1 / 2.9);
      const ms = performance.now() - t0;
      consume(sink);
      return ((passes * block.length) / ms) * 1000;
    },
  };
}

function figuresOf(subjects: readonly Subject<unknown>[], runs: Map<string, number[]>): RawFigure[] {
  return subjects.map((s) => {
    const f: RawFigure = { name: s.name, section: s.name.split('.')[0] as string, label: s.label, unit: 'values/s', runs: runs.get(s.name) ?? [], baseline: s.baseline };
    if (s.target) f.target = s.target;
    return f;
  });
}

/** A store with every id frozen on the same statistics (`extra`: store options beyond the suite's). */
function frozenStore(ids: readonly string[], extra: SeriesStoreOptions = {}): SeriesStore {
  const params = new StandardScaler().learnMany([18, 22, 25, 31]).freeze();
  const store = benchStore(extra);
  for (const id of ids) store.versions.setFrozen(id, params, { kind: 'standard' });
  return store;
}

type Order = 'round-robin' | 'random';

/** One group: a cardinality, an order, frozen or fitting. */
async function group(cfg: BenchConfig, label: string, ids: readonly string[], order: Order, fit: boolean): Promise<RawFigure[]> {
  const n = cfg.keyedReadings;
  const readings: Reading[] = order === 'random' ? randomReadings(ids, n) : roundRobinReadings(ids, n);
  const chunks = chunksOf(readings, cfg.chunkSize);
  const tag = `${label}.${order}`;
  const words = `${label} ids, ${order}`;
  const k = `keyed.${fit ? 'fit' : 'frozen'}.${tag}`;
  const c = `chunked.${fit ? 'fit' : 'frozen'}.${tag}`;
  const size = cfg.chunkSize;
  const subjects: Subject<unknown>[] = [];
  if (fit) {
    subjects.push(
      { name: `${k}.hand`, label: `fit, ${words}: hand-written map + Map, the library's arithmetic`, baseline: `${k}.hand`, pipeline: p.handFitPipeline(), items: readings },
      { name: `${k}.plain-welford`, label: `fit, ${words}: hand-written map + Map of plain Welford states (reference)`, baseline: `${k}.hand`, pipeline: p.plainFitPipeline(), items: readings },
      { name: `${k}.operator`, label: `fit, ${words}: normalize (per item, provisional)`, baseline: `${k}.hand`, target: atLeast(1, 'the same-arithmetic baseline'), pipeline: p.operatorPipeline(benchStore(), true), items: readings },
      { name: `${c}.chunks`, label: `fit, ${words}: normalizeChunks (${size} per array, output objects)`, baseline: `${k}.operator`, target: atLeast(2, 'per-item operator'), pipeline: p.chunksPipeline(benchStore(), true, false), items: chunks },
      { name: `${c}.chunk-columns`, label: `fit, ${words}: normalizeChunks (${size} per array, output: 'columns')`, baseline: `${k}.operator`, target: atLeast(2, 'per-item operator'), pipeline: p.chunksPipeline(benchStore(), true, true), items: chunks },
    );
  } else {
    const params = new StandardScaler().learnMany([18, 22, 25, 31]).freeze();
    const hand = new Map<string, HandFrozen>(ids.map((id) => [id, { center: params.center, inv: params.invScale, version: params.version }]));
    const batches = columnBatches(ids, n, size, order === 'random');
    subjects.push(
      { name: `${k}.hand`, label: `frozen, ${words}: hand-written map + Map lookup`, baseline: `${k}.hand`, pipeline: p.handFrozenPipeline(hand), items: readings },
      { name: `${k}.operator`, label: `frozen, ${words}: normalize (per item)`, baseline: `${k}.hand`, target: atLeast(1, 'map + Map'), pipeline: p.operatorPipeline(frozenStore(ids), false), items: readings },
      // What the drift alarms (on by default, absent from the baseline) cost per reading: the same
      // operator on a store without them, beside the figure the target is read on.
      ...(storeDrift()
        ? [{ name: `${k}.operator-no-drift`, label: `frozen, ${words}: normalize (per item), a store with drift alarms off`, baseline: `${k}.hand`, pipeline: p.operatorPipeline(frozenStore(ids, { drift: false }), false), items: readings }]
        : []),
      { name: `${c}.chunks`, label: `frozen, ${words}: normalizeChunks (${size} per array, output objects)`, baseline: `${k}.operator`, target: atLeast(2, 'per-item operator'), pipeline: p.chunksPipeline(frozenStore(ids), false, false), items: chunks },
      { name: `${c}.chunk-columns`, label: `frozen, ${words}: normalizeChunks (${size} per array, output: 'columns')`, baseline: `${k}.operator`, target: atLeast(2, 'per-item operator'), pipeline: p.chunksPipeline(frozenStore(ids), false, true), items: chunks },
      { name: `${c}.columns`, label: `frozen, ${words}: normalizeColumns (${size} values per series batch)`, baseline: `limit.${tag}`, target: atLeast(1 / 30, 'the plain loop'), pipeline: p.columnsPipeline(frozenStore(ids)), items: batches },
    );
  }
  let clock = n;
  const before = fit
    ? (): void => {
        advanceTimes(readings, clock);
        clock += n;
      }
    : undefined;
  const cases = subjects.map((s) => caseOf(s, n, before));
  const loopName = `limit.${tag}${fit ? '.fit' : ''}`;
  if (!fit) cases.push(plainLoopCase(loopName, cfg.loopValues));
  const runs = await interleave(cases, cfg.cpu);
  const figures = figuresOf(subjects, runs);
  if (!fit) figures.push({ name: loopName, section: 'limit', label: `plain loop over Float64Array, (x − mean) · invStd, interleaved with the ${words} frozen cases`, unit: 'values/s', runs: runs.get(loopName) ?? [], baseline: loopName });
  return figures;
}

/** Sections 2 and 3 at every cardinality and order of the config. */
export async function benchKeyed(cfg: BenchConfig, log: (line: string) => void = () => undefined): Promise<RawFigure[]> {
  const figures: RawFigure[] = [];
  for (const { ids: count, label } of cfg.cardinalities) {
    const ids = seriesIds(count);
    for (const order of ['round-robin', 'random'] as const) {
      for (const fit of [false, true]) {
        log(`keyed: ${label} ids, ${order}, ${fit ? 'fitting' : 'frozen'}`);
        figures.push(...(await group(cfg, label, ids, order, fit)));
      }
    }
  }
  return figures;
}
