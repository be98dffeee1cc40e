/**
 * Pushes pre-built items through a pipeline as fast as a synchronous source can, timing the run
 * and sampling the heap for its peak.
 */
import { Subject, type Observable } from 'rxjs';
import { wasmMemoryBytes } from '../operators/store/growable-doubles.js';

/**
 * Heap plus memory outside it, in bytes (what a pipeline's state occupies): `external` holds the
 * typed arrays' backing stores (`arrayBuffers`), and the shared WebAssembly memory that a large
 * store's slot records grow in, which `process.memoryUsage()` does not report, is added.
 */
export function heapBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external + wasmMemoryBytes();
}

/** The outcome of one pushed run. */
export interface DriveResult {
  /** Values per second (values, not items: a chunk of 1024 counts 1024). */
  rate: number;
  /** Highest heap growth above the heap at the start of the run, sampled, in bytes. */
  peakBytes: number;
  /** Values the pipeline emitted (checked by the callers against what went in). */
  emitted: number;
}

/**
 * Subscribes `attach` to a Subject, pushes `items` (carrying `values` values in all), completes,
 * and returns the rate. The heap is sampled every `sampleEvery` items. `attach` gets the source
 * and a callback to report emitted values; it must subscribe synchronously.
 */
export function drive<T>(items: readonly T[], values: number, sampleEvery: number, attach: (source: Observable<T>, emitted: (n: number) => void) => void): DriveResult {
  const source = new Subject<T>();
  let emitted = 0;
  attach(source, (n) => {
    emitted += n;
  });
  const base = heapBytes();
  let peak = base;
  const every = Math.max(1, sampleEvery | 0);
  const t0 = performance.now();
  for (let i = 0; i < items.length; i++) {
    source.next(items[i] as T);
    if (i % every === 0) {
      const h = heapBytes();
      if (h > peak) peak = h;
    }
  }
  source.complete();
  const ms = performance.now() - t0;
  const h = heapBytes();
  if (h > peak) peak = h;
  return { rate: (values / ms) * 1000, peakBytes: peak - base, emitted };
}
