/**
 * Fills `{name}` placeholders of a template from a table of values. Returns the filled string,
 * or `{ missing }` naming the first placeholder without a value (a value of `''` counts as given).
 *
 * @example
 * ```ts
 * import { fillTemplate } from 'streamnorm/mqtt';
 * fillTemplate('normalized/{site}/{field}', { site: 's1', field: 'temp' }); // => 'normalized/s1/temp'
 * fillTemplate('normalized/{site}', {}); // => { missing: 'site' }
 * ```
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string | undefined>>): string | { missing: string } {
  let missing: string | undefined;
  const out = template.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const v = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
    if (v === undefined) {
      missing ??= name;
      return '';
    }
    return v;
  });
  return missing === undefined ? out : { missing };
}

/**
 * Why a topic name cannot be published to (contains `+`, `#` or NUL, is empty, or is longer
 * than 65 535 bytes), or undefined when it can.
 *
 * @example
 * ```ts
 * import { topicNameProblem } from 'streamnorm/mqtt';
 * topicNameProblem('normalized/s1/temp'); // => undefined
 * topicNameProblem('normalized/+/temp'); // => 'topic "normalized/+/temp" contains a wildcard or NUL'
 * ```
 */
export function topicNameProblem(topic: string): string | undefined {
  if (topic === '') return 'topic is empty';
  if (/[+#]/.test(topic) || topic.includes(String.fromCharCode(0))) return `topic ${JSON.stringify(topic)} contains a wildcard or NUL`;
  if (Buffer.byteLength(topic) > 65_535) return 'topic is longer than 65535 bytes';
  return undefined;
}
