import { Subject } from 'rxjs';
import { z } from 'zod';
import type { DriftOptions, NormalizeOptions, RefitPolicy, SeriesStoreOptions } from '../../operators/index.js';
import { defined, duration, integer, section } from './schema-kit.js';

/**
 * The run config's `drift:` section: the alarms every frozen series runs against its frozen
 * statistics, as the store's `drift` option (`false` turns them off):
 *
 * ```yaml
 * drift:
 *   cusum: { k: 0.5, h: 10, clip: 4 }  # allowance, decision interval and z limit, in σ (the defaults)
 *   ar1: false                  # whiten autocorrelated sensors with an AR(1) fitted in the window
 *   stuckAfter: 30              # equal readings in a row that make a stuck alarm (0: off)
 *   cooldown: 100               # readings after a freeze or promotion before alarms count
 *   psi: { window: 1000 }       # the shape check (PSI of tumbling windows), opt-in
 *   keepVersions: 3             # versions kept per series for inverses of older outputs
 * ```
 */
export const driftSchema = z.union([
  z.literal(false),
  section({
    cusum: section({ k: z.number().min(0).optional(), h: z.number().positive({ error: 'expected a number > 0' }).optional(), clip: z.number().positive({ error: 'expected a number > 0' }).optional() }).optional(),
    ar1: z.boolean().optional(),
    stuckAfter: integer(0).optional(),
    cooldown: integer(0).optional(),
    psi: z.union([z.boolean(), section({ window: integer(10).optional() })]).optional(),
    keepVersions: integer(1).optional(),
  }),
], { error: (iss) => (typeof iss.input === 'object' && iss.input !== null ? undefined : 'expected false or a mapping of drift options') }).transform((d): { drift: DriftOptions | false; keepVersions?: number } => {
  if (d === false) return { drift: false };
  const { keepVersions, cusum, ...rest } = d;
  return defined({ drift: defined({ ...rest, cusum: cusum && defined(cusum) }) as DriftOptions, keepVersions });
});

/**
 * The run config's `refit:` section: when frozen series refit (a shadow fit beside the serving
 * statistics, promoted as the next version), as `normalize`'s `refit` option:
 *
 * ```yaml
 * refit:
 *   onAlarm: true               # or a list of kinds: [cusum, psi, stuck]; default false
 *   every: 7d                   # a scheduled refit, in event time since the latest freeze
 *   approval: true              # promotions wait for approval (the dashboard's Approve button)
 * ```
 */
export const refitSchema = section({
  onAlarm: z.union([z.boolean(), z.array(z.enum(['cusum', 'psi', 'stuck'])).min(1)]).optional(),
  every: duration.optional(),
  approval: z.boolean().optional(),
}).transform((r): RefitPolicy & { approve: boolean } => defined({ onAlarm: r.onAlarm, everyMs: r.every, approve: r.approval === true }));

/**
 * The one translation of the config's `drift:` and `refit:` sections (and `normalize.idleEvict`)
 * into a store's options and `normalize`'s: eviction and drift are the store's; the refit policy
 * goes into normalize, and with `approval` promotions wait for `store.approve` (the dashboard's
 * Approve button, or a cluster worker's approve subject).
 */
export function lifecycleOptions(config: { normalize: NormalizeOptions; drift?: z.output<typeof driftSchema>; refit?: z.output<typeof refitSchema> }): { normalize: NormalizeOptions; store: SeriesStoreOptions } {
  const { idleEvictMs, ...normalize } = config.normalize;
  const refit = config.refit;
  return {
    normalize: refit === undefined ? normalize : { ...normalize, refit: defined({ onAlarm: refit.onAlarm, everyMs: refit.everyMs, approval: refit.approve ? new Subject<never>() : undefined }) },
    store: { ...(idleEvictMs === undefined ? {} : { idleEvictMs }), ...config.drift },
  };
}
