import { parseArgs } from 'node:util';

/** The flags a command takes, as `node:util` `parseArgs` wants them (`--name` and an optional `-x`). */
export type FlagOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** How a command is called: its help text, its flags and how many positional words it takes. */
export interface CommandUsage {
  help: string;
  flags: FlagOptions;
  /** Positional words the command takes (default none), and what they are called in errors. */
  positionals?: { min: number; max: number; name?: string };
}

/** A parsed command line: positional words and flag values (a string, or true for a switch). */
export interface ParsedArgs {
  positionals: string[];
  values: Readonly<Record<string, string | boolean | undefined>>;
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

/**
 * Parses a command's arguments with `node:util` `parseArgs` in strict mode: an unknown flag, a
 * flag without its value, a value given to a switch, and positional words beyond what the
 * command takes are each a {@link CliError} (exit code 2) naming the flag or word. `--` ends the
 * flags. Help (`--help`, `-h`) is handled before this, so it works whatever else is on the line.
 */
export function parseCommandArgs(command: string, argv: readonly string[], usage: CommandUsage): ParsedArgs {
  const { min, max, name = 'an argument' } = usage.positionals ?? { min: 0, max: 0 };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, usage.flags), options: usage.flags, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (e) {
    throw new CliError(`${command}: ${describeParseError(e as Error & { code?: string })} (see streamnorm ${command} --help)`);
  }
  const { positionals, values } = parsed;
  if (positionals.length > max) throw new CliError(`${command}: unexpected argument ${JSON.stringify(positionals[max])} (see streamnorm ${command} --help)`);
  if (positionals.length < min) throw new CliError(`${command}: give ${name} (see streamnorm ${command} --help)`);
  return { positionals, values };
}

/**
 * `--feature-range -1,1` as `--feature-range=-1,1`: `parseArgs` takes a value that starts with a
 * dash for a flag, but no flag starts with a digit, so a negative number is always a value.
 */
function joinNegativeValues(argv: readonly string[], flags: FlagOptions): string[] {
  const takesValue = new Set<string>();
  for (const [name, f] of Object.entries(flags)) {
    if (f.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (f.short) takesValue.add(`-${f.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (takesValue.has(arg) && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** One line naming the flag from a `parseArgs` error. */
function describeParseError(e: Error & { code?: string }): string {
  const flag = /'(-[^' ,]+)(?:, (--[^' ]+))?/.exec(e.message);
  const name = flag?.[2] ?? flag?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${name}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(e.message)) return `${name} takes no value`;
      if (/ambiguous/.test(e.message)) return `${name} needs a value (for a value that starts with '-', write ${name}=VALUE)`;
      return `${name} needs a value`;
    default:
      return e.message.split('\n')[0] as string;
  }
}

/** A string flag, or `fallback`. */
export function stringOption(args: ParsedArgs, name: string, fallback?: string): string | undefined {
  const v = args.values[name];
  if (v === true || v === false) throw new CliError(`--${name} needs a value`);
  return v ?? fallback;
}

/** Whether a switch was given. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A duration flag such as `30s`, `500ms`, `2m`, `1h` or a plain number of ms. */
export function durationOption(args: ParsedArgs, name: string, fallbackMs?: number): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return fallbackMs;
  return parseDuration(v, `--${name}`);
}

/** Parses `30s`, `500ms`, `2m`, `1h`, `1d` or a plain number (ms). */
export function parseDuration(text: string, what: string): number {
  const ms = durationMs(text);
  if (ms === undefined) throw new CliError(`${what}: expected a duration like 500ms, 30s, 5m or 1h, got ${JSON.stringify(text)}`);
  return ms;
}

/** Milliseconds of `500ms`, `30s`, `5m`, `1h`, `1d` or a plain number of ms (spaces allowed before the unit); undefined otherwise. */
export function durationMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
}

/** An integer flag >= min. */
export function intOption(args: ParsedArgs, name: string, fallback: number, min = 0): number {
  const v = stringOption(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new CliError(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}
