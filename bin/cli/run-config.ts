import { baseErrors, formatIssues } from './schema-kit.js';
import { CliError } from './args.js';
import { runConfigSchema, type ClusterRunConfig, type RunConfig } from './config-schema.js';

export type { InfluxReadConfig, RunConfig, ClusterRunConfig } from './config-schema.js';

/**
 * Checks a parsed config document against {@link runConfigSchema} and returns the
 * {@link RunConfig}. Throws a {@link CliError} (exit code 2) with one line per problem, each naming
 * the key path and what was expected: `config.normalize.freeze.afterSamples: expected an integer
 * >= 1, got number 0`. Unknown keys are refused in every section.
 */
export function readRunConfig(doc: unknown): RunConfig | ClusterRunConfig {
  const r = runConfigSchema.safeParse(doc, { error: baseErrors, reportInput: true });
  if (r.success) return r.data;
  throw new CliError(formatIssues(r.error.issues).join('\n'));
}
