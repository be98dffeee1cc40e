import type { JsPublisher } from './js-publisher.js';
import type { Normalized } from '../../src/reading.js';
import { encodeNormalized } from '../../connectors/mqtt/normalized-codec.js';
import { outputSubject } from '../../connectors/nats/output-subject.js';
import { backoffDelay, backoffPolicy } from '../../connectors/backoff.js';
import { FencedError } from '../../connectors/nats/leases.js';
import type { ClusterCounters } from './counters.js';

/**
 * Publishes normalized outputs to JetStream, each with a message id made from its input (stream,
 * sequence, index), so an output replayed after a take-over is stored once and counted as a
 * duplicate (JetStream's publish acknowledgement says `duplicate`). Chosen over MQTT outputs:
 * the acknowledgement is the stream's (stored, replicated), and duplicates are recognised by id.
 * A failed publish (no stream, no quorum, a timeout) is retried with backoff until it is
 * confirmed, or until `check` throws (the partition was lost, or the worker stops): then the
 * input is not acknowledged and is delivered again to whoever holds the partition.
 */
export class OutputPublisher {
  private readonly policy = backoffPolicy({ initialMs: 100, maxMs: 5_000 });

  constructor(
    private readonly js: JsPublisher,
    private readonly template: string,
    private readonly counters: ClusterCounters,
  ) {}

  /** Publishes one output; resolves once JetStream stored it (or already had it). */
  async publish(n: Normalized, msgID: string | undefined, check: () => void): Promise<void> {
    const subject = outputSubject(this.template, n);
    if (typeof subject !== 'string') {
      this.counters.unpublishable++;
      return; // counted; it can never be published, so holding its input back would not help
    }
    const payload = encodeNormalized(n);
    for (let attempt = 0; ; attempt++) {
      check();
      try {
        const ack = await this.js.publish(subject, payload, msgID);
        if (ack.duplicate) this.counters.duplicates++;
        else this.counters.published++;
        return;
      } catch (e) {
        this.counters.publishRetries++;
        this.counters.lastError = `publish to ${subject}: ${(e as Error).message}`;
        await new Promise((r) => setTimeout(r, backoffDelay(attempt, this.policy)));
      }
    }
  }
}

/**
 * Runs `write` until it succeeds, with backoff between attempts (a KV write during a leader
 * election, say); `check` runs before each attempt and throws to stop (the lease was lost), as
 * does a {@link FencedError} or a fenced write.
 */
export async function retrying<T>(write: () => Promise<T>, check: () => void, counters: ClusterCounters, what: string): Promise<T> {
  const policy = backoffPolicy({ initialMs: 100, maxMs: 5_000 });
  for (let attempt = 0; ; attempt++) {
    check();
    try {
      return await write();
    } catch (e) {
      if (e instanceof FencedError || /fenced/.test((e as Error).message)) throw e;
      counters.lastError = `${what}: ${(e as Error).message}`;
      await new Promise((r) => setTimeout(r, backoffDelay(attempt, policy)));
    }
  }
}

/**
 * Keeps unacknowledged JetStream messages alive during an output outage: every third of the ack
 * wait, `working()` on each message waiting longer than that, so the server does not redeliver
 * what is still being worked on (no redelivery storm); the bound on unacknowledged messages
 * (max_ack_pending) stops new deliveries meanwhile.
 */
export function keepAlive(pending: () => Iterable<{ msg: { working(): void }; since: number }>, ackWaitMs: number, counters: ClusterCounters): () => void {
  const every = Math.max(500, Math.floor(ackWaitMs / 3));
  const timer = setInterval(() => {
    const limit = Date.now() - every;
    for (const p of pending()) {
      if (p.since <= limit) {
        p.msg.working();
        counters.working++;
      }
    }
  }, every);
  timer.unref();
  return () => clearInterval(timer);
}
