import { CliError } from './args.js';

/**
 * Reads typed values out of a parsed config object, each error naming the key path and what was
 * expected, and refuses unknown keys (a typo must not silently fall back to a default).
 */
export class ConfigReader {
  constructor(
    readonly value: Record<string, unknown>,
    readonly path: string,
  ) {}

  /** A reader for a nested object, or undefined when absent. */
  static of(value: unknown, path: string): ConfigReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${path}: expected an object, got ${describe(value)}`);
    return new ConfigReader(value as Record<string, unknown>, path);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  object(key: string): ConfigReader | undefined {
    const v = this.value[key];
    return v === undefined ? undefined : ConfigReader.of(v, this.at(key));
  }

  string(key: string, fallback?: string): string | undefined {
    const v = this.value[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'string') throw new CliError(`${this.at(key)}: expected a string, got ${describe(v)}`);
    return v;
  }

  requiredString(key: string): string {
    const v = this.string(key);
    if (v === undefined || v === '') throw new CliError(`${this.at(key)}: required (a string)`);
    return v;
  }

  boolean(key: string, fallback?: boolean): boolean | undefined {
    const v = this.value[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new CliError(`${this.at(key)}: expected true or false, got ${describe(v)}`);
    return v;
  }

  number(key: string, opts: { min?: number; integer?: boolean } = {}): number | undefined {
    const v = this.value[key];
    if (v === undefined) return undefined;
    const ok = typeof v === 'number' && Number.isFinite(v) && (!opts.integer || Number.isInteger(v)) && (opts.min === undefined || v >= opts.min);
    if (!ok) throw new CliError(`${this.at(key)}: expected ${opts.integer ? 'an integer' : 'a number'}${opts.min !== undefined ? ` >= ${opts.min}` : ''}, got ${describe(v)}`);
    return v as number;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T | undefined {
    const v = this.value[key];
    if (v === undefined) return fallback;
    if (!allowed.includes(v as T)) throw new CliError(`${this.at(key)}: expected one of ${allowed.join(', ')}, got ${describe(v)}`);
    return v as T;
  }

  stringList(key: string): string[] | undefined {
    const v = this.value[key];
    if (v === undefined) return undefined;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string')) throw new CliError(`${this.at(key)}: expected a string or a non-empty list of strings, got ${describe(v)}`);
    return list as string[];
  }

  /** A duration: a number of ms or a string like `30s`, `5m`, `1h`. */
  duration(key: string): number | undefined {
    const v = this.value[key];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && v >= 0) return v;
    const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(v.trim()) : null;
    if (!m) throw new CliError(`${this.at(key)}: expected a duration like 500ms, 30s, 5m, 1h or a number of ms, got ${describe(v)}`);
    return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  }

  /** The raw value (validated elsewhere). */
  raw(key: string): unknown {
    return this.value[key];
  }

  /** Throws for any key not in `known`. */
  only(known: readonly string[]): this {
    for (const k of Object.keys(this.value)) {
      if (!known.includes(k)) throw new CliError(`${this.at(k)}: unknown key; expected one of ${known.join(', ')}`);
    }
    return this;
  }

  at(key: string): string {
    return `${this.path}.${key}`;
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
