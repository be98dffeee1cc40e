import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CliError } from './args.js';
import { substituteEnv } from './env-substitution.js';

/**
 * Reads a config file (.json, .yaml or .yml), substitutes `${VAR}` / `${VAR:-default}` from the
 * environment, and returns the plain object. Errors name the file and, for syntax errors, the line.
 */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`config ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new CliError(`config ${path}: not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new CliError(`config ${path}: expected a mapping at the top level`);
  return substituteEnv(doc, env) as Record<string, unknown>;
}
