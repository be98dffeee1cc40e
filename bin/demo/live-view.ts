import { num } from '../commands/inspect.js';
import { formatTable } from '../cli/table.js';

/** One line of the live view: the latest state of one series. */
export interface SeriesRow {
  series: string;
  unit?: string;
  raw: unknown;
  /** Latest normalized value (NaN when none). */
  value: number;
  phase: string;
  version: number;
  flag?: string;
  center?: number;
  scale?: number;
  zeroSpread?: boolean;
  /** Valid values fitted (while fitting: so far). */
  fitted?: number;
  invalid: number;
  /** The drift score (the CUSUM's larger sum, in σ; undefined while fitting). */
  drift?: number | undefined;
}

/** Everything the live view shows. */
export interface ViewModel {
  title: string;
  elapsedMs: number;
  received: number;
  published: number;
  /** Messages that could not be decoded (counted, never fatal). */
  malformed: number;
  rows: SeriesRow[];
  notes: string[];
}

const RESET = '\x1b[0m';
const colours = { fitting: '\x1b[33m', frozen: '\x1b[32m', passthrough: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', red: '\x1b[31m' };

/** A 9-cell bar placing a z-score in [−3, 3]: the middle cell is 0, arrows mark overflow. */
export function zBar(z: number): string {
  if (Number.isNaN(z)) return '    ·    ';
  if (z < -3) return '◀        ';
  if (z > 3) return '        ▶';
  const pos = Math.round(((z + 3) / 6) * 8);
  return ' '.repeat(pos) + '█' + ' '.repeat(8 - pos);
}

/** Renders the view as text (with ANSI colours when `color`). Pure: the caller writes it out. */
export function renderView(model: ViewModel, color: boolean): string {
  const c = (code: string, s: string): string => (color ? code + s + RESET : s);
  const secs = model.elapsedMs / 1000;
  const rate = secs > 0 ? model.received / secs : 0;
  const frozen = model.rows.filter((r) => r.phase === 'frozen').length;
  const header = [
    c(colours.bold, model.title),
    `${secs.toFixed(1)} s  received ${model.received} (${rate.toFixed(0)}/s)  published ${model.published}  malformed ${model.malformed}  series ${model.rows.length} (${frozen} frozen)`,
  ];
  const rows = model.rows.map((r) => {
    const raw = typeof r.raw === 'number' ? num(r.raw) : JSON.stringify(r.raw) ?? 'undefined';
    const phase = r.phase === 'fitting' ? c(colours.fitting, 'fitting') : r.phase === 'frozen' ? c(colours.frozen, `frozen v${r.version}`) : c(colours.passthrough, r.phase);
    return [
      r.series,
      `${raw}${r.unit ? ` ${r.unit}` : ''}`,
      num(r.value),
      `[${zBar(r.value)}]`,
      phase,
      r.fitted === undefined ? '' : String(r.fitted),
      r.center === undefined ? '' : num(r.center),
      r.scale === undefined ? '' : num(r.scale),
      [r.zeroSpread ? c(colours.red, 'stuck') : '', r.flag ?? ''].filter(Boolean).join(' '),
      r.invalid ? c(colours.red, String(r.invalid)) : '',
      r.drift === undefined ? '' : r.drift > 5 ? c(colours.red, r.drift.toFixed(1)) : r.drift.toFixed(1),
    ];
  });
  const table = formatTable(['series', 'raw', 'normalized', '-3    0    +3', 'phase', 'n', 'center', 'scale', 'flags', 'invalid', 'drift'], rows);
  return [...header, '', table, '', ...model.notes.map((n) => c(colours.dim, n))].join('\n');
}
