import { CliError, parseArgs } from './cli/args.js';
import { FIT_HELP, fitCommand } from './commands/fit.js';
import { INSPECT_HELP, inspectCommand } from './commands/inspect.js';
import { COMMANDS, HELP } from './help.js';

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const args = parseArgs(argv, new Set(['help', 'json', 'clip', 'once', 'no-view', 'no-http']));
  const [command, ...rest] = args.positional;
  const wantsHelp = args.options.get('help') === true;
  const sub = { ...args, positional: rest };
  switch (command) {
    case undefined:
    case 'help':
      out(HELP);
      return command === undefined && !wantsHelp ? 2 : 0;
    case 'fit':
      if (wantsHelp) return out(FIT_HELP), 0;
      return fitCommand(sub, out);
    case 'inspect':
      if (wantsHelp) return out(INSPECT_HELP), 0;
      return inspectCommand(sub, out);
    case 'demo': {
      const { DEMO_HELP, demoCommand } = await import('./commands/demo.js');
      if (wantsHelp) return out(DEMO_HELP), 0;
      return demoCommand(sub, out);
    }
    case 'run': {
      const { RUN_HELP, runCommand } = await import('./commands/run.js');
      if (wantsHelp) return out(RUN_HELP), 0;
      return runCommand(sub, out);
    }
    default:
      throw new CliError(`unknown command ${JSON.stringify(command)}; expected one of ${COMMANDS.join(', ')} (see streamnorm --help)`);
  }
}
