import type { MqttConnectOptions, MqttSourceOptions, ReadingRecipe } from '../../connectors/mqtt/index.js';
import { partitionOf } from '../../connectors/nats/partition.js';
import { partitionSubject } from '../../connectors/nats/subjects.js';
import { backoffDelay, backoffPolicy } from '../../connectors/backoff.js';
import { mqttIntake } from './mqtt-intake.js';
import type { RoleStart } from './roles.js';
import type { RunningRole } from './run-cluster.js';

/** The levels of a topic the pattern's wildcards matched: what the partition is computed from. */
export function wildcardLevels(recipe: ReadingRecipe, topic: string): string[] {
  const filter = recipe.pattern.filter.replace(/^\$share\/[^/]+\//, '').split('/');
  const levels = topic.split('/');
  const out: string[] = [];
  filter.forEach((f, i) => {
    if (f === '+') out.push(levels[i] as string);
    if (f === '#') out.push(...levels.slice(i));
  });
  return out.length > 0 ? out : levels;
}

/**
 * The `bridge` role: brings the readings of an existing MQTT broker into the partitioned stream.
 * Each message goes, payload unchanged, to `prefix.<partition>.<topic levels>`, the partition
 * computed from the levels the topic pattern's wildcards matched exactly as nats-server's
 * `{{partition(P, …)}}` mapping computes it (so devices on NATS's MQTT listener and bridged ones
 * agree); the MQTT message is acknowledged once JetStream stored it. A topic that cannot be a
 * subject is counted as malformed and acknowledged (it can never be stored).
 */
export async function startBridge(s: RoleStart & { mqtt: MqttSourceOptions & { connect: MqttConnectOptions } }): Promise<RunningRole> {
  const { cluster } = s.config;
  const { counters } = s;
  const policy = backoffPolicy({ initialMs: 100, maxMs: 5_000 });
  let stopping = false;
  const intake = mqttIntake(
    s.mqtt,
    (topic, payload, recipe, done) => {
      const subject = partitionSubject(cluster.prefix, partitionOf(wildcardLevels(recipe, topic), s.partitions), topic);
      if (typeof subject !== 'string') {
        counters.malformed++;
        counters.lastError = subject.problem;
        return done();
      }
      const attempt = (n: number): void => {
        if (stopping) return done(new Error('bridge stopping: left for redelivery'));
        s.js.publish(subject, payload, { timeout: 5_000 }).then(
          () => {
            counters.published++;
            counters.acked++;
            done();
          },
          (e: Error) => {
            counters.publishRetries++;
            counters.lastError = `publish to ${subject}: ${e.message}`;
            setTimeout(() => attempt(n + 1), backoffDelay(n, policy));
          },
        );
      };
      attempt(0);
    },
    counters,
  );
  return {
    counters,
    describe: () => `bridge into ${cluster.stream} (${s.partitions} partitions)`,
    stop: async () => {
      stopping = true;
      await intake.stop();
    },
  };
}
