/**
 * `npm run bench` entry (compiled to dist/bench/run.js, run with --expose-gc): runs the suite and
 * writes bench/results.json and bench/results.md.
 *
 * Flags: `--quick` (fewer repeats, smaller sizes: a smoke run), `--only=keyed,memory` (a subset),
 * `--out=DIR` (default: the bench/ source folder), `--drift=off` (the suite's stores without drift
 * alarms; default on, the library's default). The figures of other scripts (browser, delivery,
 * cluster) are read from their JSON files in the bench/ source folder when present. A full run
 * into the source folder also rewrites the README's benchmark summary (between its markers).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs as parseFlags } from 'node:util';
import { FULL, QUICK } from './config.js';
import { consumed } from './interleave.js';
import { childProcessRunner } from './memory-child.js';
import { benchMqtt } from './mqtt-e2e.js';
import { benchInflux } from './influx.js';
import { toMarkdown, formatValue } from './report.js';
import { setStoreDrift } from './store-options.js';
import { withSummary } from './summary.js';
import { runSuite, SECTIONS, type SectionName } from './suite.js';

/** Parsed command line. */
interface Args {
  quick: boolean;
  only?: Set<SectionName>;
  out: string;
  drift: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  // Strict: an unknown flag or a value where none is taken is refused, naming it.
  const { values } = parseFlags({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: { quick: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' }, drift: { type: 'string' } },
  });
  // dist/bench/run.js → the source folder bench/ (two levels up, then bench).
  const args: Args = { quick: values.quick === true, drift: true, out: values.out ?? fileURLToPath(new URL('../../bench/', import.meta.url)) };
  if (values.only !== undefined) {
    const names = values.only.split(',');
    for (const n of names) if (!(SECTIONS as readonly string[]).includes(n)) throw new Error(`--only: unknown section ${JSON.stringify(n)}; expected ${SECTIONS.join(', ')}`);
    args.only = new Set(names as SectionName[]);
  }
  if (values.drift !== undefined) {
    if (values.drift !== 'on' && values.drift !== 'off') throw new Error(`--drift: expected on or off, got ${JSON.stringify(values.drift)}`);
    args.drift = values.drift === 'on';
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if ((globalThis as { gc?: unknown }).gc === undefined) console.warn('[bench] run node with --expose-gc for clean memory figures');
  const cfg = args.quick ? QUICK : FULL;
  setStoreDrift(args.drift);
  const t0 = Date.now();
  const log = (line: string): void => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const othersDir = fileURLToPath(new URL('../../bench/', import.meta.url));
  const suite = { cfg, memoryRunner: childProcessRunner, servers: { mqtt: benchMqtt, influx: benchInflux }, log, othersDir };
  const results = await runSuite(args.only === undefined ? suite : { ...suite, only: args.only });
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(args.out, 'results.md'), toMarkdown(results));
  const source = fileURLToPath(new URL('../../bench/', import.meta.url));
  if (args.out === source && !args.quick && args.only === undefined) {
    const readme = fileURLToPath(new URL('../../README.md', import.meta.url));
    writeFileSync(readme, withSummary(readFileSync(readme, 'utf8'), results));
  }
  for (const f of results.figures) {
    const mark = f.pass === null ? '    ' : f.pass ? 'PASS' : 'MISS';
    console.log(`${mark} ${f.name.padEnd(44)} ${formatValue(f.median, f.unit).padStart(8)} ${f.unit.padEnd(12)} ratio ${f.ratio.toFixed(3)}${f.target ? `  target ${f.target.text}` : ''}`);
  }
  for (const s of results.skipped) console.log(`SKIPPED ${s.section}: ${s.reason}`);
  console.log(`[bench] wrote ${join(args.out, 'results.json')} and results.md in ${results.seconds.toFixed(0)} s (checksum ${consumed().toFixed(3)})`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
