/**
 * Major GC pauses, recorded while a measurement runs, so that a latency figure can be given with and
 * without them (a mark-compact of a heap of millions of objects stops the world for tens of ms,
 * whatever code runs; the figures name it as the cause).
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** A recorder of major GC pauses as [start, end] in `performance.now()` time. */
export class MajorGcWindows {
  private readonly windows: [number, number][] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (isMajor(e)) this.windows.push([e.startTime, e.startTime + e.duration]);
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /**
   * Stops recording, after the entries of the last pauses have been delivered: Node hands a pause's
   * entry to observers two event-loop turns after it (after one turn none had arrived: every figure
   * "with major GC pauses taken out" before this fix took out none), so this waits four.
   */
  async stop(): Promise<[number, number][]> {
    for (let turn = 0; turn < 4; turn++) await new Promise((resolve) => setImmediate(resolve));
    this.observer.disconnect();
    return this.windows;
  }
}

function isMajor(e: PerformanceEntry): boolean {
  return (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
}

/**
 * The part of the interval [a, b] that no major GC pause covers: its length minus the time the
 * pauses took inside it. A wait is never dropped for overlapping a pause (a 1.7 s stall with a 50 ms
 * GC inside it is still a 1.65 s stall); only the pauses themselves are taken out.
 */
export function outsideGc(windows: readonly [number, number][], a: number, b: number): number {
  const inside = windows
    .filter(([s, e]) => a < e && b > s)
    .map(([s, e]): [number, number] => [Math.max(a, s), Math.min(b, e)])
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let until = a;
  for (const [s, e] of inside) {
    if (e <= until) continue;
    covered += e - Math.max(s, until);
    until = e;
  }
  return b - a - covered;
}
