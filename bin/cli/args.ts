/** Parsed command line: positional words and `--name value` / `--name=value` / `--flag` options. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

/**
 * Parses argv (without node and script). `--` ends options. A `--name` followed by a word that
 * does not start with `--` takes it as its value, unless `name` is listed in `flags`.
 */
export function parseArgs(argv: readonly string[], flags: ReadonlySet<string> = new Set()): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) {
        options.set(arg.slice(2, eq), arg.slice(eq + 1));
        continue;
      }
      const name = arg.slice(2);
      const next = argv[i + 1];
      if (!flags.has(name) && next !== undefined && !next.startsWith('--')) {
        options.set(name, next);
        i++;
      } else {
        options.set(name, true);
      }
    } else if (arg === '-h') {
      options.set('help', true);
    } else {
      positional.push(arg);
    }
  }
  return { positional, options };
}

/** An error the CLI prints as one line (no stack) and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A string option, or `fallback`; throws a {@link CliError} if given as a bare flag. */
export function stringOption(args: ParsedArgs, name: string, fallback?: string): string | undefined {
  const v = args.options.get(name);
  if (v === true) throw new CliError(`--${name} needs a value`);
  return v ?? fallback;
}

/** A duration option such as `30s`, `500ms`, `2m`, `1h` or a plain number of ms. */
export function durationOption(args: ParsedArgs, name: string, fallbackMs?: number): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return fallbackMs;
  return parseDuration(v, `--${name}`);
}

/** Parses `30s`, `500ms`, `2m`, `1h`, `1d` or a plain number (ms). */
export function parseDuration(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new CliError(`${what}: expected a duration like 500ms, 30s, 5m or 1h, got ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return n * unit;
}

/** An integer option >= min. */
export function intOption(args: ParsedArgs, name: string, fallback: number, min = 0): number {
  const v = stringOption(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}
