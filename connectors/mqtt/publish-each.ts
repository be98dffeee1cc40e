import type { IClientPublishOptions, MqttClient } from 'mqtt';
import { Observable, type OperatorFunction } from 'rxjs';
import { checkConnectOptions, createMqttConnection, type MqttConnectOptions, type MqttConnection } from './connection.js';
import type { MqttEvent } from './events.js';
import { PublishWindow } from './publish-window.js';
import { optionKeys, refuseUnknownKeys } from '../../src/options.js';

/** A client to publish with: one you own, or options to build one for the subscription's lifetime. */
export interface PublisherOptions {
  client?: MqttClient;
  connect?: MqttConnectOptions;
  /** Connection events of a built client (transient errors included). */
  onEvent?: (event: MqttEvent) => void;
  /**
   * QoS 1/2 publishes waiting for their acknowledgement at most (default 1000, at most 65 000); the
   * rest wait in order in this sink (mqtt.js loses the callbacks of publishes past 65 535 in flight).
   */
  maxInflight?: number;
}

/** The keys of {@link PublisherOptions}. */
export const PUBLISHER_KEYS = optionKeys<PublisherOptions>({ client: true, connect: true, onEvent: true, maxInflight: true });

/** The outcome of publishing one item. */
export interface PublishAck<T> {
  /** The item published (or not). */
  item: T;
  /** The topic, when one could be made. */
  topic?: string;
  /** True once the broker acknowledged it (QoS 1/2) or it was written to the socket (QoS 0). */
  ok: boolean;
  /** Why not, when `ok` is false. */
  error?: string;
}

/** One message to publish, or why the item cannot be published. */
export type Outgoing = { topic: string; payload: string | Buffer; publish: IClientPublishOptions } | { error: string; topic?: string };

/**
 * The sink machinery: publishes each item of the source and emits one {@link PublishAck} per
 * item, in acknowledgement order, with at most `maxInflight` publishes waiting for the broker (the
 * rest wait here, in order). Completes only after the source completed and every publish in
 * flight was acknowledged (a built client is then ended gracefully). An item that cannot become a
 * message, a QoS 0 publish dropped while offline, and a publish the broker refused (MQTT 5
 * reason code) are acks with `ok: false`; any other publish error (the client was ended) errors
 * the stream. {@link publishNormalized} and {@link publishFrozenStats} are built on it; use it
 * for messages of your own.
 *
 * @example
 * ```ts
 * import { lastValueFrom, of, toArray } from 'rxjs';
 * import { publishEach } from 'streamnorm/mqtt';
 * const toMessage = (n: number) => (n < 0 ? { error: 'negative' } : { topic: `doc/each/${n}`, payload: String(n), publish: { qos: 1 as const } });
 * const acks = await lastValueFrom(of(1, -1).pipe(publishEach({ connect: { url: brokerUrl } }, toMessage), toArray()));
 * acks.map((a) => [a.item, a.ok, a.error]); // => [[-1, false, 'negative'], [1, true, undefined]]
 * ```
 */
export function publishEach<T>(options: PublisherOptions, toMessage: (item: T) => Outgoing): OperatorFunction<T, PublishAck<T>> {
  refuseUnknownKeys(options, PUBLISHER_KEYS, 'publishEach');
  return publishWith(options, toMessage);
}

/** {@link publishEach} for sinks whose options extend {@link PublisherOptions} (they check their own keys). */
export function publishWith<T>(options: PublisherOptions, toMessage: (item: T) => Outgoing): OperatorFunction<T, PublishAck<T>> {
  checkConnectOptions(options.connect, 'MQTT sink: connect');
  if (options.client === undefined && options.connect === undefined) throw new Error('an MQTT sink needs a client or connect options');
  return (source) =>
    new Observable<PublishAck<T>>((subscriber) => {
      let conn: MqttConnection | undefined;
      if (options.client === undefined) {
        conn = createMqttConnection(options.connect as MqttConnectOptions);
        const c = conn;
        c.events$.subscribe((e) => {
          options.onEvent?.(e);
          if (e.type === 'error' && e.fatal) subscriber.error(e.error);
        });
        c.start();
      }
      const client = conn?.client ?? (options.client as MqttClient);
      const window = new PublishWindow(client, options.maxInflight ?? 1000);
      let inFlight = 0;
      let sourceDone = false;
      const finish = (): void => {
        if (!sourceDone || inFlight > 0 || subscriber.closed) return;
        if (conn === undefined) subscriber.complete();
        else conn.end().then(() => subscriber.complete(), (e: Error) => subscriber.error(e));
      };
      const sub = source.subscribe({
        next: (item) => {
          let out: Outgoing;
          try {
            out = toMessage(item);
          } catch (e) {
            out = { error: (e as Error).message };
          }
          if ('error' in out) {
            subscriber.next(out.topic === undefined ? { item, ok: false, error: out.error } : { item, topic: out.topic, ok: false, error: out.error });
            return;
          }
          inFlight += 1;
          window.publish(out.topic, out.payload, out.publish, (err) => {
            inFlight -= 1;
            if (err === undefined || err === null) subscriber.next({ item, topic: out.topic, ok: true });
            else if (out.publish.qos === 0 || typeof (err as { code?: unknown }).code === 'number') {
              subscriber.next({ item, topic: out.topic, ok: false, error: err.message });
            } else {
              subscriber.error(new Error(`MQTT publish to ${out.topic} failed: ${err.message}`));
              return;
            }
            finish();
          });
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          sourceDone = true;
          finish();
        },
      });
      return () => {
        sub.unsubscribe();
        if (conn !== undefined) void conn.end();
      };
    });
}
