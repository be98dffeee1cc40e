/**
 * The core API against other libraries, in the same run:
 * - a `Map` of `StandardScaler`s in a loop (what a worker or a Node-RED node using `streamnorm/core`
 *   writes) against a `Map` of `@stdlib/stats-incr-meanstdev` accumulators: `learn`, and `learn` +
 *   the provisional transform, random order, long-lived maps; and the bytes of one fitting object;
 * - our robust fitting (`RobustScaler`: exact quantiles up to 4,096 values, then a KLL sketch)
 *   against `@datadog/sketches-js`'s DDSketch (1 % relative accuracy): time per value, bytes per
 *   series, and rank error of the quartiles and the 1st/99th percentiles.
 */
import incrmeanstdev from '@stdlib/stats-incr-meanstdev';
import sketches from '@datadog/sketches-js';
import { RobustScaler } from '../src/scalers/robust.js';
import { StandardScaler } from '../src/scalers/standard.js';
import type { BenchConfig } from './config.js';
import { seriesIds, valueStream } from './data.js';
import type { RawFigure } from './figure.js';
import { consume, interleave, type Case } from './interleave.js';
import { secondFillBytes } from './memory.js';
import type { BytesRunner } from './bytes-jobs.js';

type Accumulator = ReturnType<typeof incrmeanstdev>;
const { DDSketch } = sketches;

/** `count` random draws of series indexes in [0, n) (seeded). */
function randomIndexes(n: number, count: number): Int32Array {
  const out = new Int32Array(count);
  let s = 13579;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.floor((s / 4294967296) * n);
  }
  return out;
}

/** `Map` of scalers against `Map` of stdlib accumulators, at `series` series. */
async function meanStdev(cfg: BenchConfig, series: number, label: string): Promise<RawFigure[]> {
  const ids = seriesIds(series);
  const at = randomIndexes(series, cfg.peerReadings);
  const xs = valueStream(cfg.peerReadings);
  const ours = new Map<string, StandardScaler>();
  const theirs = new Map<string, Accumulator>();
  const oursT = new Map<string, StandardScaler>();
  const theirsT = new Map<string, Accumulator>();
  const rate = (work: () => number): number => {
    const t0 = performance.now();
    consume(work());
    return (xs.length / (performance.now() - t0)) * 1000;
  };
  const key = `peers.meanstdev.${label}`;
  const cases: Case[] = [
    {
      name: `${key}.stdlib.learn`,
      run: () =>
        rate(() => {
          for (let i = 0; i < xs.length; i++) {
            const id = ids[at[i] as number] as string;
            let a = theirs.get(id);
            if (a === undefined) theirs.set(id, (a = incrmeanstdev()));
            a(xs[i] as number);
          }
          return theirs.size;
        }),
    },
    {
      name: `${key}.scaler.learn`,
      run: () =>
        rate(() => {
          for (let i = 0; i < xs.length; i++) {
            const id = ids[at[i] as number] as string;
            let s = ours.get(id);
            if (s === undefined) ours.set(id, (s = new StandardScaler()));
            s.learn(xs[i] as number);
          }
          return ours.size;
        }),
    },
    {
      name: `${key}.stdlib.learn-transform`,
      run: () =>
        rate(() => {
          let acc = 0;
          for (let i = 0; i < xs.length; i++) {
            const id = ids[at[i] as number] as string;
            let a = theirsT.get(id);
            if (a === undefined) theirsT.set(id, (a = incrmeanstdev()));
            const x = xs[i] as number;
            const ms = a(x) as ArrayLike<number>;
            acc += (x - (ms[0] as number)) / (ms[1] as number);
          }
          return acc;
        }),
    },
    {
      name: `${key}.scaler.learn-transform`,
      run: () =>
        rate(() => {
          let acc = 0;
          for (let i = 0; i < xs.length; i++) {
            const id = ids[at[i] as number] as string;
            let s = oursT.get(id);
            if (s === undefined) oursT.set(id, (s = new StandardScaler()));
            const x = xs[i] as number;
            s.learn(x);
            acc += s.transform(x);
          }
          return acc;
        }),
    },
  ];
  const runs = await interleave(cases, cfg.cpu);
  const words = `${label} series, ${cfg.peerReadings.toLocaleString('en-US')} readings in random order`;
  const fig = (name: string, text: string, baseline: string, target?: boolean): RawFigure => ({
    name,
    section: 'peers',
    label: `${text}, ${words}`,
    unit: 'values/s',
    runs: runs.get(name) ?? [],
    baseline,
    ...(target ? { target: { on: 'ratio' as const, min: 1, text: '≥ 1× @stdlib' } } : {}),
  });
  return [
    fig(`${key}.stdlib.learn`, 'Map of @stdlib/stats-incr-meanstdev accumulators: accumulate', `${key}.stdlib.learn`),
    fig(`${key}.scaler.learn`, 'Map of StandardScaler: learn', `${key}.stdlib.learn`, true),
    fig(`${key}.stdlib.learn-transform`, 'Map of @stdlib accumulators: accumulate + (x − mean) / sd', `${key}.stdlib.learn-transform`),
    fig(`${key}.scaler.learn-transform`, 'Map of StandardScaler: learn + provisional transform', `${key}.stdlib.learn-transform`, true),
  ];
}

/** The fitting objects whose bytes are compared: a `@stdlib` accumulator, a {@link StandardScaler}. */
export type ObjectPeer = 'stdlib' | 'scaler';

/** Bytes of one fitting object of `peer` after 8 values, from `n` of them (a job of `bytes-jobs.ts`). */
export async function peerObjectBytes(peer: ObjectPeer, n: number): Promise<number> {
  const xs = valueStream(8);
  // Each held by its `learn` function, as the peer's accumulator is its closure.
  const make =
    peer === 'stdlib'
      ? (): ((x: number) => unknown) => incrmeanstdev()
      : (): ((x: number) => unknown) => {
          const s = new StandardScaler();
          return (x) => s.learn(x);
        };
  const build = (): unknown[] =>
    Array.from({ length: n }, () => {
      const learn = make();
      for (let k = 0; k < 8; k++) learn(xs[k] as number);
      return learn;
    });
  return (await secondFillBytes(build)) / n - 8; // less the array slot that holds each
}

/** Bytes of a fitting object, ours and the peer's, each in fresh processes. */
async function objectBytes(cfg: BenchConfig, runner: BytesRunner): Promise<RawFigure[]> {
  const runs = async (peer: ObjectPeer): Promise<number[]> => {
    const out: number[] = [];
    for (let r = 0; r < Math.max(1, cfg.memoryRuns); r++) out.push(await runner({ job: 'peer-object', peer, objects: cfg.peerObjects }));
    return out;
  };
  const stdlib = await runs('stdlib');
  const scaler = await runs('scaler');
  return [
    { name: 'peers.bytes.stdlib', section: 'peers', label: '@stdlib/stats-incr-meanstdev accumulator after 8 values (its closure and output array)', unit: 'bytes', runs: stdlib, baseline: 'peers.bytes.stdlib' },
    { name: 'peers.bytes.scaler', section: 'peers', label: 'StandardScaler after 8 values (with the closure that holds it here, as the peer’s)', unit: 'bytes', runs: scaler, baseline: 'peers.bytes.stdlib' },
  ];
}

/** The robust fitters compared: DDSketch, our {@link RobustScaler}. */
export type SketchPeer = 'ddsketch' | 'robust';

/** The sketch comparison's readings: `series × values` in random order, sensor-like values. */
interface SketchReadings {
  series: number;
  /** The series of each reading. */
  order: Int32Array;
  /** The value of reading `i` (of series `order[i]`). */
  value: (i: number) => number;
}

function sketchReadings(series: number, values: number): SketchReadings {
  const order = randomIndexes(series, series * values);
  const noise = valueStream(series * values, 4242);
  // A level per series plus noise with a long right tail.
  return { series, order, value: (i) => 20 + (order[i] as number) * 0.1 + ((noise[i] as number) - 20) ** 2 / 10 };
}

function fillSketches(d: SketchReadings): InstanceType<typeof DDSketch>[] {
  const sk = Array.from({ length: d.series }, () => new DDSketch({ relativeAccuracy: 0.01 }));
  for (let i = 0; i < d.order.length; i++) (sk[d.order[i] as number] as InstanceType<typeof DDSketch>).accept(d.value(i));
  return sk;
}

function fillRobust(d: SketchReadings): RobustScaler[] {
  const rs = Array.from({ length: d.series }, () => new RobustScaler());
  for (let i = 0; i < d.order.length; i++) (rs[d.order[i] as number] as RobustScaler).learn(d.value(i));
  return rs;
}

/**
 * Bytes per series of `peer` after `values` values each, from `copies` sets of `series` series that
 * learn the same readings (a job of `bytes-jobs.ts`). The copies make the state large against the
 * few hundred kilobytes by which a heap after GC differs from process to process, without readings
 * for that many series.
 */
export async function peerSketchBytes(peer: SketchPeer, series: number, values: number, copies: number): Promise<number> {
  const d = sketchReadings(series, values);
  const fill = (): unknown[] => Array.from({ length: copies }, () => (peer === 'ddsketch' ? fillSketches(d) : fillRobust(d)));
  return (await secondFillBytes(fill)) / (series * copies);
}

/** Our robust fitting against DDSketch: `cfg.sketchSeries` series of `cfg.sketchValues` values each. */
async function robustVsSketch(cfg: BenchConfig, runner: BytesRunner): Promise<RawFigure[]> {
  const S = cfg.sketchSeries;
  const V = cfg.sketchValues;
  const d = sketchReadings(S, V);
  let lastSketch: InstanceType<typeof DDSketch>[] = [];
  let lastRobust: RobustScaler[] = [];
  const timed = (fill: () => void): number => {
    const t0 = performance.now();
    fill();
    return (d.order.length / (performance.now() - t0)) * 1000;
  };
  const cases: Case[] = [
    { name: 'peers.sketch.ddsketch', run: () => timed(() => (lastSketch = fillSketches(d))) },
    { name: 'peers.sketch.robust', run: () => timed(() => (lastRobust = fillRobust(d))) },
  ];
  const runs = await interleave(cases, cfg.cpu);
  // Rank error against the exact values of each series.
  const exact: number[][] = Array.from({ length: S }, () => []);
  for (let i = 0; i < d.order.length; i++) (exact[d.order[i] as number] as number[]).push(d.value(i));
  for (const e of exact) e.sort((a, b) => a - b);
  const qs = [0.01, 0.25, 0.5, 0.75, 0.99];
  const rankError = (estimate: (s: number, q: number) => number): number => {
    let worst = 0;
    for (let s = 0; s < S; s++) {
      const e = exact[s] as number[];
      for (const q of qs) {
        const est = estimate(s, q);
        let lo = 0;
        let hi = e.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((e[mid] as number) <= est) lo = mid + 1;
          else hi = mid;
        }
        worst = Math.max(worst, Math.abs(lo / e.length - q));
      }
    }
    return worst;
  };
  const sketchErr = rankError((s, q) => (lastSketch[s] as InstanceType<typeof DDSketch>).getValueAtQuantile(q));
  const robustErr = rankError((s, q) => (lastRobust[s] as RobustScaler).stats.quantile(q));
  // Bytes in fresh processes, over more series than are timed: the few hundred kilobytes by which a
  // heap after GC differs between processes are then a few per cent of a figure.
  const { series, copies } = cfg.sketchBytes;
  const bytes = async (peer: SketchPeer): Promise<number[]> => {
    const out: number[] = [];
    for (let r = 0; r < Math.max(1, cfg.memoryRuns); r++) out.push(await runner({ job: 'peer-sketch', peer, series, values: V, copies: copies[peer] }));
    return out;
  };
  const over = (peer: SketchPeer): string => `${(series * copies[peer]).toLocaleString('en-US')} series, heap after GC, fresh processes`;
  const sketchBytes = await bytes('ddsketch');
  const robustBytes = await bytes('robust');
  const words = `${S} series × ${V.toLocaleString('en-US')} values, random order`;
  return [
    { name: 'peers.sketch.ddsketch', section: 'peers', label: `DDSketch (1 % relative accuracy): accept, ${words}`, unit: 'values/s', runs: runs.get('peers.sketch.ddsketch') ?? [], baseline: 'peers.sketch.ddsketch' },
    { name: 'peers.sketch.robust', section: 'peers', label: `RobustScaler: learn, ${words}`, unit: 'values/s', runs: runs.get('peers.sketch.robust') ?? [], baseline: 'peers.sketch.ddsketch' },
    { name: 'peers.sketch.ddsketch.rank-error', section: 'peers', label: `DDSketch: largest rank error of the 1st, 25th, 50th, 75th, 99th percentiles over the series`, unit: 'rank', runs: [sketchErr], baseline: 'peers.sketch.ddsketch.rank-error' },
    { name: 'peers.sketch.robust.rank-error', section: 'peers', label: `RobustScaler: largest rank error of the same percentiles`, unit: 'rank', runs: [robustErr], baseline: 'peers.sketch.ddsketch.rank-error' },
    { name: 'peers.sketch.ddsketch.bytes', section: 'peers', label: `DDSketch: bytes per series after ${V.toLocaleString('en-US')} values (${over('ddsketch')})`, unit: 'bytes/series', runs: sketchBytes, baseline: 'peers.sketch.ddsketch.bytes' },
    { name: 'peers.sketch.robust.bytes', section: 'peers', label: `RobustScaler: bytes per series after ${V.toLocaleString('en-US')} values (${over('robust')})`, unit: 'bytes/series', runs: robustBytes, baseline: 'peers.sketch.ddsketch.bytes' },
  ];
}

/** Section: the peers. */
export async function benchPeers(cfg: BenchConfig, runner: BytesRunner, log: (line: string) => void = () => undefined): Promise<RawFigure[]> {
  const figures: RawFigure[] = [];
  for (const { ids, label } of cfg.peerCardinalities) {
    log(`peers: Map of StandardScaler vs @stdlib, ${label} series`);
    figures.push(...(await meanStdev(cfg, ids, label)));
  }
  log('peers: bytes of a fitting object');
  figures.push(...(await objectBytes(cfg, runner)));
  log('peers: RobustScaler vs DDSketch');
  figures.push(...(await robustVsSketch(cfg, runner)));
  return figures;
}
