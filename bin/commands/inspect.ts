import { BatchNormStats, totalInvalid, type InvalidCountsRecord, type RestoredSeries } from '../../src/index.js';
import { CliError, flag, type ParsedArgs } from '../cli/args.js';
import { readStateFile } from '../cli/state-file.js';
import { formatTable } from '../cli/table.js';

/** `streamnorm inspect SNAPSHOT.json [--json]`: prints every series of a snapshot. */
export function inspectCommand(args: ParsedArgs, out: (line: string) => void): number {
  const path = args.positionals[0] as string;
  const state = readStateFile(path);
  if (!state) throw new CliError(`inspect: ${path}: no such file`);
  const rows = [...state.read.series].map(([series, entry]) => row(series, entry));
  if (flag(args, 'json')) {
    out(JSON.stringify(rows, null, 1));
    return 0;
  }
  out(`${path}: ${rows.length} series, taken ${state.snapshot.createdAt || 'at an unknown time'}`);
  out(
    formatTable(
      ['series', 'kind', 'phase', 'ver', 'n', 'center', 'scale', 'zero', 'invalid'],
      rows.map((r) => [r.series, r.kind, r.phase, String(r.version), String(r.n), num(r.center), num(r.scale), r.zero ? 'yes' : '', String(r.invalid || '')]),
    ),
  );
  return 0;
}

/** One series of a snapshot as a row: a scaler's statistics, or running statistics (mean and spread). */
function row(series: string, entry: RestoredSeries) {
  const counted = (entry.counters?.invalid as InvalidCountsRecord | undefined) ?? entry.scaler?.invalidCounts();
  const invalid = counted === undefined ? 0 : totalInvalid(counted);
  const s = entry.scaler;
  if (s !== undefined) {
    const p = s.params();
    return { series, kind: s.kind as string, phase: s.phase as string, version: p.version, n: p.count, center: p.center, scale: p.scale, zero: p.zeroSpread, invalid };
  }
  const r = entry.running;
  if (r instanceof BatchNormStats) return { series, kind: 'batchnorm', phase: 'running', version: r.batchesTracked, n: r.batchesTracked, center: r.runningMean, scale: Math.sqrt(r.runningVar), zero: false, invalid };
  return { series, kind: 'ewm', phase: 'running', version: 0, n: r?.count ?? 0, center: r?.mean ?? NaN, scale: Math.sqrt(r?.variance ?? NaN), zero: false, invalid };
}

/** A number in 6 significant digits, or `-` for NaN. */
export function num(x: number): string {
  if (Number.isNaN(x)) return '-';
  if (Math.abs(x) >= 1e6 || (Math.abs(x) < 1e-3 && x !== 0)) return x.toExponential(4);
  const fixed = x.toPrecision(6);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
