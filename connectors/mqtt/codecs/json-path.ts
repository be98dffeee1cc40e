/**
 * Reads the value at a dotted path in parsed JSON: `a.b.c`, with `[n]` or a numeric segment for
 * array elements (`readings[0].v`, `readings.0.v`). The empty path is the document itself.
 * Returns undefined when any step is missing or not a container.
 *
 * @example
 * ```ts
 * import { readJsonPath } from 'streamnorm/mqtt';
 * readJsonPath({ m: { t: [20, 21.5] } }, 'm.t[1]'); // => 21.5
 * readJsonPath({ m: 1 }, 'm.x'); // => undefined
 * ```
 */
export function readJsonPath(doc: unknown, path: string): unknown {
  if (path === '') return doc;
  let node: unknown = doc;
  for (const key of splitPath(path)) {
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(key)) return undefined;
      node = node[Number(key)];
    } else {
      node = Object.prototype.hasOwnProperty.call(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return node;
}

/** Splits `a.b[0].c` into `['a', 'b', '0', 'c']`. */
export function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((k) => k !== '');
}
