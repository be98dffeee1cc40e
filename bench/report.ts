/**
 * results.json and results.md: the machine, the Node version, and every figure with its median,
 * runs, baseline, ratio, target and PASS/MISS.
 */
import { cpus, freemem, platform, release, totalmem, arch } from 'node:os';
import type { Figure } from './figure.js';
import type { OtherResults } from './others.js';

/** Where and when the suite ran. */
export interface Machine {
  os: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  freeMemoryBytes: number;
  node: string;
  v8: string;
  date: string;
}

/** The whole results document. */
export interface Results {
  schema: 'streamnorm/bench';
  mode: 'full' | 'quick' | 'tiny';
  machine: Machine;
  /** Whether the suite's stores ran the drift alarms (the library's default: on). */
  drift: boolean;
  /** Wall-clock seconds of the whole suite. */
  seconds: number;
  /** Sections not run, and why (e.g. a server binary missing). */
  skipped: { section: string; reason: string }[];
  figures: Figure[];
  /** Figures of other scripts (browser, delivery, cluster), read from their JSON files. */
  others: OtherResults[];
}

/** This machine, now. */
export function machine(): Machine {
  const c = cpus();
  return {
    os: `${platform()} ${release()}`,
    arch: arch(),
    cpus: c.length,
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
    node: process.version,
    v8: process.versions.v8,
    date: new Date().toISOString(),
  };
}

/** A number for the table: 3 significant digits with k/M/G for rates, exact-ish for small values. */
export function formatValue(x: number, unit: string): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (unit === 'ms') return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
  if (unit === 'µs') return a >= 10 ? x.toFixed(1) : x.toFixed(2);
  if (unit === 'rank') return x.toFixed(4);
  const [div, suffix] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : a >= 1e4 ? [1e3, 'k'] : [1, ''];
  const v = x / div;
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)}${suffix}`;
}

function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return '–';
  return r >= 0.1 ? `${r.toFixed(2)}×` : `1/${(1 / r).toFixed(1)}`;
}

function verdict(pass: boolean | null): string {
  return pass === null ? '' : pass ? 'PASS' : '**MISS**';
}

const SECTION_TITLES: Record<string, string> = {
  keyed: '1. Per item, frozen and fitting (long-lived pipelines, against hand-written baselines of the same arithmetic)',
  chunked: '2. Chunked and columnar forms',
  limit: '3. The plain loop (interleaved with the columnar form, same heap)',
  latency: '4. Latency per reading (steady state)',
  growth: '5. Growth: new series arriving',
  freeze: '6. Freezing 1M series at once while readings arrive',
  memory: '7. Memory per series (heap + external memory after GC, ids excluded)',
  peers: '8. Peers: @stdlib/stats-incr-meanstdev and DDSketch',
  batchnorm: '9. BatchNorm-style running statistics',
  mqtt: '10. End to end over MQTT (subscribe → normalize → publish)',
  influx: '11. InfluxDB sink against VictoriaMetrics',
};

/** How the runs were made (the method section of results.md). */
export const METHOD = [
  'How runs were made: each figure is the median of its runs, with the smallest and largest run beside it; the runs are',
  'in results.json. Figures of one table row group (one size, one order, one phase) are interleaved: the cases take turns,',
  'the order rotating each round, so that load from other work on the machine hits all of them alike. Each case is one',
  'long-lived pipeline with its own store, built once and fed the same block of readings run after run (a stream is one',
  'pipeline; nothing is primed between runs). One untimed warm-up round for every case, then at least 5 timed rounds;',
  'a full GC before each run. Fits see event time move forward between runs. Orders: round-robin and uniformly random.',
  'Sizes are not powers of two (1,000 per chunk; 1k/100k/1M ids; memory also at 600k, 1,048,577 and 2M). The plain',
  'loop runs inside each frozen group, beside the columnar form, on the same heap. The baselines are hand-written with a',
  '`Map` and inline arithmetic; the fitting baseline does the library\'s arithmetic (shifted Welford, compensated mean,',
  'zero-spread rule, window times) and a test checks its outputs are the library\'s, bit for bit. Every byte figure',
  '(the memory section, the peers\' objects and sketches) is measured 3 times, each in a fresh process, as the heap a',
  'second state adds to a first one of the same make (the first brings the process to a steady state); the spread of',
  'the 3 is given. Latencies are per reading, `performance.now()` around each `next`; the longest',
  'waits are also given without the readings that overlapped a major GC pause (a stop-the-world mark-compact), with the',
  'pauses counted. The MQTT section runs 8 rounds (each bridge first in 4) after a warm-up burst per bridge, and gives',
  'each bridge process\'s own CPU time per reading beside the throughput that the broker and the load share the cores',
  'with. The machine is shared (2 cores) and was busy: the ratios are the figures to read.',
];

function spread(f: Figure): string {
  if (f.runs.length < 2) return '';
  return `${formatValue(Math.min(...f.runs), f.unit)}–${formatValue(Math.max(...f.runs), f.unit)}`;
}

function figureRow(f: Figure): string {
  const ratio = f.target?.on === 'delta' ? `${f.delta >= 0 ? '+' : ''}${formatValue(f.delta, f.unit)} ${f.unit}` : formatRatio(f.ratio);
  const label = f.note === undefined ? f.label : `${f.label} (${f.note})`;
  return `| ${label} | ${formatValue(f.median, f.unit)} | ${spread(f)} | ${f.unit} | ${f.runs.length} | ${f.baseline === f.name ? '(itself)' : `\`${f.baseline}\``} | ${ratio} | ${f.target?.text ?? ''} | ${verdict(f.pass)} |`;
}

/** The section of figures from other scripts: each script's table, or why it is not there. */
function othersMarkdown(others: readonly OtherResults[]): string[] {
  if (others.length === 0) return [];
  const lines = ['## Figures from other scripts', '', 'Each of these scripts writes its own JSON file of figures in this shape; this report reads them when present and shows', 'them as their script judged them (they are not measured again by `npm run bench`).', ''];
  for (const o of others) {
    lines.push(`### ${o.title} (\`${o.script}\` → bench/${o.file}${o.date === undefined ? '' : `, ${o.date}`})`, '');
    if (o.missing !== undefined) {
      lines.push(`Not here: ${o.missing}.`, '');
      continue;
    }
    lines.push('| figure | median | unit | runs | target | result |', '|---|---:|---|---:|---|---|');
    for (const f of o.figures) lines.push(`| ${f.note === undefined ? f.label : `${f.label} (${f.note})`} | ${formatValue(f.median, f.unit)} | ${f.unit} | ${f.runs.length} | ${f.target?.text ?? ''} | ${verdict(f.pass)} |`);
    lines.push('');
  }
  return lines;
}

/** The Markdown report: a header with the machine and the method, one table per section, then other scripts' figures. */
export function toMarkdown(r: Results): string {
  const m = r.machine;
  const lines: string[] = [
    '# streamnorm benchmarks',
    '',
    `Generated by \`npm run bench${r.mode === 'quick' ? ' -- --quick' : ''}\` on ${m.date} in ${r.seconds.toFixed(0)} s (${r.mode} mode; the stores' drift alarms ${r.drift ? 'on, the default' : 'off'}).`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${m.os} (${m.arch}); Node ${m.node} (V8 ${m.v8}).`,
    '',
    ...METHOD,
    '',
  ];
  if (r.skipped.length > 0) {
    lines.push('Not run:', '');
    for (const s of r.skipped) lines.push(`- ${s.section}: ${s.reason}`);
    lines.push('');
  }
  const order = Object.keys(SECTION_TITLES);
  const sections = [...new Set(r.figures.map((f) => f.section))].sort((x, y) => (order.indexOf(x) + 1 || 99) - (order.indexOf(y) + 1 || 99));
  for (const section of sections) {
    lines.push(`## ${SECTION_TITLES[section] ?? section}`, '', '| figure | median | min–max | unit | runs | baseline | ratio | target | result |', '|---|---:|---:|---|---:|---|---:|---|---|');
    for (const f of r.figures.filter((x) => x.section === section)) lines.push(figureRow(f));
    lines.push('');
  }
  const misses = r.figures.filter((f) => f.pass === false);
  lines.push(`Targets: ${r.figures.filter((f) => f.pass === true).length} PASS, ${misses.length} MISS.`, '');
  lines.push(...othersMarkdown(r.others));
  return lines.join('\n');
}
