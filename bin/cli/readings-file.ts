import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Reading } from '../../src/index.js';
import { CliError } from './args.js';

/** Counts of what a recorded file held. */
export interface FileReadReport {
  lines: number;
  readings: number;
  /** Lines that could not be parsed, with the first few line numbers and reasons. */
  malformed: number;
  examples: string[];
  /** Size of the file and bytes read of it so far (for a progress bar). */
  size?: number;
  bytes?: number;
}

/**
 * Reads recorded readings from CSV or NDJSON (chosen by extension: .csv, .ndjson/.jsonl/.json).
 *
 * CSV: a header with `series` and `value` columns, optional `time` (ms since epoch, or ISO 8601);
 * other columns become tags. NDJSON: one object per line with `series`, `value`, optional `time`
 * and `tags`. Values are kept as they are (numbers parsed from CSV; empty cells are null) so the
 * invalid-value policy sees them. Malformed lines are counted, never fatal.
 */
export async function* readRecordedReadings(path: string, report: FileReadReport): AsyncGenerator<Reading> {
  const format = /\.csv$/i.test(path) ? 'csv' : /\.(nd)?jsonl?$|\.ndjson$/i.test(path) ? 'ndjson' : undefined;
  if (!format) throw new CliError(`${path}: unknown format; use a .csv or .ndjson file`);
  let header: string[] | undefined;
  const bad = (n: number, why: string): void => {
    report.malformed++;
    if (report.examples.length < 5) report.examples.push(`line ${n}: ${why}`);
  };
  try {
    report.size = statSync(path).size; // before the stream opens: a missing file throws here, once
    const input = createReadStream(path);
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const raw of lines) {
      const n = ++report.lines;
      report.bytes = input.bytesRead;
      const line = raw.trim();
      if (!line) continue;
      if (format === 'ndjson') {
        let obj: unknown;
        try {
          obj = JSON.parse(line);
        } catch {
          bad(n, 'not JSON');
          continue;
        }
        const r = obj as Partial<Reading> & { tags?: unknown };
        if (!r || typeof r !== 'object' || typeof r.series !== 'string' || !('value' in r)) {
          bad(n, 'needs "series" (string) and "value"');
          continue;
        }
        const time = parseTime(r.time);
        report.readings++;
        yield { series: r.series, value: r.value, ...(time !== undefined ? { time } : {}), ...(isTags(r.tags) ? { tags: r.tags } : {}) };
        continue;
      }
      const cells = splitCsv(line);
      if (!header) {
        header = cells.map((c) => c.trim());
        if (!header.includes('series') || !header.includes('value')) throw new CliError(`${path}: the CSV header needs "series" and "value" columns, got ${header.join(',')}`);
        continue;
      }
      if (cells.length !== header.length) {
        bad(n, `${cells.length} cells for ${header.length} columns`);
        continue;
      }
      const row = Object.fromEntries(header.map((h, i) => [h, cells[i] as string]));
      const { series, value, time, ...tags } = row;
      const numeric = value === '' ? null : Number(value);
      report.readings++;
      const t = parseTime(time);
      yield {
        series: series as string,
        value: numeric === null || !Number.isNaN(numeric) || /^nan$/i.test(value as string) ? numeric : value,
        ...(t !== undefined ? { time: t } : {}),
        ...(Object.keys(tags).length ? { tags } : {}),
      };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`${path}: no such file`);
    throw e;
  }
}

function parseTime(t: unknown): number | undefined {
  if (t === undefined || t === null || t === '') return undefined;
  if (typeof t === 'number') return t;
  const n = Number(t);
  if (!Number.isNaN(n)) return n;
  const d = Date.parse(String(t));
  return Number.isNaN(d) ? undefined : d;
}

function isTags(t: unknown): t is Record<string, string> {
  return !!t && typeof t === 'object' && Object.values(t).every((v) => typeof v === 'string');
}

/** Splits one CSV line with RFC 4180 quoting. */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
