import type { Normalized, Reading } from '../../src/reading.js';
import { isZeroSpread } from '../../src/scalers/frozen.js';
import { standardizeProvisional } from '../../src/scalers/standard.js';
import { invalidReason, isMissing } from '../../src/values.js';
import { ExpMoments, type ExpMomentsOptions } from '../../src/stats/exp-moments.js';
import type { RunningContext } from '../internal/running-internals.js';

/** `ewmNormalize`'s options, checked. */
export interface EwmSettings {
  moments: ExpMomentsOptions;
  warmup: number;
  byTime: boolean;
  key: ((r: Reading) => string) | undefined;
}

/**
 * The per-reading step of `ewmNormalize` for one subscription: normalize with the series'
 * exponential moments before the value (the provisional z-score of the core, so a zero spread is
 * handled as everywhere else), then learn it. A missing value of a known series (NaN, null) is
 * refused by the invalid policy and ages the weights ({@link ExpMoments.skip}).
 */
export class EwmEngine {
  constructor(
    private readonly s: EwmSettings,
    private readonly ctx: RunningContext<ExpMoments>,
    private readonly emit: (n: Normalized) => void,
  ) {}

  /** Handles one reading. */
  next(r: Reading): void {
    const id = this.s.key ? this.s.key(r) : r.series;
    const diag = this.ctx.store.diag;
    diag.totals.readings++;
    const v = this.ctx.accept(r, id, this.emit, 'fitting', 0);
    if (v === undefined) {
      // A gap (NaN, null) ages the series' weights, as pandas' ignore_na=False; other bad data does not.
      if (isMissing(invalidReason(r.value))) this.ctx.existing(id)?.skip(this.s.byTime && typeof r.time === 'number' ? r.time : undefined);
      return;
    }
    const m = this.ctx.statsOf(id, r);
    const count = m.count;
    const y = count === 0 ? 0 : standardizeProvisional(v - m.mean, m.mean, m.variance, false);
    const zero = count === 0 || isZeroSpread(Math.sqrt(m.variance), m.mean);
    const t = r.time;
    if (!this.s.byTime) m.update(v);
    else if (typeof t === 'number' && t - t === 0) {
      const before = m.outOfOrder;
      m.update(v, t);
      if (m.outOfOrder !== before) diag.count(id, 'outOfOrder');
    } else diag.count(id, 'missingTime');
    const flag = zero ? 'zero-spread' : count < this.s.warmup ? 'provisional' : undefined;
    if (flag === undefined) this.emit({ series: id, raw: v, value: y, time: t, tags: r.tags, phase: 'fitting', version: 0 });
    else this.emit({ series: id, raw: v, value: y, time: t, tags: r.tags, phase: 'fitting', version: 0, flag });
  }
}

/** Whether stored moments were made with `o` (a restored series with other weights is refused). */
export function sameMoments(m: ExpMoments, o: ExpMomentsOptions): boolean {
  return m.alpha === o.alpha && m.halfLife === o.halfLife && m.adjust === o.adjust;
}
