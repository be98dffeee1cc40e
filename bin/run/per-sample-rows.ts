import { Subject } from 'rxjs';
import type { Normalized } from '../../src/index.js';
import { PerSampleDiagnostics, perSampleNormalize, type MultiFieldReading, type PerSampleNormalizeOptions, type PerSampleNormalized } from '../../operators/index.js';
import type { Entry } from './ledger.js';

/**
 * The run config's `perSample:` stage: the outputs of one input message, after the per-series
 * method, grouped into rows and normalized across their fields by `perSampleNormalize` (its
 * missing-field policy, its counters).
 *
 * A row is the outputs of one message that share a series prefix and a time: an output's field is
 * its `field` tag (a JSON codec's `fields`, a SenML name), and its row is its series id without the
 * trailing `/field` (`site1/dev1/temp` → row `site1/dev1`, field `temp`); a SenML pack with records at
 * several times makes one row per time. Outputs of separate messages are never joined. Each
 * normalized field goes out as its own output (the per-series output with the row's value); fields
 * left out of a row (not configured, or missing under `rest`) and the outputs of a dropped row are
 * not sent, counted in {@link PerSampleRows.diagnostics}. An output with no `field` tag cannot be in
 * a row: it is not sent, counted in `unrowed`.
 */
export class PerSampleRows {
  /** `perSampleNormalize`'s counters: rows, emitted, dropped, partial, extra fields, missing values by field. */
  readonly diagnostics = new PerSampleDiagnostics();
  /** Outputs with no `field` tag (not sent). */
  unrowed = 0;
  private readonly rows = new Subject<MultiFieldReading>();
  private made: PerSampleNormalized | undefined;
  private collected: { o: Normalized; entry: Entry }[] = [];
  private depth = 0;

  constructor(
    options: Omit<PerSampleNormalizeOptions, 'diagnostics'>,
    private readonly send: (o: Normalized, entry: Entry) => void,
  ) {
    this.rows.pipe(perSampleNormalize({ ...options, diagnostics: this.diagnostics })).subscribe((row) => (this.made = row));
  }

  /** Runs `handle` (the handling of one message), then normalizes the rows of the outputs it made. */
  within(handle: () => void): void {
    this.depth++;
    try {
      handle();
    } finally {
      this.depth--;
    }
    if (this.depth === 0) this.flush();
  }

  /** Takes one output of the message being handled (one made outside a message is a row group of its own). */
  collect(o: Normalized, entry: Entry): void {
    this.collected.push({ o, entry });
    if (this.depth === 0) this.flush();
  }

  private flush(): void {
    const collected = this.collected;
    if (collected.length === 0) return;
    this.collected = [];
    const groups = new Map<string, { series: string; entry: Entry; outputs: Map<string, Normalized> }[]>();
    for (const { o, entry } of collected) {
      const field = o.tags?.field;
      if (field === undefined) {
        this.unrowed++;
        continue;
      }
      const series = o.series.endsWith(`/${field}`) ? o.series.slice(0, -field.length - 1) : o.series;
      const key = `${series}\u0000${o.time ?? ''}`;
      let list = groups.get(key);
      if (list === undefined) groups.set(key, (list = []));
      // the same field twice at one time (a repeated record): the second starts another row
      let row = list.find((r) => !r.outputs.has(field));
      if (row === undefined) list.push((row = { series, entry, outputs: new Map() }));
      row.outputs.set(field, o);
    }
    for (const list of groups.values()) for (const row of list) this.normalizeRow(row);
  }

  private normalizeRow(row: { series: string; entry: Entry; outputs: Map<string, Normalized> }): void {
    const first = row.outputs.values().next().value as Normalized;
    const fields: Record<string, number> = {};
    for (const [field, o] of row.outputs) fields[field] = o.value;
    const { field: _field, ...tags } = first.tags ?? {};
    this.made = undefined;
    this.rows.next({ series: row.series, fields, ...(first.time === undefined ? {} : { time: first.time }), tags });
    const made = this.made as PerSampleNormalized | undefined;
    if (made === undefined) return;
    for (const [field, value] of Object.entries(made.fields)) {
      const o = row.outputs.get(field) as Normalized;
      this.send({ ...o, value }, row.entry);
    }
  }
}
