import type { IClientPublishOptions, MqttClient } from 'mqtt';

/** The outcome of one publish: `error` is absent when the broker acknowledged it (QoS 1/2) or it was written (QoS 0). */
export type PublishDone = (error?: Error & { code?: number | string }) => void;

interface Queued {
  topic: string;
  payload: string | Buffer;
  options: IClientPublishOptions;
  done: PublishDone;
}

/** The most QoS 1/2 publishes one client may have waiting for their acknowledgement. */
export const MAX_INFLIGHT = 65_000;

/**
 * A window over a client's QoS 1/2 publishes: at most `maxInflight` wait for their PUBACK in
 * mqtt.js at once, the rest wait here, in order. mqtt.js gives each QoS 1/2 publish a packet id
 * from 1 to 65 535; past 65 535 unacknowledged publishes (a broker down for a while) it parks
 * further publishes in a queue whose callbacks are lost, so a sender that does not bound its
 * publishes loses messages silently. While the broker is away the publishes in the window wait
 * in the client's outgoing store and are resent after the reconnect. QoS 0 publishes pass
 * through the same queue (one order) without counting against the window.
 */
export class PublishWindow {
  private readonly queue: Queued[] = [];
  private head = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly client: MqttClient,
    private readonly maxInflight = 1000,
  ) {
    if (!Number.isInteger(maxInflight) || maxInflight < 1 || maxInflight > MAX_INFLIGHT) {
      throw new RangeError(`maxInflight must be an integer from 1 to ${MAX_INFLIGHT}, got ${maxInflight}`);
    }
  }

  /** Publishes waiting for their acknowledgement in the client. */
  get inflight(): number {
    return this.inFlight;
  }

  /** Publishes waiting here for room in the window. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Queues one publish; `done` is called once with its outcome. */
  publish(topic: string, payload: string | Buffer, options: IClientPublishOptions, done: PublishDone): void {
    this.queue.push({ topic, payload, options, done });
    this.pump();
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Fails every publish still queued here (not those in the client) with `error`. */
  abandon(error: Error): void {
    while (this.head < this.queue.length) {
      const q = this.queue[this.head] as Queued;
      this.queue[this.head++] = undefined as never;
      q.done(error);
    }
    this.compact();
    this.checkIdle();
  }

  private pump(): void {
    while (this.head < this.queue.length && this.inFlight < this.maxInflight) {
      const q = this.queue[this.head] as Queued;
      this.queue[this.head++] = undefined as never;
      const counted = (q.options.qos ?? 0) > 0;
      if (counted) this.inFlight++;
      let called = false;
      this.client.publish(q.topic, q.payload, q.options, (err) => {
        if (called) return;
        called = true;
        if (counted) this.inFlight--;
        q.done(err ?? undefined);
        this.pump();
        this.checkIdle();
      });
    }
    this.compact();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private checkIdle(): void {
    if (this.inFlight > 0 || this.queued > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
