import type { Normalized } from '../../src/index.js';
import { totalInvalid } from '../../src/index.js';
import type { SeriesStore } from '../../operators/index.js';
import type { SeriesRow } from './live-view.js';

/**
 * The latest output of each series, joined with the store's statistics and counts, as rows of the
 * live view (sorted by series id; at most `maxRows`).
 */
export class ViewState {
  private readonly latest = new Map<string, Normalized>();

  constructor(
    private readonly store: SeriesStore,
    private readonly units: Readonly<Record<string, string>> = {},
  ) {}

  /** Records one output. */
  update(n: Normalized): void {
    this.latest.set(n.series, n);
  }

  rows(maxRows = 40): SeriesRow[] {
    const diag = this.store.diagnostics().series;
    return [...this.latest.keys()]
      .sort()
      .slice(0, maxRows)
      .map((series) => {
        const n = this.latest.get(series) as Normalized;
        const frozen = this.store.params(series);
        const params = frozen ?? this.store.fitting(series)?.params();
        const field = n.tags?.field;
        const unit = n.tags?.unit ?? (field !== undefined ? this.units[field] : undefined);
        const d = diag[series];
        return {
          series,
          ...(unit !== undefined ? { unit } : {}),
          raw: n.raw,
          value: n.value,
          phase: n.phase,
          version: n.version,
          ...(n.flag !== undefined ? { flag: n.flag } : {}),
          ...(params ? { center: params.center, scale: params.scale, zeroSpread: params.zeroSpread, fitted: params.count } : {}),
          invalid: d ? totalInvalid(d.invalid) : 0,
          drift: this.store.driftScore(series),
        };
      });
  }
}
