import { CliError } from './args.js';

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed config with environment
 * variables (`$${...}` escapes a literal `${`). An unset variable without a default is an error
 * naming the variable and where it is used, so a missing credential never becomes an empty string.
 */
export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, path = 'config'): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (whole, name: string, fallback: string | undefined) => {
      if (whole.startsWith('$$')) return whole.slice(1);
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new CliError(`${path}: environment variable ${name} is not set (use \${${name}:-default} for a default)`);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, `${path}.${k}`)]));
  }
  return value;
}
