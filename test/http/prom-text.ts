/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests.
 *
 * Written here rather than taken from npm: prom-client's own parser is not public, and the npm
 * parsers (parse-prometheus-text-format, last released years ago) are lenient by design: they
 * accept what a scraper would refuse. This one throws, naming the line, on anything the format
 * does not allow: a bad metric or label name, a bad escape or value, a TYPE after samples of its
 * family or given twice, a HELP given twice, a family whose samples are not contiguous, the same
 * series twice, sample names that do not fit the family's type (histogram/summary suffixes,
 * `le`/`quantile` labels), a negative counter, and a text that does not end with a newline.
 */

/** One sample line. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family. */
export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: Sample[];
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** A value as Go's strconv.ParseFloat reads it (the format says so): NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(text: string, where: string): number {
  if (/^nan$/i.test(text)) return NaN;
  const inf = /^([-+]?)inf(inity)?$/i.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

/** Parses `{a="x",b="y"}` starting at `s[i] === '{'`; returns the labels and the index after `}`. */
function parseLabels(s: string, i: number, where: string): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    if (s[i] === '}') return [labels, i + 1];
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without =`);
    const name = s.slice(i, eq);
    if (!LABEL.test(name) || name.startsWith('__')) throw new Error(`${where}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`${where}: label ${name} twice`);
    if (s[eq + 1] !== '"') throw new Error(`${where}: label value not quoted`);
    let j = eq + 2;
    let value = '';
    for (;;) {
      const c = s[j];
      if (c === undefined) throw new Error(`${where}: unterminated label value`);
      if (c === '"') break;
      if (c === '\\') {
        const e = s[j + 1];
        if (e === '\\') value += '\\';
        else if (e === '"') value += '"';
        else if (e === 'n') value += '\n';
        else throw new Error(`${where}: bad escape \\${e}`);
        j += 2;
        continue;
      }
      value += c;
      j++;
    }
    labels[name] = value;
    i = j + 1;
    if (s[i] === ',') i++;
    else if (s[i] !== '}') throw new Error(`${where}: expected , or } after a label`);
  }
}

/** The family a sample name belongs to, given the families declared so far. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  if (families.has(name)) return families.get(name);
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const f = families.get(name.slice(0, -suffix.length));
    if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f;
  }
  return undefined;
}

/** Parses an exposition; throws on the first violation. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const closed = new Set<string>();
  let current: string | undefined;
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, n) => {
    const where = `line ${n + 1}`;
    if (line.trim() === '') return;
    const declare = (name: string): Family => {
      if (!METRIC.test(name)) throw new Error(`${where}: bad metric name ${JSON.stringify(name)}`);
      if (closed.has(name)) throw new Error(`${where}: ${name} declared after its samples ended`);
      let f = families.get(name);
      if (f === undefined) families.set(name, (f = { name, type: 'untyped', samples: [] }));
      if (current !== name && current !== undefined) closed.add(current);
      current = name;
      return f;
    };
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      const f = declare(meta[2] as string);
      if (meta[1] === 'HELP') {
        if (f.help !== undefined) throw new Error(`${where}: HELP twice for ${f.name}`);
        f.help = (meta[3] ?? '').replace(/\\(.)/g, (_, c: string) => {
          if (c === 'n') return '\n';
          if (c === '\\') return '\\';
          throw new Error(`${where}: bad escape in HELP`);
        });
      } else {
        if (f.samples.length > 0) throw new Error(`${where}: TYPE after samples of ${f.name}`);
        if ((f as { typed?: boolean }).typed) throw new Error(`${where}: TYPE twice for ${f.name}`);
        if (!TYPES.has(meta[3] ?? '')) throw new Error(`${where}: unknown type ${meta[3]}`);
        f.type = meta[3] as Family['type'];
        (f as { typed?: boolean }).typed = true;
      }
      return;
    }
    if (line.startsWith('#')) return; // a comment
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`${where}: not a sample: ${JSON.stringify(line)}`);
    const name = line.slice(0, nameEnd);
    if (!METRIC.test(name)) throw new Error(`${where}: bad metric name ${JSON.stringify(name)}`);
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (line[i] === '{') [labels, i] = parseLabels(line, i, where);
    if (line[i] !== ' ') throw new Error(`${where}: expected a space before the value`);
    const parts = line.slice(i + 1).split(' ');
    if (parts.length > 2 || parts[0] === '') throw new Error(`${where}: expected a value and an optional timestamp`);
    const value = parseValue(parts[0] as string, where);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`${where}: bad timestamp`);
    const f = familyOf(name, families) ?? declare(name);
    if (current !== f.name) {
      if (closed.has(f.name)) throw new Error(`${where}: samples of ${f.name} are not contiguous`);
      if (current !== undefined) closed.add(current);
      current = f.name;
    }
    if (f.type === 'histogram' && name.endsWith('_bucket') && labels.le === undefined) throw new Error(`${where}: bucket without le`);
    if (f.type === 'counter' && (value < 0 || Number.isNaN(value))) throw new Error(`${where}: counter ${name} is ${value}`);
    if ((f.type === 'counter' || f.type === 'gauge') && name !== f.name) throw new Error(`${where}: sample ${name} in family ${f.name}`);
    const key = `${name}{${Object.entries(labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seen.has(key)) throw new Error(`${where}: series ${key} twice`);
    seen.add(key);
    f.samples.push({ name, labels, value });
  });
  return families;
}

/** The value of one series (`labels` must match exactly), or undefined. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const f = familyOf(name, families);
  const want = JSON.stringify(Object.entries(labels).sort());
  return f?.samples.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want)?.value;
}
