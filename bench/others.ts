/**
 * Figures from other scripts, folded into results.md: each writes a JSON file of figures in the
 * suite's shape (`{ date?, figures: [{ name, label, unit, median, runs, target, pass, note? }] }`)
 * beside the suite's own results (a figure given as `{ name, value, unit }`, as the cluster script
 * writes it, is one run of that value). Read when present; a script whose file is missing is listed
 * as not run. Their figures are shown as their script judged them, not measured again here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Target, Unit } from './figure.js';

/** The scripts whose figures results.md shows, and the files they write (in the bench/ folder). */
export const OTHER_SCRIPTS = [
  { script: 'node dist/bench/browser.js', file: 'browser-results.json', title: 'Dashboard in the browser' },
  { script: 'node dist/bench/delivery.js', file: 'delivery.json', title: 'Delivery' },
  { script: 'node dist/bench/cluster.js', file: 'cluster-results.json', title: 'Cluster' },
] as const;

/** One figure as another script wrote it. */
export interface OtherFigure {
  name: string;
  label: string;
  unit: Unit | string;
  median: number;
  runs: number[];
  target: Target | null;
  pass: boolean | null;
  note?: string;
}

/** A figure as a file may hold it: the suite's shape, or a single `value`. */
type WrittenFigure = Partial<OtherFigure> & { name: string; unit: string; value?: number };

function asFigure(f: WrittenFigure): OtherFigure {
  const median = f.median ?? f.value ?? NaN;
  const figure: OtherFigure = { name: f.name, label: f.label ?? f.name, unit: f.unit, median, runs: f.runs ?? [median], target: f.target ?? null, pass: f.pass ?? null };
  return f.note === undefined ? figure : { ...figure, note: f.note };
}

/** What one script contributed, or why nothing. */
export interface OtherResults {
  script: string;
  file: string;
  title: string;
  date?: string;
  figures: OtherFigure[];
  /** Set when the file is missing or unreadable. */
  missing?: string;
}

/** Reads every known script's file from `dir` (none when `dir` is undefined). */
export function otherScripts(dir: string | undefined): OtherResults[] {
  if (dir === undefined) return [];
  return OTHER_SCRIPTS.map(({ script, file, title }) => {
    const path = join(dir, file);
    if (!existsSync(path)) return { script, file, title, figures: [], missing: 'not run on this branch (no file)' };
    try {
      const doc = JSON.parse(readFileSync(path, 'utf8')) as { date?: string; createdAt?: string; figures?: WrittenFigure[] };
      if (!Array.isArray(doc.figures)) return { script, file, title, figures: [], missing: 'no figures array in the file' };
      const date = doc.date ?? doc.createdAt;
      return { script, file, title, ...(date === undefined ? {} : { date }), figures: doc.figures.map(asFigure) };
    } catch (e) {
      return { script, file, title, figures: [], missing: `unreadable: ${(e as Error).message}` };
    }
  });
}
