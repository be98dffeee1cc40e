/** Throws an `Error` saying which field of a document is wrong and what was expected. */
export function fail(where: string, what: string): never {
  throw new Error(`${where} ${what}`);
}

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
