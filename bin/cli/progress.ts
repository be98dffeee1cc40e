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

/** The readings, counted as they pass, and what was counted. */
export interface TrackedReadings<T> {
  readings: AsyncIterable<T>;
  /** Readings and distinct series so far. */
  counts(): { readings: number; series: number };
}

/**
 * Wraps an iterable of readings so that they are counted as the consumer takes them, and a
 * progress line is redrawn on a terminal while it runs. When the iteration ends (or fails) the line
 * is drawn one last time and ended with a newline. Off a terminal the readings pass through with
 * only the counting.
 */
export function trackProgress<T extends { series: string }>(source: AsyncIterable<T>, options: ProgressOptions = {}): TrackedReadings<T> {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const live = stream.isTTY === true;
  const series = new Set<string>();
  let readings = 0;
  async function* counted(): AsyncGenerator<T> {
    const started = now();
    const draw = (): void => void stream.write(`\r\x1b[K${progressLine(options.label ?? 'fitting', readings, series.size, now() - started, options.fraction?.(), stream.columns)}`);
    const timer = live ? setInterval(draw, options.intervalMs ?? 200) : undefined;
    timer?.unref();
    try {
      for await (const r of source) {
        readings++;
        series.add(r.series);
        yield r;
      }
    } finally {
      clearInterval(timer);
      if (live) {
        draw();
        stream.write('\n');
      }
    }
  }
  return { readings: counted(), counts: () => ({ readings, series: series.size }) };
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
