import type { JsMsg } from '@nats-io/jetstream';
import type { Reading } from '../../src/reading.js';
import { messageReadings, type ReadingRecipe } from '../../connectors/mqtt/index.js';
import { readPartitionSubject } from '../../connectors/nats/subjects.js';
import type { ClusterCounters } from './counters.js';

/**
 * The readings of one message of the partitioned stream: its subject's topic levels and payload,
 * read with the input's topic patterns and codec (the MQTT source's). The receive time (used when
 * a payload has no time) is the time the stream stored the message, so a replay reads the same
 * readings. Unreadable parts are counted, never fatal.
 */
export function readingsOf(msg: Pick<JsMsg, 'subject' | 'data' | 'info'>, prefix: string, recipes: readonly ReadingRecipe[], counters: ClusterCounters): Reading[] {
  const where = readPartitionSubject(prefix, msg.subject);
  const topic = where?.topic ?? msg.subject.split('.').join('/');
  const recipe = recipes.find((r) => r.pattern.match(topic) !== undefined);
  if (recipe === undefined) {
    counters.unmatched++;
    return [];
  }
  const storedAt = Math.floor(Number(msg.info.timestampNanos) / 1e6);
  const { readings, problems } = messageReadings(recipe, topic, msg.data, storedAt);
  counters.malformed += problems.length;
  counters.readings += readings.length;
  return readings;
}
