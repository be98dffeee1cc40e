import type { MqttClient } from 'mqtt';

/**
 * Acknowledges incoming QoS 1 messages later, in the order they were received, without holding
 * mqtt.js's packet loop.
 *
 * Why this is needed, and the mqtt.js (5.x) mechanism it uses: for a QoS 1 PUBLISH, mqtt.js calls
 * `client.handleMessage(packet, callback)` and reads no further packet until `callback` is called
 * (build/lib/handlers/publish.js; the packet loop's `work`/`nextTickWork` in build/lib/client.js).
 * Called without an error, the callback sends the PUBACK; called *with* an error, it skips the
 * PUBACK and hands the error to the loop's `done`, which ignores it and reads the next packet. So
 * holding the callback until the message's outputs are confirmed allows one message in flight
 * (and keeps PINGRESPs unread, so the keepalive times out: MQTT.js issue #1935), while calling it at
 * once with {@link DEFERRED} keeps the loop going and leaves the acknowledgement to us. The PUBACK
 * is then sent with the client's own packet writer, `_sendPacket({ cmd: 'puback', messageId })`
 * (not part of mqtt.js's typed API; the only writer that keeps its keepalive and topic-alias
 * bookkeeping), and only while the connection that delivered the message is still up: MQTT
 * requires PUBACKs in receipt order (MQTT-4.6.0-2), and a packet id of a closed connection may
 * name another message on the next one. Messages of a closed connection are never acknowledged;
 * the broker sends them again when the persistent session resumes.
 *
 * QoS 0 messages need no acknowledgement and QoS 2 ones are acknowledged by mqtt.js itself
 * (their PUBREC goes out before `handleMessage` runs): both are settled at once.
 */
export const DEFERRED: Error = Object.freeze(new Error('acknowledgement deferred (sent later, in receipt order)')) as Error;

/** One message waiting for its acknowledgement. */
export interface AckTicket {
  readonly messageId: number | undefined;
  readonly qos: number;
  /** The connection it came on (a number that changes at every close). */
  readonly connection: number;
  settled: boolean;
}

/** Counts of {@link ReceiptOrderAcks}. */
export interface AckCounters {
  /** PUBACKs sent. */
  acknowledged: number;
  /** Messages settled after their connection closed: not acknowledged, the broker sends them again. */
  voided: number;
}

/** The acknowledgements of one client, in receipt order (see the file's first comment). */
export class ReceiptOrderAcks {
  readonly counters: AckCounters = { acknowledged: 0, voided: 0 };
  private readonly queue: AckTicket[] = [];
  private head = 0;
  private open = 0;
  private connection = 0;
  private readonly onClose = (): void => {
    this.connection++;
  };

  constructor(private readonly client: MqttClient) {
    client.on('close', this.onClose);
  }

  /** Messages taken and not settled yet. */
  get unsettled(): number {
    return this.open;
  }

  /** Messages taken whose acknowledgement is not sent (or voided) yet, settled or not. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Registers a message at receipt; QoS 0 and 2 tickets need nothing more than settling. */
  take(messageId: number | undefined, qos: number): AckTicket {
    const ticket: AckTicket = { messageId, qos, connection: this.connection, settled: false };
    this.queue.push(ticket);
    this.open++;
    return ticket;
  }

  /** Marks a message done; sends every PUBACK that is now due, in receipt order. Idempotent. */
  settle(ticket: AckTicket): void {
    if (ticket.settled) return;
    ticket.settled = true;
    this.open--;
    while (this.head < this.queue.length && (this.queue[this.head] as AckTicket).settled) {
      const t = this.queue[this.head] as AckTicket;
      this.queue[this.head++] = undefined as never;
      if (t.qos !== 1) continue;
      if (t.connection !== this.connection || !this.client.connected) {
        this.counters.voided++;
        continue;
      }
      (this.client as unknown as { _sendPacket(packet: object): void })._sendPacket({ cmd: 'puback', messageId: t.messageId });
      this.counters.acknowledged++;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Stops listening to the client. */
  detach(): void {
    this.client.off('close', this.onClose);
  }
}
