import type { Normalized, OutputPhase, Reading } from '../../src/reading.js';
import { invalidReason } from '../../src/values.js';
import type { Diagnostics } from '../diagnostics.js';
import { InvalidReadingError } from '../errors.js';
import type { InvalidPolicy } from '../types.js';

/**
 * The invalid-value policy of the running-statistics operators (`batchNorm`, `ewmNormalize`):
 * returns the value when it is a finite number; otherwise counts it, and drops it, emits it flagged
 * (`phase`, `version`) or throws an {@link InvalidReadingError}, and returns undefined.
 */
export function acceptOrRefuse(
  r: Reading,
  id: string,
  policy: InvalidPolicy,
  diag: Diagnostics,
  emit: (n: Normalized) => void,
  phase: OutputPhase,
  version: number,
): number | undefined {
  const x = r.value;
  const reason = invalidReason(x);
  if (reason === undefined) return x as number;
  diag.invalid(id, reason, policy === 'drop');
  if (policy === 'error') throw new InvalidReadingError(id, x, reason);
  if (policy === 'flag') emit({ series: id, raw: x, value: NaN, time: r.time, tags: r.tags, phase, version, flag: 'invalid', reason });
  return undefined;
}
