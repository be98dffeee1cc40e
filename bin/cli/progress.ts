import { defer, finalize, isObservable, tap, type Observable } from 'rxjs';

/**
 * A progress line for long work over readings (`streamnorm fit` over a large file or an InfluxDB
 * history): readings so far, distinct series, rate, elapsed time, and a bar when the share done is
 * known. Written to stderr, and only when stderr is a terminal: piped or redirected, the command
 * prints nothing but its result. Hand-written (a dozen lines of rendering) rather than a progress
 * bar package: nothing here needs more, and the CLI keeps its dependencies few.
 */

/** Where the line goes: a terminal stream (`process.stderr`), or anything that says it is one. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Options of {@link trackProgress}. */
export interface ProgressOptions {
  /** Default `process.stderr`; nothing is written unless it is a terminal. */
  stream?: ProgressStream;
  /** First word of the line (default `fitting`). */
  label?: string;
  /** The share of the work done, 0..1, when it is known (e.g. bytes read of a file). */
  fraction?: () => number | undefined;
  /** Time between redraws, ms (default 200). */
  intervalMs?: number;
  /** Clock, ms (default `Date.now`). */
  now?: () => number;
}

/** The readings, counted as they pass (an async iterable or an Observable, as given), and what was counted. */
export interface TrackedReadings<S> {
  readings: S;
  /** Readings and distinct series so far. */
  counts(): { readings: number; series: number };
}

/**
 * Wraps readings (an async iterable, such as a file being read, or an Observable, such as an
 * InfluxDB history) so that they are counted as the consumer takes them, and a progress line is
 * redrawn on a terminal while they flow. When they end (complete, fail or are unsubscribed) the
 * line is drawn one last time and ended with a newline. Off a terminal the readings pass through
 * with only the counting.
 */
export function trackProgress<T extends { series: string }>(source: Observable<T>, options?: ProgressOptions): TrackedReadings<Observable<T>>;
export function trackProgress<T extends { series: string }>(source: AsyncIterable<T>, options?: ProgressOptions): TrackedReadings<AsyncIterable<T>>;
export function trackProgress<T extends { series: string }>(source: Observable<T> | AsyncIterable<T>, options: ProgressOptions = {}): TrackedReadings<Observable<T> | AsyncIterable<T>> {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const live = stream.isTTY === true;
  const series = new Set<string>();
  let readings = 0;
  let started = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const draw = (): void => void stream.write(`\r\x1b[K${progressLine(options.label ?? 'fitting', readings, series.size, now() - started, options.fraction?.(), stream.columns)}`);
  const begin = (): void => {
    started = now();
    if (live) (timer = setInterval(draw, options.intervalMs ?? 200)).unref();
  };
  const count = (r: T): void => {
    readings++;
    series.add(r.series);
  };
  const end = (): void => {
    clearInterval(timer);
    if (live) {
      draw();
      stream.write('\n');
    }
  };
  const counts = (): { readings: number; series: number } => ({ readings, series: series.size });
  if (isObservable(source)) {
    return {
      readings: defer(() => {
        begin();
        return source.pipe(tap(count), finalize(end));
      }),
      counts,
    };
  }
  async function* counted(): AsyncGenerator<T> {
    begin();
    try {
      for await (const r of source as AsyncIterable<T>) {
        count(r);
        yield r;
      }
    } finally {
      end();
    }
  }
  return { readings: counted(), counts };
}

/** One progress line, cut to `columns`. */
export function progressLine(label: string, readings: number, series: number, elapsedMs: number, fraction: number | undefined, columns?: number): string {
  const width = columns !== undefined && columns > 0 ? columns : 100; // a terminal of unknown size says 0
  const rate = elapsedMs > 0 ? (readings * 1000) / elapsedMs : 0;
  const parts = [label];
  if (fraction !== undefined && Number.isFinite(fraction)) {
    const f = Math.min(1, Math.max(0, fraction));
    const full = Math.round(f * 20);
    parts.push(`[${'#'.repeat(full)}${'-'.repeat(20 - full)}] ${String(Math.floor(f * 100)).padStart(3)}%`);
  }
  parts.push(`${readings.toLocaleString('en-US')} readings`, `${series.toLocaleString('en-US')} series`, `${compact(rate)} readings/s`, `${(elapsedMs / 1000).toFixed(1)} s`);
  const line = parts.join('  ');
  return line.length > width - 1 ? line.slice(0, width - 1) : line;
}

function compact(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}
