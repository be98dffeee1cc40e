/**
 * Refuses an options object with a key that is not in `allowed` (a typo such as `maxSeriez` would
 * otherwise be ignored in silence): throws a `RangeError` naming the key, where it was found and the
 * keys that are allowed. Keys whose value is `undefined` are refused too: they are still typos.

 * (Internal: not exported from the package.)
 */
export function refuseUnknownKeys(options: object | undefined, allowed: readonly string[], where: string): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object') throw new RangeError(`${where}: options must be an object, got ${typeof options}`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new RangeError(`${where}: unknown option '${key}' (expected one of ${allowed.join(', ')})`);
  }
}

/**
 * The keys of an options type, listed once beside the type and kept in step with it by the
 * compiler: a key of `T` missing from `keys`, or a key in `keys` that `T` does not have, does not
 * compile. The list {@link refuseUnknownKeys} checks an options object against.
 *
 * (Internal: not exported from the package.)
 */
export function optionKeys<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}
