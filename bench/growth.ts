/**
 * Growth: `cfg.growthSeries` new series arrive, one reading each, through the per-item operator
 * with a new store (the library's defaults), and through a hand-written `map` + `Map` of fits; the
 * worst single reading of each, with and without the readings that overlapped a major GC pause.
 */
import type { Reading } from '../src/reading.js';
import type { BenchConfig } from './config.js';
import { seriesIds, valueStream } from './data.js';
import type { RawFigure } from './figure.js';
import { MajorGcWindows, outsideGc } from './gc-windows.js';
import { collectGarbage } from './interleave.js';
import * as p from './pipelines.js';
import { benchStore } from './store-options.js';

interface GrowthRun {
  worst: number;
  worstOutsideGc: number;
  majorGcs: number;
  longestGc: number;
}

async function growOnce(readings: readonly Reading[], pipeline: p.LivePipeline<Reading>): Promise<GrowthRun> {
  const gcs = new MajorGcWindows();
  const start = new Float64Array(readings.length);
  const end = new Float64Array(readings.length);
  const push = pipeline.push;
  for (let i = 0; i < readings.length; i++) {
    start[i] = performance.now();
    push(readings[i] as Reading);
    end[i] = performance.now();
  }
  if (pipeline.emitted() !== readings.length) throw new Error('growth: a reading produced no output');
  const windows = await gcs.stop();
  let worst = 0;
  let worstOutsideGc = 0;
  for (let i = 0; i < readings.length; i++) {
    const ms = (end[i] as number) - (start[i] as number);
    if (ms > worst) worst = ms;
    worstOutsideGc = Math.max(worstOutsideGc, outsideGc(windows, start[i] as number, end[i] as number));
  }
  return { worst, worstOutsideGc, majorGcs: windows.length, longestGc: Math.max(0, ...windows.map(([a, b]) => b - a)) };
}

/** Section: growth to `cfg.growthSeries` series, interleaved runs of both subjects. */
export async function benchGrowth(cfg: BenchConfig, log: (line: string) => void = () => undefined): Promise<RawFigure[]> {
  const ids = seriesIds(cfg.growthSeries);
  const values = valueStream(ids.length);
  const readings: Reading[] = ids.map((series, i) => ({ series, value: values[i] as number, time: i }));
  const subjects = [
    { name: 'growth.hand', label: 'hand-written map + Map of fits', make: () => p.handFitPipeline() },
    { name: 'growth.operator', label: 'normalize with a new store (defaults: drift on, freeze after 100)', make: () => p.operatorPipeline(benchStore(), false) },
  ];
  const runs = new Map<string, GrowthRun[]>(subjects.map((s) => [s.name, []]));
  const rounds = Math.max(1, cfg.cpu.repeats);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < subjects.length; k++) {
      const s = subjects[(k + r) % subjects.length] as (typeof subjects)[number];
      log(`growth: ${s.name} round ${r + 1}`);
      collectGarbage();
      (runs.get(s.name) as GrowthRun[]).push(await growOnce(readings, s.make()));
      collectGarbage();
    }
  }
  const n = ids.length >= 1e6 ? `${ids.length / 1e6}M` : `${ids.length / 1e3}k`;
  const figures: RawFigure[] = [];
  for (const s of subjects) {
    const rs = runs.get(s.name) as GrowthRun[];
    const gcNote = `major GC pauses per run ${rs.map((x) => x.majorGcs).join('/')}, longest ${Math.max(...rs.map((x) => x.longestGc)).toFixed(0)} ms (a mark-compact of the whole heap)`;
    figures.push(
      {
        name: `${s.name}.worst`,
        section: 'growth',
        label: `${n} new series, one reading each: ${s.label}, worst single reading`,
        unit: 'ms',
        runs: rs.map((x) => x.worst),
        baseline: 'growth.hand.worst',
        note: gcNote,
        ...(s.name === 'growth.operator' ? { target: { on: 'ratio' as const, max: 2, text: '≤ 2× the hand-written Map' } } : {}),
      },
      {
        name: `${s.name}.worst-outside-gc`,
        section: 'growth',
        label: `${n} new series, one reading each: ${s.label}, worst single reading, major GC pauses inside it taken out`,
        unit: 'ms',
        runs: rs.map((x) => x.worstOutsideGc),
        baseline: 'growth.hand.worst-outside-gc',
        ...(s.name === 'growth.operator' ? { target: { on: 'ratio' as const, max: 2, text: '≤ 2× the hand-written Map' } } : {}),
      },
    );
  }
  return figures;
}
