/**
 * The README's benchmark summary: every targeted figure of results.json with its median, ratio and
 * verdict, written between two markers in README.md by `npm run bench` (and checked against
 * bench/results.json by test/bench/summary.test.ts), so the README quotes exactly what results.md
 * says. The causes of the misses are prose beside it, written by hand.
 */
import type { Figure } from './figure.js';
import { formatValue, type Results } from './report.js';

export const SUMMARY_START = '<!-- bench-summary:start (written by npm run bench from bench/results.json) -->';
export const SUMMARY_END = '<!-- bench-summary:end -->';

function ratioText(f: Figure): string {
  if (f.target?.on === 'median') return `${formatValue(f.median, f.unit)} ${f.unit}`;
  if (f.target?.on === 'delta') return `${f.delta >= 0 ? '+' : ''}${formatValue(f.delta, f.unit)} ${f.unit}`;
  return f.ratio >= 0.1 ? `${f.ratio.toFixed(2)}×` : `1/${(1 / f.ratio).toFixed(1)}`;
}

/** The summary block (markers included). */
export function summaryMarkdown(r: Results): string {
  const targeted = r.figures.filter((f) => f.target !== null);
  const pass = targeted.filter((f) => f.pass === true).length;
  const lines = [
    SUMMARY_START,
    '',
    `The committed run (${r.machine.date.slice(0, 10)}, ${r.mode} mode, ${r.seconds.toFixed(0)} s on ${r.machine.cpus} shared cores; drift alarms ${r.drift ? 'on, the default' : 'off'})`,
    `meets **${pass} of its ${targeted.length} targets** and misses ${targeted.length - pass}. Every targeted figure, as in \`bench/results.md\` (median, min–max of the rounds with their number, the ratio or difference the target judges):`,
    '',
    '| figure | median | min–max | compared | target | result |',
    '| --- | ---: | ---: | ---: | --- | --- |',
  ];
  for (const f of targeted) {
    const spread = `${formatValue(Math.min(...f.runs), f.unit)}–${formatValue(Math.max(...f.runs), f.unit)} (${f.runs.length})`;
    lines.push(`| ${f.label} | ${formatValue(f.median, f.unit)} ${f.unit} | ${spread} | ${ratioText(f)} | ${f.target?.text ?? ''} | ${f.pass ? 'PASS' : '**MISS**'} |`);
  }
  lines.push('', SUMMARY_END);
  return lines.join('\n');
}

/** `readme` with its summary block replaced by the one of `r` (the markers must be there). */
export function withSummary(readme: string, r: Results): string {
  const a = readme.indexOf(SUMMARY_START);
  const b = readme.indexOf(SUMMARY_END);
  if (a < 0 || b < a) throw new Error('README.md has no benchmark summary markers');
  return readme.slice(0, a) + summaryMarkdown(r) + readme.slice(b + SUMMARY_END.length);
}
