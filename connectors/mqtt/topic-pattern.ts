/**
 * A topic pattern with named wildcards, compiled: the MQTT subscription filter it stands for and a
 * matcher that captures the named levels of a concrete topic.
 */
export interface TopicPattern {
  /** The pattern as written, e.g. `$share/g/sensors/+site/+device/#field`. */
  readonly pattern: string;
  /** The filter to subscribe to: the pattern with the names stripped (`$share/g/sensors/+/+/#`). */
  readonly filter: string;
  /** The shared-subscription group when the pattern starts with `$share/<group>/`, else undefined. */
  readonly shareGroup: string | undefined;
  /** Capture names in the order they appear. */
  readonly names: readonly string[];
  /** Captures of a topic that matches (`{}` when the pattern has no names), or undefined. */
  match(topic: string): Record<string, string> | undefined;
}

type Level = { kind: 'literal'; text: string } | { kind: 'one'; name?: string } | { kind: 'rest'; name?: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Compiles a topic pattern with named wildcards.
 *
 * `+name` captures one level, `#name` the rest of the topic (it must be the last level and
 * captures the remaining levels joined by `/`; an empty rest gives no capture). Bare `+` and `#`
 * match without capturing. A `$share/<group>/` prefix is kept in the subscription filter and
 * stripped for matching, since messages arrive under their real topic. As in MQTT, a filter
 * starting with a wildcard does not match topics starting with `$`.
 *
 * @throws Error for a malformed pattern: a wildcard mixed with text in one level (`a+b`), `#` before
 * the last level, an invalid or repeated name, or an empty `$share` group.
 *
 * @example
 * ```ts
 * import { compileTopicPattern } from 'streamnorm/mqtt';
 * const p = compileTopicPattern('sensors/+site/+device/#field');
 * p.filter; // => 'sensors/+/+/#'
 * p.match('sensors/berlin/d7/temp/inner'); // => { site: 'berlin', device: 'd7', field: 'temp/inner' }
 * p.match('other/berlin'); // => undefined
 * ```
 */
export function compileTopicPattern(pattern: string): TopicPattern {
  let body = pattern;
  let shareGroup: string | undefined;
  let prefix = '';
  if (pattern.startsWith('$share/')) {
    const rest = pattern.slice('$share/'.length);
    const slash = rest.indexOf('/');
    shareGroup = slash < 0 ? rest : rest.slice(0, slash);
    if (slash < 0 || shareGroup === '' || /[+#]/.test(shareGroup) || rest.slice(slash + 1) === '') {
      throw new Error(`topic pattern "${pattern}": $share needs a group and a filter ($share/<group>/<filter>)`);
    }
    prefix = `$share/${shareGroup}/`;
    body = rest.slice(slash + 1);
  }
  const levels = body.split('/').map((text, i, all): Level => parseLevel(pattern, text, i === all.length - 1));
  const names: string[] = [];
  for (const level of levels) {
    if (level.kind !== 'literal' && level.name !== undefined) {
      if (names.includes(level.name)) throw new Error(`topic pattern "${pattern}": name "${level.name}" is used twice`);
      names.push(level.name);
    }
  }
  const filter = prefix + levels.map((l) => (l.kind === 'literal' ? l.text : l.kind === 'one' ? '+' : '#')).join('/');
  return {
    pattern,
    filter,
    shareGroup,
    names,
    match: (topic) => matchLevels(levels, topic),
  };
}

function parseLevel(pattern: string, text: string, last: boolean): Level {
  const head = text[0];
  if (head === '+' || head === '#') {
    const name = text.slice(1);
    if (name !== '' && !NAME.test(name)) {
      throw new Error(`topic pattern "${pattern}": "${text}" is not a wildcard name (letters, digits, _ and -)`);
    }
    if (head === '#' && !last) throw new Error(`topic pattern "${pattern}": # must be the last level`);
    return name === '' ? { kind: head === '+' ? 'one' : 'rest' } : { kind: head === '+' ? 'one' : 'rest', name };
  }
  if (/[+#]/.test(text)) throw new Error(`topic pattern "${pattern}": wildcard inside the level "${text}"`);
  return { kind: 'literal', text };
}

function matchLevels(levels: readonly Level[], topic: string): Record<string, string> | undefined {
  const parts = topic.split('/');
  const captures: Record<string, string> = {};
  const first = levels[0];
  if (topic.startsWith('$') && first !== undefined && first.kind !== 'literal') return undefined;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as Level;
    if (level.kind === 'rest') {
      const rest = parts.slice(i).join('/');
      if (level.name !== undefined && rest !== '') captures[level.name] = rest;
      return captures;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (level.kind === 'literal') {
      if (part !== level.text) return undefined;
    } else if (level.name !== undefined) {
      captures[level.name] = part;
    }
  }
  return parts.length === levels.length ? captures : undefined;
}
