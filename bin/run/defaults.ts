import { Y2K_MS, type NormalizeOptions } from '../../operators/index.js';

/**
 * The bridge's defaults for `normalize` (and `fit --config`'s for its history): redelivered
 * duplicates not learned twice (`late: 'skip'`), times before 2000 or more than a day ahead of the
 * clock not learned (`plausibleTime`). The config's `normalize` section overrides them.
 */
export const BRIDGE_NORMALIZE_DEFAULTS: NormalizeOptions = { late: 'skip', plausibleTime: { min: Y2K_MS, maxAheadMs: 86_400_000 } };
