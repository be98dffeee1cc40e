import { startEmbeddedBroker, type EmbeddedBroker } from '../../bin/demo/embedded-broker.js';

/** An embedded aedes broker on 127.0.0.1 (MQTT 3.1.1; no MQTT 5, no shared subscriptions). */
export type AedesBroker = EmbeddedBroker;

/** Starts an in-memory aedes broker on a free port of 127.0.0.1 (the CLI demo's own broker). */
export function startAedes(): Promise<AedesBroker> {
  return startEmbeddedBroker();
}
