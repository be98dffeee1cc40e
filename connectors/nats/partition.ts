/**
 * The partition of a subject, computed as nats-server's `{{partition(n, …)}}` subject mapping
 * computes it (FNV-1a, 32 bits, over the selected tokens concatenated without separators, modulo
 * n), so a reading bridged by streamnorm and one a device publishes through NATS's MQTT listener
 * land in the same partition. Hand-written: the function is a dozen lines and the NATS clients do
 * not export it. The tests check it against the server's mapping.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * The partition (0 … partitions − 1) that nats-server's mapping `{{partition(partitions, …)}}`
 * gives the tokens `tokens` (the wildcard tokens the mapping names, in its order).
 *
 * @throws RangeError for a partition count that is not an integer >= 1.
 *
 * @example
 * ```ts
 * import { partitionOf } from 'streamnorm/nats';
 * // the mapping "part.{{partition(8,1,2)}}.…" of sensors.site1.dev1 is partition 7
 * partitionOf(['site1', 'dev1'], 8); // => 7
 * ```
 */
export function partitionOf(tokens: readonly string[], partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be an integer >= 1, got ${String(partitions)}`);
  let h = FNV_OFFSET;
  for (const token of tokens) {
    for (const b of Buffer.from(token, 'utf8')) {
      h ^= b;
      h = Math.imul(h, FNV_PRIME) >>> 0;
    }
  }
  return (h >>> 0) % partitions;
}

/**
 * The server-side subject mapping that partitions an MQTT topic filter's `+` levels into
 * `prefix.<partition>.<the topic's levels>`, for the `mappings` block of nats-server's configuration (NATS
 * 2.9 reads mappings from its configuration only). Devices publishing to NATS's MQTT listener
 * then land in the partitioned stream as streamnorm's bridge would put them.
 *
 * @throws Error for a filter with `#` or without a `+` level, or a bad partition count.
 *
 * @example
 * ```ts
 * import { partitionMapping } from 'streamnorm/nats';
 * partitionMapping('sensors/+/+', 8); // => { 'sensors.*.*': 'part.{{partition(8,1,2)}}.sensors.{{wildcard(1)}}.{{wildcard(2)}}' }
 * ```
 */
export function partitionMapping(filter: string, partitions: number, prefix = 'part'): Record<string, string> {
  partitionOf([], partitions);
  const levels = filter.split('/').map((l) => (l.startsWith('+') ? '+' : l));
  if (levels.includes('#')) throw new Error(`partition mapping: ${JSON.stringify(filter)} has a # level; name every level with + (the mapping needs a fixed number of tokens)`);
  const wild = levels.flatMap((l, i) => (l === '+' ? [i] : []));
  if (wild.length === 0) throw new Error(`partition mapping: ${JSON.stringify(filter)} has no + level to partition by`);
  const from = levels.map((l) => (l === '+' ? '*' : l)).join('.');
  const args = wild.map((_, k) => k + 1).join(',');
  const to = [prefix, `{{partition(${partitions},${args})}}`, ...levels.map((l, i) => (l === '+' ? `{{wildcard(${wild.indexOf(i) + 1})}}` : l))].join('.');
  return { [from]: to };
}
