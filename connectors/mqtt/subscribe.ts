import type { ISubscriptionMap, MqttClient } from 'mqtt';

/** What happened to a subscription request. */
export interface SubscribeOutcome {
  /** The broker granted every filter. */
  granted(): void;
  /** The broker refused a filter (SUBACK failure code): permanent. */
  refused(error: Error): void;
  /** The connection dropped before the SUBACK: retried on the next connect. */
  interrupted(error: Error): void;
}

/**
 * Subscribes `filters` now if the client is connected and on every connect until the broker
 * has granted them once (after that, mqtt.js's `resubscribe` restores them on reconnects). A
 * subscription sent before the first CONNACK would be lost with that connection (a refused
 * MQTT 5 attempt, say), hence the wait. Returns a function that stops trying.
 */
export function subscribeWhenConnected(client: MqttClient, filters: ISubscriptionMap, outcome: SubscribeOutcome): () => void {
  let done = false;
  const names = Object.keys(filters).join(', ');
  const attempt = (): void => {
    if (done) return;
    client.subscribe(filters, (err, grants) => {
      if (done) return;
      if (err) return outcome.interrupted(new Error(`MQTT subscribe to ${names} failed: ${err.message}`));
      const refused = (grants ?? []).filter((g) => g.qos >= 0x80);
      done = true;
      client.off('connect', attempt);
      if (refused.length > 0) outcome.refused(new Error(`MQTT broker refused the subscription to ${refused.map((g) => g.topic).join(', ')}`));
      else outcome.granted();
    });
  };
  client.on('connect', attempt);
  if (client.connected) attempt();
  return () => {
    done = true;
    client.off('connect', attempt);
  };
}
