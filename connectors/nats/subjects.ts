/**
 * Partitioned subjects: `prefix.<partition>.<the MQTT topic's levels>`. The topic travels whole,
 * so a worker reads a JetStream message with the same topic patterns and codecs as an MQTT
 * source, whichever way the message came in (streamnorm's bridge, or NATS's MQTT listener and
 * the server's mapping).
 */

/** Characters a subject token cannot hold. */
const BAD_TOKEN = /[\s.*>]/;

/**
 * The partitioned subject of an MQTT topic: `prefix.partition.level1.level2…`, or the reason the
 * topic cannot be one (an empty level, or a level with `.`, `*`, `>` or white space, which NATS's
 * MQTT listener refuses too).
 *
 * @example
 * ```ts
 * import { partitionSubject } from 'streamnorm/nats';
 * partitionSubject('part', 7, 'sensors/site1/dev1'); // => 'part.7.sensors.site1.dev1'
 * partitionSubject('part', 7, 'sensors/a b'); // => { problem: 'topic level "a b" cannot be a NATS subject token (no ., *, > or white space)' }
 * ```
 */
export function partitionSubject(prefix: string, partition: number, topic: string): string | { problem: string } {
  const levels = topic.split('/');
  for (const level of levels) {
    if (level === '') return { problem: `topic ${JSON.stringify(topic)} has an empty level` };
    if (BAD_TOKEN.test(level)) return { problem: `topic level ${JSON.stringify(level)} cannot be a NATS subject token (no ., *, > or white space)` };
  }
  return `${prefix}.${partition}.${levels.join('.')}`;
}

/**
 * Reads a partitioned subject back: its partition and the MQTT topic; undefined when the subject
 * is not under `prefix`.
 *
 * @example
 * ```ts
 * import { readPartitionSubject } from 'streamnorm/nats';
 * readPartitionSubject('part', 'part.7.sensors.site1.dev1'); // => { partition: 7, topic: 'sensors/site1/dev1' }
 * ```
 */
export function readPartitionSubject(prefix: string, subject: string): { partition: number; topic: string } | undefined {
  if (!subject.startsWith(`${prefix}.`)) return undefined;
  const rest = subject.slice(prefix.length + 1);
  const dot = rest.indexOf('.');
  if (dot <= 0) return undefined;
  const partition = Number(rest.slice(0, dot));
  if (!Number.isInteger(partition) || partition < 0) return undefined;
  return { partition, topic: rest.slice(dot + 1).split('.').join('/') };
}
