/**
 * Fit from history, then serve live: read a training window from InfluxDB with InfluxQL, learn
 * each series' statistics and freeze them, then tail the live points and normalize them with
 * those frozen statistics (no leakage: live data never changes them). A device that shows up only
 * live has no statistics: it passes raw, flagged and counted.
 *
 * By default the example writes its own simulated history and live points (database `plant`,
 * measurement `env`, field `temp`, tag `dev`); with --no-seed it reads what is there and waits
 * for --live points to arrive. InfluxQL: InfluxDB 1.x (or the v1 API of 2.x and 3.x).
 * Run:  node dist/examples/influx-fit-then-tail.js [--influx http://127.0.0.1:8086] [--db plant] [--live 9] [--no-seed]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultIfEmpty, lastValueFrom, take, tap, throwError, timeout, toArray } from 'rxjs';
import { SeriesStore, normalize, type Normalized } from 'streamnorm';
import { influxqlHistory, influxqlTail, type SeriesKey } from 'streamnorm/influx';

/** Options of {@link main}: the server, the training window, how many live points, seeding. */
export interface InfluxFitThenTailOptions {
  /** InfluxQL server (default http://127.0.0.1:8086), database (default `plant`). */
  influxUrl?: string;
  db?: string;
  /** The training window [fitFrom, fitUntil), ms (default: the minute before now); live starts at fitUntil. */
  fitFrom?: number;
  fitUntil?: number;
  /** Live points to normalize before the example ends (default 9). */
  live?: number;
  /** Write the simulated history and live points (default true). */
  seed?: boolean;
  /** Tail poll interval, ms (default 200); fail when no live point arrives for `timeoutMs` (default 15 000). */
  pollMs?: number;
  timeoutMs?: number;
  /** Called once the statistics are frozen, before the tail starts (e.g. to publish them). */
  onFitted?: (fitted: InfluxFitThenTailSummary['fitted']) => void;
}

/** What {@link main} returns: the history read, the frozen statistics, the live outputs. */
export interface InfluxFitThenTailSummary {
  /** Readings learned from history, and the frozen statistics per series. */
  historyReadings: number;
  fitted: Record<string, { center: number; scale: number; count: number }>;
  /** The live outputs, in arrival order. */
  live: Pick<Normalized, 'series' | 'raw' | 'value' | 'time' | 'phase' | 'flag'>[];
}

/** What to read: field `temp` of measurement `env`, one series per `dev` tag, named `d1/temp`. */
const selector = { measurement: 'env', field: 'temp', seriesId: (k: SeriesKey) => `${k.tags.dev}/${k.field}` };

/**
 * Runs the example: (seed,) fit from InfluxQL history, freeze, tail `live` points and normalize
 * them. Resolves after `live` outputs; rejects on a query error (unknown database, bad statement)
 * or when no live point arrives for `timeoutMs`.
 */
export async function main(options: InfluxFitThenTailOptions = {}): Promise<InfluxFitThenTailSummary> {
  const { influxUrl: url = 'http://127.0.0.1:8086', db = 'plant', live = 9, seed = true, pollMs = 200, timeoutMs = 15_000 } = options;
  const fitUntil = options.fitUntil ?? Math.floor(Date.now() / 1000) * 1000;
  const fitFrom = options.fitFrom ?? fitUntil - 60_000;
  if (seed) await seedHistory(url, db, fitFrom, fitUntil);

  // 1. Fit: learn every stored reading of the window (nothing emitted), then freeze all series.
  const store = new SeriesStore();
  let historyReadings = 0;
  await lastValueFrom(
    influxqlHistory({ url, db, ...selector, start: fitFrom, stop: fitUntil }).pipe(
      tap(() => historyReadings++),
      normalize({ store, freeze: 'never', whileFitting: 'drop' }),
      defaultIfEmpty(undefined),
    ),
  );
  await store.freeze();
  const fitted: InfluxFitThenTailSummary['fitted'] = {};
  for (const series of store.keys()) {
    const p = store.params(series);
    if (p) fitted[series] = { center: p.center, scale: p.scale, count: p.count };
  }
  options.onFitted?.(fitted);

  // 2. Tail: every point from fitUntil on, once, normalized with the frozen statistics. A
  //    series the history did not have passes raw (`unknownSeries: 'raw'`) instead of fitting.
  const tail$ = influxqlTail({ url, db, ...selector, start: fitUntil, interval: pollMs, lag: 2000 }).pipe(
    timeout({ each: timeoutMs, with: () => throwError(() => new Error(`no live point for ${timeoutMs} ms`)) }),
    take(live),
    normalize({ store, unknownSeries: 'raw' }),
    toArray(),
  );
  const outputs = lastValueFrom(tail$);
  if (seed) {
    outputs.catch(() => undefined); // awaited below; keeps an early failure from being "unhandled"
    await seedLive(url, db, fitUntil, live);
  }
  return {
    historyReadings,
    fitted,
    live: (await outputs).map(({ series, raw, value, time, phase, flag }) => ({ series, raw, value, time, phase, ...(flag ? { flag } : {}) })),
  };
}

/** Simulated temperature of device d at second i: a slow wave around 20 + 2d. */
const temp = (d: number, i: number): number => Math.round((20 + 2 * d + Math.sin(i / 7) + 0.3 * Math.cos(i * 1.3)) * 1000) / 1000;

/** Creates the database and writes one point per second per device over [from, until). */
async function seedHistory(url: string, db: string, from: number, until: number): Promise<void> {
  await influx(url, '/query', new URLSearchParams({ q: `CREATE DATABASE "${db}"` }));
  const lines: string[] = [];
  for (let t = from, i = 0; t < until; t += 1000, i++) for (const d of [1, 2]) lines.push(`env,dev=d${d} temp=${temp(d, i)} ${t}`);
  await influx(url, `/write?${new URLSearchParams({ db, precision: 'ms' })}`, lines.join('\n'));
}

/** Writes `count` live points, a few at a time, as a device would; d3 is new (no history). */
async function seedLive(url: string, db: string, start: number, count: number): Promise<void> {
  for (let k = 0; k < count; k++) {
    const d = (k % 3) + 1;
    await influx(url, `/write?${new URLSearchParams({ db, precision: 'ms' })}`, `env,dev=d${d} temp=${temp(d, 100 + k)} ${start + k * 100}`);
    if (k % 3 === 2) await new Promise((r) => setTimeout(r, 50 + (k % 2) * 100)); // irregular arrivals
  }
}

async function influx(url: string, path: string, body: string | URLSearchParams): Promise<void> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body });
  if (!res.ok) throw new Error(`InfluxDB ${path.split('?')[0]}: ${res.status} ${await res.text()}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values: a } = parseArgs({ options: { influx: { type: 'string' }, db: { type: 'string' }, live: { type: 'string' }, 'no-seed': { type: 'boolean' } } });
  main({ influxUrl: a.influx, db: a.db, live: a.live === undefined ? undefined : Number(a.live), seed: a['no-seed'] !== true }).then(
    (s) => {
      console.log(`fitted on ${s.historyReadings} stored readings:`);
      for (const [series, p] of Object.entries(s.fitted)) console.log(`  ${series}: mean ${p.center.toFixed(3)}, std ${p.scale.toFixed(3)} (n=${p.count})`);
      for (const n of s.live) console.log(`  live ${new Date(n.time ?? 0).toISOString()} ${n.series} ${String(n.raw)} -> ${n.value.toFixed(4)} ${n.flag ?? n.phase}`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
