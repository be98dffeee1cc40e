import { CliError, parseCommandArgs, type ParsedArgs } from './cli/args.js';
import { COMMANDS, HELP, USAGE } from './help.js';

type Command = (args: ParsedArgs, out: (line: string) => void) => number | Promise<number>;

/**
 * Each command's code, loaded only when it runs: `--help` and the commands that do not need them
 * work without the packages the others import (mqtt, aedes, @influxdata/influxdb-client).
 */
const LOAD: Record<Exclude<(typeof COMMANDS)[number], 'help'>, () => Promise<Command>> = {
  demo: async () => (await import('./commands/demo.js')).demoCommand,
  run: async () => (await import('./commands/run.js')).runCommand,
  fit: async () => (await import('./commands/fit.js')).fitCommand,
  inspect: async () => (await import('./commands/inspect.js')).inspectCommand,
};

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const end = argv.indexOf('--');
  const wantsHelp = (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) {
    if (wantsHelp || first === undefined) {
      out(HELP);
      return wantsHelp ? 0 : 2;
    }
    throw new CliError(`give a command first (${COMMANDS.join(', ')}), got ${JSON.stringify(first)} (see streamnorm --help)`);
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new CliError(`unknown command ${JSON.stringify(first)}; expected one of ${COMMANDS.join(', ')} (see streamnorm --help)`);
  }
  const command = first as (typeof COMMANDS)[number];
  if (command === 'help') {
    const topic = argv[1];
    out(topic !== undefined && topic in USAGE ? USAGE[topic as keyof typeof USAGE].help : HELP);
    return 0;
  }
  if (wantsHelp) {
    out(USAGE[command].help);
    return 0;
  }
  const args = parseCommandArgs(command, argv.slice(1), USAGE[command]);
  return (await load(command))(args, out);
}

async function load(command: keyof typeof LOAD): Promise<Command> {
  try {
    return await LOAD[command]();
  } catch (e) {
    const missing = /Cannot find (?:package|module) '((?:@[^/']+\/)?[^/']+)/.exec((e as Error).message);
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && missing && !missing[1]!.startsWith('.') && !missing[1]!.startsWith('/')) {
      throw new CliError(`streamnorm ${command} needs the package ${missing[1]}, which is not installed: npm install ${missing[1]}`, 1);
    }
    throw e;
  }
}
