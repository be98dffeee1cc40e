import type { MqttClient } from 'mqtt';

/**
 * What happens to an MQTT connection, as the connector reports it (nothing is swallowed: every
 * client error arrives here, and fatal ones also fail the stream that uses the connection).
 *
 * - `connect`: CONNACK received; `sessionPresent` tells whether a persistent session resumed.
 * - `close`: the network connection closed (a reconnect follows unless ending or fatal).
 * - `reconnect`: a reconnect attempt is scheduled after `delayMs` (attempt 1, 2, ...).
 * - `protocol-fallback`: the broker refused MQTT 5, retrying with 3.1.1.
 * - `error`: a client error; `fatal` when the connection will not be retried (refused
 *   credentials or authorization, a banned client, or `maxReconnectAttempts` exhausted).
 */
export type MqttEvent =
  | { type: 'connect'; sessionPresent: boolean; protocolVersion: number }
  | { type: 'close' }
  | { type: 'reconnect'; attempt: number; delayMs: number }
  | { type: 'protocol-fallback'; from: 5; to: 4 }
  | { type: 'error'; error: Error; fatal: boolean };

/**
 * Forwards a client's `connect`, `close` and `error` events to `emit` (for a client the user
 * owns, where the connector does not manage reconnects). Returns a function that detaches.
 */
export function watchClient(client: MqttClient, emit: (event: MqttEvent) => void): () => void {
  const onConnect = (packet: { sessionPresent?: boolean }): void =>
    emit({ type: 'connect', sessionPresent: packet.sessionPresent === true, protocolVersion: client.options.protocolVersion ?? 4 });
  const onClose = (): void => emit({ type: 'close' });
  const onError = (error: Error): void => emit({ type: 'error', error, fatal: false });
  client.on('connect', onConnect);
  client.on('close', onClose);
  client.on('error', onError);
  return () => {
    client.off('connect', onConnect);
    client.off('close', onClose);
    client.off('error', onError);
  };
}
