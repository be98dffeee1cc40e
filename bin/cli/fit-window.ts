import { defaultIfEmpty, from, lastValueFrom, tap, type Observable } from 'rxjs';
import { totalInvalid, type Reading } from '../../src/index.js';
import { normalize, type NormalizeOptions, type SeriesStore } from '../../operators/index.js';

/** What {@link fitWindow} learned. */
export interface FitSummary {
  /** Series frozen at the end. */
  series: number;
  /** Readings read. */
  readings: number;
  /** Invalid values counted (never learned), all series together. */
  invalid: number;
}

/**
 * Learns a recorded window into the store, then freezes every series: the one fitting path of
 * `streamnorm fit` and of `run`'s history fit, through the same engine as live data (so the
 * snapshot it leaves is what `run` would have made). Outputs are not produced; series with no valid
 * value stay fitting (a snapshot keeps them so).
 */
export async function fitWindow(readings: Observable<Reading> | AsyncIterable<Reading>, store: SeriesStore, options: NormalizeOptions): Promise<FitSummary> {
  let count = 0;
  const before = totalInvalid(store.diagnostics().totals.invalid);
  await lastValueFrom(
    from(readings).pipe(
      tap(() => count++),
      normalize({ ...options, store, freeze: 'never', whileFitting: 'drop', unknownSeries: 'fit', invalid: 'drop' }),
      defaultIfEmpty(undefined),
    ),
  );
  const frozen = await store.freeze();
  return { series: frozen.length, readings: count, invalid: totalInvalid(store.diagnostics().totals.invalid) - before };
}
