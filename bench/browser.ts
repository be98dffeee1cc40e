/**
 * The dashboard under load, measured in the browser: 2 000 updates/s across 1 000 series go
 * through a real pipeline (`normalize` on a store) into the dashboard server, and headless
 * Chromium shows the series list (sorted by a live column, so it re-sorts every second) and then
 * one series' view, `--duration` each (default 30 s, after a 3 s warm-up).
 *
 * Measured in the page:
 * - long tasks over 100 ms (PerformanceObserver `longtask`; also the longest one);
 * - lag, per updated row: from the reading's creation (its `time`, this process's clock) to the
 *   page having applied the event that carries it: conflation wait + server + transport + parse;
 * - transport lag: from the server building an event to the page receiving it;
 * - time to apply one event in the page (JSON parse and model update);
 * - events and rows received per second.
 *
 * Usage: npm run build && node dist/bench/browser.js [--duration=30s] [--rate=2000] [--series=1000] [--out=FILE]
 * Writes FILE (default bench/browser-results.json): figures in the suite's shape (name, label,
 * unit, median, runs, target, pass, note) for the lead to fold into bench/results.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { Subject, tap } from 'rxjs';
import type { Normalized, Reading } from '../src/index.js';
import { SeriesStore, normalize } from '../operators/index.js';
import { startDashboard } from '../bin/http/dashboard.js';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const WARMUP_MS = 3000;

/** One figure, in the shape of bench/results.json's figures. */
interface BrowserFigure {
  name: string;
  section: 'browser';
  label: string;
  unit: string;
  median: number;
  runs: number[];
  target: { on: 'median'; max?: number; min?: number; text: string } | null;
  pass: boolean | null;
  note?: string;
}

interface Options {
  durationMs: number;
  rate: number;
  series: number;
  out: string;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { durationMs: 30_000, rate: 2000, series: 1000, out: fileURLToPath(new URL('../../bench/browser-results.json', import.meta.url)) };
  for (const a of argv) {
    const [k, v] = a.split('=', 2) as [string, string | undefined];
    if (k === '--duration' && v) o.durationMs = /ms$/.test(v) ? Number(v.slice(0, -2)) : Number(v.replace(/s$/, '')) * 1000;
    else if (k === '--rate' && v) o.rate = Number(v);
    else if (k === '--series' && v) o.series = Number(v);
    else if (k === '--out' && v) o.out = v;
    else throw new Error(`unknown argument ${JSON.stringify(a)} (expected --duration=30s, --rate=2000, --series=1000, --out=FILE)`);
  }
  if (![o.durationMs, o.rate, o.series].every((x) => Number.isFinite(x) && x > 0)) throw new Error('--duration, --rate and --series must be positive');
  return o;
}

/** Installed before the page's own scripts: records long tasks and every event the page applies. */
const PAGE_PROBE = `
window.__bench = { longTasks: [], lags: [], transport: [], handle: [], events: 0, rows: 0 };
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
window.streamnormDebug = { onEvent(kind, data, receivedAt, handleMs) {
  const b = window.__bench;
  b.events++;
  b.handle.push(handleMs);
  b.transport.push(receivedAt - data.at);
  if (kind !== 'updates') return;
  b.rows += data.rows.length;
  const done = Date.now();
  for (const r of data.rows) if (r[5] !== null) b.lags.push(done - r[5]);
} };
window.__benchReset = () => { const b = window.__bench; b.longTasks = []; b.lags = []; b.transport = []; b.handle = []; b.events = 0; b.rows = 0; };
`;

interface PageStats {
  longTasks: number[];
  lags: number[];
  transport: number[];
  handle: number[];
  events: number;
  rows: number;
}

const quantile = (xs: readonly number[], q: number): number => {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number;
};

function figure(name: string, label: string, unit: string, value: number, target: BrowserFigure['target'], note?: string): BrowserFigure {
  const pass = target === null ? null : (target.max === undefined || value <= target.max) && (target.min === undefined || value >= target.min);
  return { name, section: 'browser', label, unit, median: value, runs: [value], target, pass, ...(note ? { note } : {}) };
}

/** Measures one view for `durationMs` and returns its figures. */
async function measure(page: Page, view: string, o: Options, intervalMs: number): Promise<BrowserFigure[]> {
  await page.evaluate('window.__benchReset()'); // strings: this program has no DOM types
  const t0 = Date.now();
  await page.waitForTimeout(o.durationMs);
  const seconds = (Date.now() - t0) / 1000;
  const s = (await page.evaluate('window.__bench')) as PageStats;
  const over100 = s.longTasks.filter((d) => d > 100).length;
  const sizes = `${o.rate} updates/s across ${o.series} series, ${(o.durationMs / 1000).toFixed(0)} s`;
  return [
    figure(`browser.${view}.longtasks`, `${view}: long tasks over 100 ms in ${(o.durationMs / 1000).toFixed(0)} s`, 'tasks', over100, { on: 'median', max: 0, text: '0' }, `${sizes}; ${s.longTasks.length} over 50 ms, longest ${Math.max(0, ...s.longTasks).toFixed(0)} ms`),
    figure(`browser.${view}.lag.p50`, `${view}: lag reading → page, p50`, 'ms', quantile(s.lags, 0.5), null, `includes the conflation wait (interval ${intervalMs} ms); ${s.lags.length} rows`),
    figure(`browser.${view}.lag.p99`, `${view}: lag reading → page, p99`, 'ms', quantile(s.lags, 0.99), { on: 'median', max: 1000, text: '≤ 1000 ms' }),
    figure(`browser.${view}.transport.p99`, `${view}: SSE transport lag (event built → received), p99`, 'ms', quantile(s.transport, 0.99), null),
    figure(`browser.${view}.apply.p99`, `${view}: time to apply one event in the page, p99`, 'ms', quantile(s.handle, 0.99), null),
    figure(`browser.${view}.events`, `${view}: events received per second`, 'events/s', s.events / seconds, null),
    figure(`browser.${view}.rows`, `${view}: series updates received per second (after conflation)`, 'rows/s', s.rows / seconds, null),
  ];
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const log = (line: string): void => console.log(`[bench browser] ${line}`);
  const input = new Subject<Reading>();
  const store = new SeriesStore();
  const tapped = new Subject<Normalized>();
  const sub = input.pipe(normalize({ store, freeze: { afterSamples: 50 } }), tap((n) => tapped.next(n))).subscribe();
  const dashboard = await startDashboard({ source: { store, normalized$: tapped, control: { freeze: (ids) => store.freeze(ids) } }, processMetrics: false });
  const intervalMs = dashboard.stream.interval;

  // The load: `rate` readings per second, round robin over the series, each stamped with its creation time.
  let sent = 0;
  const started = Date.now();
  const load = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * o.rate) / 1000);
    for (; sent < due; sent++) {
      const i = sent % o.series;
      input.next({ series: `site${i % 10}/dev${i}/value`, value: Math.sin(sent / 997 + i) * 10 + i, time: Date.now() });
    }
  }, 5);

  const userDataDir = mkdtempSync(join(tmpdir(), 'streamnorm-bench-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
  const figures: BrowserFigure[] = [];
  try {
    const page = await context.newPage();
    await page.addInitScript(PAGE_PROBE);
    log(`${o.rate} updates/s across ${o.series} series; dashboard ${dashboard.origin}`);
    await page.goto(`${dashboard.url}#/series`);
    const all = o.series.toLocaleString('en-US');
    await page.locator('#series-count').filter({ hasText: `${all} of ${all} series` }).waitFor({ timeout: 30_000 });
    await page.locator('[data-sort="value"]').click(); // a live column: the list re-sorts every second
    await page.waitForTimeout(WARMUP_MS);
    log(`series list, sorted by normalized value: measuring ${o.durationMs / 1000} s`);
    figures.push(...(await measure(page, 'list', o, intervalMs)));
    await page.locator('.rows .row:not([hidden])').first().click();
    await page.locator('#series-title').waitFor();
    await page.waitForTimeout(WARMUP_MS);
    log(`series view: measuring ${o.durationMs / 1000} s`);
    figures.push(...(await measure(page, 'series', o, intervalMs)));
  } finally {
    clearInterval(load);
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
    sub.unsubscribe();
    await dashboard.close();
  }
  const achieved = (sent / (Date.now() - started)) * 1000;
  const result = { date: new Date().toISOString(), node: process.version, rate: o.rate, achievedRate: achieved, series: o.series, durationMs: o.durationMs, intervalMs, figures };
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  for (const f of figures) {
    const mark = f.pass === null ? '    ' : f.pass ? 'PASS' : 'MISS';
    console.log(`${mark} ${f.name.padEnd(28)} ${(Number.isInteger(f.median) ? String(f.median) : f.median.toFixed(1)).padStart(8)} ${f.unit.padEnd(9)} ${f.label}${f.target ? ` (target ${f.target.text})` : ''}${f.note ? ` — ${f.note}` : ''}`);
  }
  log(`load achieved ${achieved.toFixed(0)} readings/s; wrote ${o.out}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
