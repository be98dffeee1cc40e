import { z } from 'zod';
import { durationMs } from './args.js';

/**
 * The building blocks of the config schema (zod 4), each with the message its errors carry. A
 * message that starts with "expected" gets ", got <the value>" appended by {@link formatIssues}.
 */

/** A mapping that refuses unknown keys, naming the keys it knows. */
export function section<S extends z.core.$ZodLooseShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown key; expected one of ${known}` : iss.code === 'invalid_type' && iss.input !== undefined ? 'expected a mapping (key: value)' : undefined),
  });
}

/** A non-empty string. */
export const text = z.string().min(1, { error: 'expected a non-empty string' });

/** An optional string where an empty one (e.g. `${TOKEN:-}`) counts as absent. */
export const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/** An integer >= min. */
export function integer(min: number) {
  const error = `expected an integer >= ${min}`;
  return z.int({ error: (iss) => (iss.input === undefined ? undefined : error) }).min(min, { error });
}

/** One string or a non-empty list of strings, as a list. */
export const stringList = z
  .union([z.string(), z.array(z.string()).min(1)], { error: 'expected a string or a non-empty list of strings' })
  .transform((v) => (typeof v === 'string' ? [v] : v));

/** A duration: `500ms`, `30s`, `5m`, `1h`, `1d`, or a number of ms; gives ms. */
export const duration = z.union([z.number().min(0), z.string()], { error: 'expected a duration like 500ms, 30s, 5m, 1h or a number of ms' }).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : durationMs(v);
  if (ms === undefined) {
    ctx.issues.push({ code: 'custom', message: 'expected a duration like 500ms, 30s, 5m, 1h or a number of ms', input: v });
    return z.NEVER;
  }
  return ms;
});

/** A time: an RFC 3339 string or ms since the epoch. */
export const time = z.union([z.number(), z.string().refine((s) => !Number.isNaN(Date.parse(s)), { error: 'expected an RFC 3339 time such as 2026-11-01T00:00:00Z' })], {
  error: (iss) => (typeof iss.input === 'string' ? undefined : 'expected an RFC 3339 time or ms since the epoch'),
});

/** MQTT QoS. */
export const qos = z.literal([0, 1, 2]);

/** Keys whose value is undefined left out, so options objects hold only what the config gave. */
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The message of a union whose branches are formatted one by one (see {@link formatIssues}). */
const UNION = '\u0000union';

/** Messages for issues no schema gave its own: every one names what was expected. */
export const baseErrors: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? 'required' : `expected ${NOUNS[iss.expected] ?? iss.expected}`;
    case 'invalid_value':
      return iss.values.length === 1 ? `expected ${String(iss.values[0])}` : `expected one of ${iss.values.join(', ')}`;
    case 'too_small':
      return iss.origin === 'array' ? `expected at least ${String(iss.minimum)} item${iss.minimum === 1 ? '' : 's'}` : `expected a number >= ${String(iss.minimum)}`;
    case 'too_big':
      return iss.origin === 'array' ? `expected at most ${String(iss.maximum)} items` : `expected a number <= ${String(iss.maximum)}`;
    case 'invalid_union':
      return UNION;
    default:
      return undefined;
  }
};

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  record: 'a mapping (key: value)',
  tuple: 'a list',
};

type Issue = z.core.$ZodIssue;

/**
 * One line per problem: `config.a.b[2].c: <message>[, got <value>]`. Of a union whose branches all
 * failed, the branch that got furthest into the value speaks (a type mismatch at the union's own
 * level is the last resort): `freeze: { afterSamples: 0 }` says what is wrong with afterSamples,
 * not that it is not "never".
 */
export function formatIssues(issues: readonly Issue[], root = 'config'): string[] {
  return issues.map((i) => formatIssue(i, [], root));
}

function formatIssue(issue: Issue, prefix: readonly PropertyKey[], root: string): string {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.message === UNION) {
    if (issue.errors.length === 0 && 'discriminator' in issue) {
      const input = (issue as { input?: unknown }).input;
      const value = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[String(issue.discriminator)] : undefined;
      const options = (issue as { options?: unknown[] }).options ?? [];
      return `${where(root, path)}: ${value === undefined ? 'required' : `expected one of ${options.join(', ')}, got ${describe(value)}`}`;
    }
    const branch = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0];
    if (branch?.[0]) return formatIssue(branch[0], path, root);
  }
  if (issue.code === 'unrecognized_keys') return `${where(root, [...path, issue.keys[0] as string])}: ${issue.message}`;
  const secret = path.some((k) => typeof k === 'string' && SECRET_KEYS.has(k));
  const hasInput = 'input' in issue && issue.input !== undefined && !secret;
  const got = hasInput && issue.message.startsWith('expected') ? `, got ${describe((issue as { input: unknown }).input)}` : '';
  return `${where(root, path)}: ${issue.message}${got}`;
}

/** How far a branch got: the depth of its first issue, a type or value mismatch at its top counting least. */
function depth(branch: readonly Issue[]): number {
  const first = branch[0];
  if (!first) return -1;
  const mismatch = first.path.length === 0 && (first.code === 'invalid_type' || (first.code === 'invalid_union' && first.message === UNION));
  const valueMismatch = first.path.length === 0 && first.code === 'invalid_value';
  return first.path.length * 4 + (mismatch ? 0 : valueMismatch ? 1 : 2);
}

function where(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : `${s}.${String(k)}`), root);
}

/** Keys whose values an error message never shows. */
const SECRET_KEYS = new Set(['password', 'token']);

/**
 * A URL with its password (and a user's name) masked, for messages: `mqtt://u:s3cret@host` gives
 * `mqtt://***:***@host`. Other text is returned unchanged.
 */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@/gi, (_, scheme: string) => `${scheme}***:***@`);
}

/** A value as an error message shows it. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(redactUrl(v));
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${String(v)}`;
}
