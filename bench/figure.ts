/**
 * The shape of one benchmark figure and the rules that judge it against its target.
 *
 * Every figure is the median of repeated runs and is reported as a ratio against a baseline
 * measured in the same run (a baseline figure is its own baseline, ratio 1).
 */

/** Units the suite reports in. */
export type Unit = 'values/s' | 'readings/s' | 'points/s' | 'bytes' | 'bytes/series' | 'ms' | 'µs' | 'rank' | 'tasks';

/**
 * What a figure must reach: `on` names the quantity compared (the ratio to the baseline, the
 * median itself, or the median minus the baseline's median), `min`/`max` the bound, `text` says
 * it in words for the table.
 */
export interface Target {
  on: 'ratio' | 'median' | 'delta';
  min?: number;
  max?: number;
  text: string;
}

/** One measured figure, as results.json holds it. */
export interface Figure {
  /** Stable dotted name, e.g. `keyed.frozen.1k.operator`. */
  name: string;
  /** Section of the suite (1..7 of the issue), e.g. `keyed`. */
  section: string;
  /** Human description for the table. */
  label: string;
  unit: Unit;
  median: number;
  /** Every run's value, in run order. */
  runs: number[];
  /** Name of the figure this one is compared with. */
  baseline: string;
  /** median / baseline median. */
  ratio: number;
  /** median − baseline median (same unit). */
  delta: number;
  target: Target | null;
  /** Whether the target is met; null when there is no target. */
  pass: boolean | null;
  /** Anything worth saying next to the number (sizes, counts, losses). */
  note?: string;
}

/** The median of a non-empty list (mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The q-quantile (0..1) of a list by the nearest-rank rule; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[rank] as number;
}

/** Whether a figure meets its target (null without one; false when the compared quantity is not finite). */
export function judge(target: Target | null, median: number, ratio: number, delta: number): boolean | null {
  if (target === null) return null;
  const x = target.on === 'ratio' ? ratio : target.on === 'median' ? median : delta;
  if (!Number.isFinite(x)) return false;
  if (target.min !== undefined && x < target.min) return false;
  if (target.max !== undefined && x > target.max) return false;
  return true;
}

/** Input of {@link makeFigure}: a figure before its baseline is known. */
export interface RawFigure {
  name: string;
  section: string;
  label: string;
  unit: Unit;
  runs: number[];
  baseline: string;
  target?: Target;
  note?: string;
}

/**
 * Completes figures: medians, ratio and delta against each one's baseline (looked up by name in
 * the same list), and the PASS/MISS verdict. A missing baseline gives NaN ratio and a MISS.
 */
export function completeFigures(raw: readonly RawFigure[]): Figure[] {
  const medians = new Map(raw.map((f) => [f.name, median(f.runs)]));
  return raw.map((f) => {
    const m = medians.get(f.name) as number;
    const b = medians.get(f.baseline) ?? NaN;
    const ratio = m / b;
    const delta = m - b;
    const target = f.target ?? null;
    const fig: Figure = { name: f.name, section: f.section, label: f.label, unit: f.unit, median: m, runs: f.runs, baseline: f.baseline, ratio, delta, target, pass: judge(target, m, ratio, delta) };
    if (f.note !== undefined) fig.note = f.note;
    return fig;
  });
}
