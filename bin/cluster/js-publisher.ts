import { createInbox, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** What JetStream answered to one publish. */
export interface StoredAck {
  seq: number;
  /** JetStream had this message id already (within the stream's duplicate window). */
  duplicate: boolean;
}

/**
 * JetStream publishes without the client's request machinery: each message goes out with a reply
 * subject under one inbox of this publisher, the stream's acknowledgement is matched by that
 * subject, and one timer every half second fails what waited longer than `timeoutMs`. The NATS
 * client's `js.publish` builds two error objects with stack traces, a timer and a promise per
 * message, and that was a third of a worker's CPU (docs/scale-out.md). A publish nobody stores
 * (no stream for the subject) is never answered, so it fails by the timeout, and is retried by
 * the caller.
 */
export class JsPublisher {
  private readonly inbox = createInbox();
  private readonly waiting = new Map<string, { resolve: (a: StoredAck) => void; reject: (e: Error) => void; at: number }>();
  private next = 0;
  private readonly sub: Subscription;
  private readonly sweep: ReturnType<typeof setInterval>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5_000,
  ) {
    const prefix = this.inbox.length + 1;
    this.sub = nc.subscribe(`${this.inbox}.*`, {
      callback: (_err, m) => {
        const id = m.subject.slice(prefix);
        const w = this.waiting.get(id);
        if (w === undefined) return;
        this.waiting.delete(id);
        let ack: { seq?: number; duplicate?: boolean; error?: { description?: string; err_code?: number; code?: number } };
        try {
          ack = m.json();
        } catch {
          return w.reject(new Error(`not a JetStream acknowledgement: ${m.string().slice(0, 80)}`));
        }
        if (ack.error !== undefined) w.reject(new Error(`JetStream refused the message: ${ack.error.description ?? 'unknown'} (${ack.error.err_code ?? ack.error.code ?? '?'})`));
        else w.resolve({ seq: ack.seq ?? 0, duplicate: ack.duplicate === true });
      },
    });
    this.sweep = setInterval(() => {
      const limit = Date.now() - this.timeoutMs;
      for (const [id, w] of this.waiting) {
        if (w.at > limit) continue;
        this.waiting.delete(id);
        w.reject(new Error(`no acknowledgement within ${this.timeoutMs} ms (no stream for the subject, or no quorum)`));
      }
    }, 500);
    this.sweep.unref();
  }

  /** Publishes one message (with a message id for JetStream's duplicate detection when given); resolves with the stream's acknowledgement. */
  publish(subject: string, payload: string | Uint8Array, msgID?: string): Promise<StoredAck> {
    const id = (this.next++).toString(36);
    return new Promise<StoredAck>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, at: Date.now() });
      let h;
      if (msgID !== undefined) {
        h = headers();
        h.set('Nats-Msg-Id', msgID);
      }
      try {
        this.nc.publish(subject, payload, h === undefined ? { reply: `${this.inbox}.${id}` } : { reply: `${this.inbox}.${id}`, headers: h });
      } catch (e) {
        this.waiting.delete(id);
        reject(e as Error);
      }
    });
  }

  /** Stops matching acknowledgements; publishes still waiting fail. */
  close(): void {
    clearInterval(this.sweep);
    this.sub.unsubscribe();
    for (const w of this.waiting.values()) w.reject(new Error('publisher closed'));
    this.waiting.clear();
  }
}
