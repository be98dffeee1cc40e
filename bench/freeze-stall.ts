/**
 * Freezing many series at once while readings keep arriving: `cfg.freezeSeries` fitting series (3
 * readings each), then a freeze of all of them by a notifier (provisional outputs, or held windows
 * released at the freeze), or by `store.freeze()`. A reading arrives on every turn of the event loop
 * (`setImmediate`); each one's wait is the time since the previous turn ended. The figures are the
 * longest wait from the freeze until every series is frozen and every held output emitted, with and
 * without the time major GC pauses took inside the waits.
 */
import { Subject } from 'rxjs';
import { normalize, type SeriesStore } from '../operators/index.js';
import type { Normalized, Reading } from '../src/reading.js';
import type { BenchConfig } from './config.js';
import { seriesIds, valueStream } from './data.js';
import type { RawFigure } from './figure.js';
import { MajorGcWindows, outsideGc } from './gc-windows.js';
import { collectGarbage } from './interleave.js';
import { benchStore } from './store-options.js';

type How = 'notifier' | 'notifier-hold' | 'store-freeze';
const WINDOW = 3;

interface StallRun {
  longest: number;
  longestOutsideGc: number;
  /** The most CPU time the process used (all its threads) between two readings, major GC pauses taken out. */
  cpuOutsideGc: number;
  durationMs: number;
  majorGcs: number;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function stallOnce(ids: readonly string[], how: How): Promise<StallRun> {
  const store: SeriesStore = benchStore();
  const notifier = new Subject<void>();
  const source = new Subject<Reading>();
  let held = 0;
  const hold = how === 'notifier-hold';
  source.pipe(normalize({ store, freeze: how === 'store-freeze' ? 'never' : [{ notifier }], whileFitting: hold ? 'hold' : 'provisional' })).subscribe((o: Normalized) => {
    if (o.flag === 'held') held++;
  });
  const values = valueStream(ids.length * WINDOW);
  for (let k = 0; k < WINDOW; k++) for (let i = 0; i < ids.length; i++) source.next({ series: ids[i] as string, value: values[k * ids.length + i] as number, time: k });
  let frozenIds: string[] | undefined; // store.freeze()'s result
  const done = (): boolean => store.diag.totals.frozen >= ids.length && (!hold || held >= ids.length * WINDOW) && (how !== 'store-freeze' || frozenIds !== undefined);
  collectGarbage();
  const gcs = new MajorGcWindows();
  const waits: [number, number, number][] = [];
  let last = performance.now();
  let cpu = process.cpuUsage();
  let s = 1;
  const reading = (): Reading => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return { series: ids[s % ids.length] as string, value: 25, time: WINDOW + 1 };
  };
  for (let i = 0; i < 20; i++) {
    await tick();
    source.next(reading());
    last = performance.now();
    cpu = process.cpuUsage();
  }
  setImmediate(() => {
    if (how === 'store-freeze') void store.freeze().then((frozen) => (frozenIds = frozen));
    else notifier.next();
  });
  const t0 = performance.now();
  let end = Infinity;
  for (let after = 0; after < 20; ) {
    await tick();
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    waits.push([last, now, (used.user + used.system) / 1000]);
    source.next(reading());
    last = performance.now();
    cpu = process.cpuUsage();
    if (end === Infinity && done()) end = last;
    if (end !== Infinity) after++;
    if (now - t0 > 120_000) throw new Error(`freeze-stall ${how}: not done after 120 s`);
  }
  const windows = await gcs.stop();
  source.complete();
  if (frozenIds !== undefined && frozenIds.length !== ids.length) throw new Error(`freeze-stall: store.freeze() gave ${frozenIds.length} ids for ${ids.length} series`);
  let longest = 0;
  let outside = 0;
  let cpuOutside = 0;
  for (const [a, b, c] of waits) {
    longest = Math.max(longest, b - a);
    const notGc = outsideGc(windows, a, b);
    outside = Math.max(outside, notGc);
    cpuOutside = Math.max(cpuOutside, c - (b - a - notGc)); // the pauses' main-thread time taken out
  }
  return { longest, longestOutsideGc: outside, cpuOutsideGc: cpuOutside, durationMs: end - t0, majorGcs: windows.length };
}

const LABELS: Record<How, string> = {
  notifier: 'a freeze notifier (provisional outputs while fitting)',
  'notifier-hold': "a freeze notifier with whileFitting: 'hold' (every held window released)",
  'store-freeze': 'store.freeze() (until its promise of the ids frozen settles)',
};

/** Section: the freeze of `cfg.freezeSeries` series, each way, in interleaved rounds. */
export async function benchFreezeStall(cfg: BenchConfig, log: (line: string) => void = () => undefined): Promise<RawFigure[]> {
  const ids = seriesIds(cfg.freezeSeries);
  const hows: How[] = ['notifier', 'notifier-hold', 'store-freeze'];
  const runs = new Map<How, StallRun[]>(hows.map((h) => [h, []]));
  for (let r = 0; r < Math.max(1, cfg.freezeRounds); r++) {
    for (let k = 0; k < hows.length; k++) {
      const how = hows[(k + r) % hows.length] as How;
      log(`freeze: ${how}, round ${r + 1}`);
      (runs.get(how) as StallRun[]).push(await stallOnce(ids, how));
      collectGarbage();
    }
  }
  const n = ids.length >= 1e6 ? `${ids.length / 1e6}M` : `${ids.length / 1e3}k`;
  const figures: RawFigure[] = [];
  for (const how of hows) {
    const rs = runs.get(how) as StallRun[];
    const key = `freeze.${how}`;
    const label = `freeze of ${n} series by ${LABELS[how]}`;
    figures.push(
      { name: `${key}.longest-wait`, section: 'freeze', label: `${label}: longest wait of a reading`, unit: 'ms', runs: rs.map((x) => x.longest), baseline: `${key}.longest-wait`, note: `major GC pauses per run ${rs.map((x) => x.majorGcs).join('/')}` },
      { name: `${key}.longest-wait-outside-gc`, section: 'freeze', label: `${label}: longest wait of a reading, major GC pauses inside it taken out`, unit: 'ms', runs: rs.map((x) => x.longestOutsideGc), baseline: `${key}.longest-wait-outside-gc`, target: { on: 'median', max: 10, text: '≤ 10 ms' } },
      {
        name: `${key}.cpu-between-readings`,
        section: 'freeze',
        label: `${label}: most CPU time the process used between two readings, major GC pauses taken out (all threads: the work that blocked; a wall-clock wait above it is time the process was not running)`,
        unit: 'ms',
        runs: rs.map((x) => x.cpuOutsideGc),
        baseline: `${key}.cpu-between-readings`,
      },
      { name: `${key}.duration`, section: 'freeze', label: `${label}: from the freeze to the last series frozen${how === 'notifier-hold' ? ' and the last held output emitted' : ''}`, unit: 'ms', runs: rs.map((x) => x.durationMs), baseline: `${key}.duration` },
    );
  }
  return figures;
}
