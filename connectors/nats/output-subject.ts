import type { Normalized } from '../../src/reading.js';
import { fillTemplate } from '../mqtt/topic-template.js';
import { encodeSeriesKey } from './key-codec.js';

/**
 * The subject a normalized reading is published to: a template with `{series}` and any tag, each
 * value written as one token by {@link encodeSeriesKey} (so `site1/t` becomes `site1_2Ft`, and no
 * value can add a level or a wildcard); or the reason it cannot be made.
 *
 * @example
 * ```ts
 * import { outputSubject } from 'streamnorm/nats';
 * outputSubject('normalized.{series}', { series: 'site1/t', raw: 1, value: 0, phase: 'frozen', version: 1 }); // => 'normalized.site1_2Ft'
 * outputSubject('normalized.{site}', { series: 's', raw: 1, value: 0, phase: 'frozen', version: 1 }); // => { problem: 'subject template needs {site}' }
 * ```
 */
export function outputSubject(template: string, n: Normalized): string | { problem: string } {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...n.tags, series: n.series })) if (v !== '') values[k] = encodeSeriesKey(v);
  const subject = fillTemplate(template, values);
  return typeof subject === 'string' ? subject : { problem: `subject template needs {${subject.missing}}` };
}
