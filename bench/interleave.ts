/**
 * Interleaved repeated runs: baseline and subject cases take turns, so a noisy neighbour on the
 * shared machine slows all of them alike rather than one of them.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** One thing to measure: `run` does the work and returns the figure of that run (e.g. values/s). */
export interface Case {
  name: string;
  run: () => number | Promise<number>;
  /** Untimed preparation before each run (e.g. moving event times on); never a run of the subject itself. */
  before?: () => void;
}

/** How many runs, and the wall-clock bound on them. */
export interface RepeatPlan {
  /** Untimed runs of every case first (JIT warm-up). */
  warmup: number;
  /** Timed rounds at most; each round runs every case once. */
  repeats: number;
  /** Fewest timed rounds, even past the budget. */
  minRepeats: number;
  /** Stop starting new rounds after this many seconds (after `minRepeats`). */
  budgetSeconds: number;
}

let gcFunction: (() => void) | undefined;

/**
 * Forces a full GC: node's `gc` under --expose-gc, otherwise one obtained by turning the flag on
 * at run time (`v8.setFlagsFromString` + a fresh context), as inside a test runner.
 */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) gcFunction = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gcFunction = runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}

/**
 * Runs every case `warmup` times, then rounds of every case (the order rotated each round) until
 * `repeats` rounds or the time budget; returns the runs of each case by name. Each run follows a
 * full GC (so that runs do not pay for each other's garbage) and the case's `before`. Cases are
 * long-lived (one pipeline for all of a case's runs), so the warm-up runs are the stream's earlier
 * traffic, the same for every case.
 */
export async function interleave(cases: readonly Case[], plan: RepeatPlan): Promise<Map<string, number[]>> {
  const runs = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let w = 0; w < plan.warmup; w++) {
    for (const c of cases) {
      collectGarbage();
      c.before?.();
      await c.run();
    }
  }
  const start = performance.now();
  for (let round = 0; round < plan.repeats; round++) {
    if (round >= plan.minRepeats && (performance.now() - start) / 1000 > plan.budgetSeconds) break;
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + round) % cases.length] as Case;
      collectGarbage();
      c.before?.();
      (runs.get(c.name) as number[]).push(await c.run());
    }
  }
  return runs;
}

/** Items per second of a synchronous piece of work that processes `count` items. */
export function ratePerSecond(count: number, work: () => void): number {
  const t0 = performance.now();
  work();
  const ms = performance.now() - t0;
  return (count / ms) * 1000;
}

let checksum = 0;

/**
 * Keeps a result alive so the JIT cannot drop the work that made it (call once per run). A NaN
 * result (the @stdlib peer's `(x − mean) / sd` is 0/0 at a series' first value) is kept alive too
 * but not added, so that the printed checksum stays a number.
 */
export function consume(x: number): void {
  checksum += x === x ? x : 0;
}

/** The sum of everything consumed (printed at the end of the suite). */
export function consumed(): number {
  return checksum;
}
