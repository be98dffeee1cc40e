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

  /** Stops recording, after the entries of the last pauses have been delivered (one macrotask). */
  async stop(): Promise<[number, number][]> {
    await new Promise((resolve) => setImmediate(resolve));
    this.observer.disconnect();
    return this.windows;
  }
}

function isMajor(e: PerformanceEntry): boolean {
  return (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
}

/** Whether [a, b] overlaps one of `windows` (sorted or not). */
export function overlapsAny(windows: readonly [number, number][], a: number, b: number): boolean {
  for (const [s, e] of windows) if (a < e && b > s) return true;
  return false;
}
