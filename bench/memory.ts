/**
 * Section 4: memory per series for each scaler kind, frozen and fitting: the heap (plus typed-array
 * backing stores) retained after GC by a store of N series filled through the `normalize`
 * operator, divided by N. The id strings are allocated before the first measurement, so they
 * are not counted; the Map entries that point at them are.
 */
import { Subject } from 'rxjs';
import { normalize } from '../operators/index.js';
import type { ScalerKind } from '../src/scalers/frozen.js';
import { SCALER_KINDS } from '../src/scalers/create.js';
import type { BenchConfig } from './config.js';
import { seriesIds, valueStream } from './data.js';
import { heapBytes } from './drive.js';
import type { RawFigure, Target } from './figure.js';
import { collectGarbage } from './interleave.js';
import { benchStore, setStoreDrift, storeDrift } from './store-options.js';
import type { BytesRunner } from './bytes-jobs.js';

/** Valid values each series learns (a frozen series freezes right after the last one). */
export const VALUES_PER_SERIES = 8;

/** One memory configuration: the library's store or a hand-written Map, one scaler kind, one phase. */
export interface MemoryConfig {
  subject: 'store' | 'hand-map';
  kind: ScalerKind;
  phase: 'frozen' | 'fitting';
  series: number;
  /** Whether the store runs the drift alarms (default: the suite's setting). */
  drift?: boolean;
  /** Whether the store evicts idle series (an idle time of a day: the recency list and ids by slot). */
  evict?: boolean;
}

/** Fills the state for `ids` and returns it (kept alive by the caller until measured). */
function fill(config: MemoryConfig, ids: readonly string[]): unknown {
  const values = valueStream(VALUES_PER_SERIES * 4);
  if (config.subject === 'hand-map') {
    if (config.phase === 'frozen') return new Map(ids.map((id) => [id, { center: 25.3, inv: 1 / 2.9, version: 1 }]));
    const fits = new Map<string, { n: number; mean: number; m2: number }>();
    for (let k = 0; k < VALUES_PER_SERIES; k++) {
      for (const id of ids) {
        let s = fits.get(id);
        if (s === undefined) fits.set(id, (s = { n: 0, mean: 0, m2: 0 }));
        const x = values[k] as number;
        s.n++;
        const d = x - s.mean;
        s.mean += d / s.n;
        s.m2 += d * (x - s.mean);
      }
    }
    return fits;
  }
  if (config.drift !== undefined) setStoreDrift(config.drift);
  const store = benchStore(config.evict === true ? { idleEvictMs: 86_400_000 } : {});
  const source = new Subject<{ series: string; value: number }>();
  const freeze = config.phase === 'frozen' ? { afterSamples: VALUES_PER_SERIES } : ('never' as const);
  source.pipe(normalize({ store, scaler: { kind: config.kind }, freeze, whileFitting: 'drop' })).subscribe();
  for (let k = 0; k < VALUES_PER_SERIES; k++) {
    for (let i = 0; i < ids.length; i++) source.next({ series: ids[i] as string, value: values[(i + k) % values.length] as number });
  }
  source.complete();
  if (store.size !== ids.length) throw new Error(`memory: store holds ${store.size} series, expected ${ids.length}`);
  return store;
}

/**
 * The heap after full GCs with turns of the event loop between them, so that what weak callbacks
 * and finalizers free (array buffers) is freed before it is read.
 */
export async function settledHeapBytes(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return heapBytes();
}

/**
 * The bytes a second state adds to a first one of the same make, both kept alive. The first brings
 * the process to its steady state (code compiled, caches filled, bytecode that V8 flushes after a
 * few GCs flushed): measured from a cold start, those shifts are megabytes either way, tens of bytes
 * per series at 100k. Run it in a fresh process (`memory-child.ts`): in a long one, such shifts come
 * at any time (the peers' bytes per sketch, measured in the benchmark's own process, moved by 90%
 * between two runs of the same code).
 */
export async function secondFillBytes(fill: () => unknown): Promise<number> {
  const first = fill();
  const before = await settledHeapBytes();
  const second = fill();
  const after = await settledHeapBytes();
  // Also keeps both states reachable until both heaps are read.
  if (first === second) throw new Error('secondFillBytes: the fill returned the same state twice (nothing new to measure)');
  return after - before;
}

/** Measures one configuration in this process (run it in a fresh one for clean figures). */
export async function measureSeriesMemory(config: MemoryConfig): Promise<number> {
  const ids = seriesIds(config.series);
  if (ids.length === 0) return NaN;
  return (await secondFillBytes(() => fill(config, ids))) / ids.length;
}

function handName(phase: MemoryConfig['phase']): string {
  return `memory.${phase}.hand-map`;
}

/** One configuration to measure, with its figure's name and label. */
interface Planned {
  name: string;
  label: string;
  config: MemoryConfig;
  baseline: string;
  target?: Target;
}

/** A count as the tables write it: 1M, 600k, 1,048,577. */
function sizeLabel(n: number): string {
  if (n % 1e6 === 0) return `${n / 1e6}M`;
  if (n % 1e3 === 0) return `${n / 1e3}k`;
  return n.toLocaleString('en-US');
}

/** Every kind frozen and fitting at `cfg.memorySeries`, against a hand-written Map of plain objects. */
function kindPlan(cfg: BenchConfig): Planned[] {
  const series = cfg.memorySeries;
  const n = sizeLabel(series);
  const plan: Planned[] = [];
  for (const phase of ['frozen', 'fitting'] as const) {
    plan.push({
      name: handName(phase),
      label: phase === 'frozen' ? `frozen: hand-written Map<id, {center, inv, version}>, ${n} series` : `fitting: hand-written Map<id, {n, mean, m2}>, ${n} series`,
      config: { subject: 'hand-map', kind: 'standard', phase, series },
      baseline: handName(phase),
    });
    for (const kind of SCALER_KINDS) {
      plan.push({
        name: `memory.${phase}.${kind}`,
        label: `${phase}: SeriesStore via normalize, ${kind} scaler, ${n} series, ${VALUES_PER_SERIES} values each, drift ${storeDrift() ? 'on' : 'off'}`,
        config: { subject: 'store', kind, phase, series, drift: storeDrift() },
        baseline: handName(phase),
      });
    }
  }
  return plan;
}

/**
 * Frozen standard series at every size of `cfg.memorySizes`: eviction and drift off (the targets:
 * ≤ 64 bytes at 1M, ≤ 72 at every size), then drift on, then eviction on, against the hand-written Map.
 */
function sizePlan(cfg: BenchConfig): Planned[] {
  const plan: Planned[] = [];
  for (const series of cfg.memorySizes) {
    const n = sizeLabel(series);
    const key = `memory.size.${series}`;
    const max = series === 1_000_000 ? 64 : 72;
    plan.push(
      { name: `${key}.hand-map`, label: `frozen standard, ${n} series: hand-written Map<id, {center, inv, version}>`, config: { subject: 'hand-map', kind: 'standard', phase: 'frozen', series }, baseline: `${key}.hand-map` },
      { name: `${key}.store`, label: `frozen standard, ${n} series: SeriesStore, eviction and drift off`, config: { subject: 'store', kind: 'standard', phase: 'frozen', series, drift: false }, baseline: `${key}.hand-map`, target: { on: 'median', max, text: `≤ ${max} bytes/series` } },
      { name: `${key}.drift`, label: `frozen standard, ${n} series: SeriesStore, drift on (the default)`, config: { subject: 'store', kind: 'standard', phase: 'frozen', series, drift: true }, baseline: `${key}.hand-map` },
      { name: `${key}.evict`, label: `frozen standard, ${n} series: SeriesStore, eviction on, drift off`, config: { subject: 'store', kind: 'standard', phase: 'frozen', series, drift: false, evict: true }, baseline: `${key}.hand-map` },
    );
  }
  return plan;
}

/** Section 4: bytes per series, each configuration in a fresh process per run. */
export async function benchMemory(cfg: BenchConfig, runner: BytesRunner, log: (line: string) => void = () => undefined): Promise<RawFigure[]> {
  const figures: RawFigure[] = [];
  for (const c of [...sizePlan(cfg), ...kindPlan(cfg)]) {
    log(`memory: ${c.name}`);
    const runs: number[] = [];
    for (let r = 0; r < Math.max(1, cfg.memoryRuns); r++) runs.push(await runner({ job: 'series', config: c.config }));
    const fig: RawFigure = { name: c.name, section: 'memory', label: c.label, unit: 'bytes/series', runs, baseline: c.baseline };
    if (c.target) fig.target = c.target;
    figures.push(fig);
  }
  return figures;
}
