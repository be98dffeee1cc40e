import { connect } from 'mqtt';
import { CliError } from './args.js';
import type { MqttConnectOptions } from '../../connectors/mqtt/index.js';

/**
 * Connects once, without retrying, to say at start-up whether a broker is reachable and accepts
 * the credentials; a {@link CliError} (exit code 4) names the broker and the reason otherwise
 * (refused connection, refused credentials, a broker that closes the connection, a time-out).
 * Once running, the connectors reconnect with backoff instead.
 */
export function checkBroker(options: MqttConnectOptions, timeoutMs = 5000): Promise<void> {
  const protocolVersion = options.protocolVersion === undefined || options.protocolVersion === 'auto' ? 4 : options.protocolVersion;
  return new Promise((resolve, reject) => {
    const client = connect(options.url, {
      clientId: `${options.clientId ?? 'streamnorm'}-check-${process.pid}`,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      protocolVersion,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
    });
    let settled = false;
    const timer = setTimeout(() => fail('no answer'), timeoutMs + 1000);
    function fail(reason: string): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end(true);
      reject(new CliError(`cannot reach the MQTT broker at ${options.url}: ${reason}`, 4));
    }
    client.once('connect', () => {
      settled = true;
      clearTimeout(timer);
      client.end(false, {}, () => resolve());
    });
    client.once('error', (e: Error & { code?: string | number }) => fail(String(e.code ?? e.message)));
    client.once('close', () => fail('the broker closed the connection (credentials refused, or a protocol it does not speak?)'));
  });
}
