import { totalInvalid } from '../../src/index.js';
import { CliError, flag, type ParsedArgs } from '../cli/args.js';
import { readStateFile } from '../cli/state-file.js';
import { formatTable } from '../cli/table.js';

/** `streamnorm inspect SNAPSHOT.json [--json]`: prints every series of a snapshot. */
export function inspectCommand(args: ParsedArgs, out: (line: string) => void): number {
  const path = args.positionals[0] as string;
  const state = readStateFile(path);
  if (!state) throw new CliError(`inspect: ${path}: no such file`);
  const rows = [...state.keyed.entries()].map(([series, s]) => {
    const p = s.params();
    return { series, kind: s.kind, phase: s.phase, version: p.version, n: p.count, center: p.center, scale: p.scale, zero: p.zeroSpread, invalid: totalInvalid(s.invalid) };
  });
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

/** A number in 6 significant digits, or `-` for NaN. */
export function num(x: number): string {
  if (Number.isNaN(x)) return '-';
  if (Math.abs(x) >= 1e6 || (Math.abs(x) < 1e-3 && x !== 0)) return x.toExponential(4);
  const fixed = x.toPrecision(6);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}
