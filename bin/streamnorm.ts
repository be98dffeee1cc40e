#!/usr/bin/env node
import { CliError } from './cli/args.js';
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof CliError) {
      process.stderr.write(`streamnorm: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`streamnorm: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
