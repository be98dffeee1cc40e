import { startEmbeddedBroker, type EmbeddedBroker } from '../../../bin/demo/embedded-broker.js';

/** An aedes broker on a given port (to bring a broker up where a client already waits). */
export function startAedesOn(port: number): Promise<EmbeddedBroker> {
  return startEmbeddedBroker(port);
}
