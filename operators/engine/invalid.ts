import type { Normalized, OutputPhase, Reading } from '../../src/reading.js';
import type { InvalidReason } from '../../src/values.js';
import { InvalidReadingError } from '../errors.js';
import type { Diagnostics } from '../store/diagnostics.js';
import type { InvalidPolicy } from '../types.js';

/**
 * The invalid-value policy of every operator, in one place: counts the refused reading by series
 * and reason, then drops it, emits it flagged (value NaN, `flag: 'invalid'`, `reason`, with
 * `phase` and `version`) or throws an {@link InvalidReadingError}.
 */
export function refuseInvalid(
  r: Reading,
  id: string,
  reason: InvalidReason,
  policy: InvalidPolicy,
  diag: Diagnostics,
  emit: (n: Normalized) => void,
  phase: OutputPhase,
  version: number,
): void {
  diag.invalid(id, reason, policy === 'drop');
  if (policy === 'error') throw new InvalidReadingError(id, r.value, reason);
  if (policy === 'flag') emit({ series: id, raw: r.value, value: NaN, time: r.time, tags: r.tags, phase, version, flag: 'invalid', reason });
}
