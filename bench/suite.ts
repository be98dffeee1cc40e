/**
 * The suite: which sections run, in which order, and the results document they make. The pure-CPU
 * sections can run in-process (the vitest smoke test does, with tiny sizes); byte measurements
 * (memory and peers sections) run each in a fresh child process when asked; the server sections
 * start and stop their own servers.
 */
import type { BenchConfig } from './config.js';
import { completeFigures, type RawFigure } from './figure.js';
import { benchKeyed } from './keyed.js';
import { benchBatchNorm } from './batchnorm.js';
import { benchFreezeStall } from './freeze-stall.js';
import { benchGrowth } from './growth.js';
import { benchLatency } from './latency.js';
import { benchMemory } from './memory.js';
import type { BytesRunner } from './bytes-jobs.js';
import { otherScripts } from './others.js';
import { benchPeers } from './peers.js';
import { machine, type Results } from './report.js';
import { storeDrift } from './store-options.js';

/** Sections by name, as `--only` takes them. */
export const SECTIONS = ['keyed', 'latency', 'growth', 'freeze', 'memory', 'peers', 'batchnorm', 'mqtt', 'influx'] as const;
export type SectionName = (typeof SECTIONS)[number];

/** What a server section measured, and the parts it could not run (each with the reason). */
export interface SectionOutcome {
  figures: RawFigure[];
  skipped: string[];
}

/** A section that needs servers (it starts and stops them itself). */
export type ServerSection = (cfg: BenchConfig, log: (line: string) => void) => Promise<SectionOutcome>;

/** How to run the suite. */
export interface SuiteOptions {
  cfg: BenchConfig;
  /** Sections to run (default: all). */
  only?: ReadonlySet<SectionName>;
  /** How byte measurements (memory and peers sections) run: in a child process for real figures. */
  memoryRunner: BytesRunner;
  /** The MQTT and InfluxDB sections (absent in-process: the smoke test runs CPU parts only). */
  servers?: { mqtt: ServerSection; influx: ServerSection };
  log?: (line: string) => void;
  /** Where the JSON files of other benchmark scripts are read from (default: none read). */
  othersDir?: string;
}

/** Runs the chosen sections and returns the results document. */
export async function runSuite(o: SuiteOptions): Promise<Results> {
  const t0 = performance.now();
  const log = o.log ?? (() => undefined);
  const wants = (s: SectionName): boolean => o.only === undefined || o.only.has(s);
  const raw: RawFigure[] = [];
  const skipped: Results['skipped'] = [];
  // The plain loop is measured inside each frozen group of the keyed section, interleaved with the
  // columnar form whose target is a ratio to it.
  if (wants('keyed')) raw.push(...(await benchKeyed(o.cfg, log)));
  if (wants('latency')) raw.push(...(await benchLatency(o.cfg, log)));
  if (wants('growth')) raw.push(...(await benchGrowth(o.cfg, log)));
  if (wants('freeze')) raw.push(...(await benchFreezeStall(o.cfg, log)));
  if (wants('memory')) raw.push(...(await benchMemory(o.cfg, o.memoryRunner, log)));
  if (wants('peers')) raw.push(...(await benchPeers(o.cfg, o.memoryRunner, log)));
  if (wants('batchnorm')) raw.push(...(await benchBatchNorm(o.cfg, log)));
  for (const name of ['mqtt', 'influx'] as const) {
    if (!wants(name)) continue;
    const section = o.servers?.[name];
    if (section === undefined) {
      skipped.push({ section: name, reason: 'server sections not run in-process' });
      continue;
    }
    const out = await section(o.cfg, log);
    raw.push(...out.figures);
    for (const reason of out.skipped) skipped.push({ section: name, reason });
  }
  return { schema: 'streamnorm/bench', mode: o.cfg.mode, machine: machine(), drift: storeDrift(), seconds: (performance.now() - t0) / 1000, skipped, figures: completeFigures(raw), others: otherScripts(o.othersDir) };
}
