import { connect } from 'mqtt';
import { CliError } from './args.js';
import { redactUrl } from './schema-kit.js';
import type { MqttConnectOptions } from '../../connectors/mqtt/index.js';

/** Exit codes of connection failures: unreachable, credentials refused, TLS failed. */
export const EXIT_UNREACHABLE = 4;
export const EXIT_CREDENTIALS = 5;
export const EXIT_TLS = 6;

/** CONNACK return codes (3.1.1) and reason codes (5) that refuse the client's identity, with what they mean. */
const REFUSED: Readonly<Record<number, string>> = {
  2: 'client id rejected',
  4: 'bad user name or password',
  5: 'not authorized',
  133: 'client id not valid',
  134: 'bad user name or password',
  135: 'not authorized',
  138: 'banned',
  140: 'bad authentication method',
};

/** Other CONNACK codes, as words. */
const OTHER: Readonly<Record<number, string>> = { 1: 'unacceptable protocol version', 3: 'server unavailable', 128: 'unspecified error', 132: 'unsupported protocol version', 136: 'server unavailable', 137: 'server busy' };

/** How a connection failed: the kind decides the exit code, `reason` is one line without secrets. */
export interface ConnectFailure {
  kind: 'unreachable' | 'credentials' | 'tls';
  reason: string;
}

/**
 * Classifies an mqtt.js or socket error: a CONNACK that refuses the credentials, a TLS failure
 * (certificate not trusted, expired, wrong host name, handshake refused), or anything else
 * (refused, reset, time-out) as unreachable.
 */
export function classifyConnectError(e: Error & { code?: string | number }): ConnectFailure {
  const code = e.code;
  if (typeof code === 'number') {
    const refused = REFUSED[code];
    if (refused !== undefined) return { kind: 'credentials', reason: `the broker refused the connection: ${refused} (CONNACK ${code})` };
    return { kind: 'unreachable', reason: `the broker refused the connection: ${OTHER[code] ?? 'refused'} (CONNACK ${code})` };
  }
  if (typeof code === 'string' && /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/.test(code)) {
    return { kind: 'tls', reason: `TLS failed: ${code}${e.message && !e.message.includes(code) ? ` (${redactUrl(e.message)})` : ''}` };
  }
  return { kind: 'unreachable', reason: String(code ?? redactUrl(e.message)) };
}

/** The CLI error of a connection failure: exit 4, 5 or 6, the URL without its password. */
export function connectError(url: string, failure: ConnectFailure, what = 'the MQTT broker'): CliError {
  const where = redactUrl(url);
  if (failure.kind === 'credentials') return new CliError(`${what} at ${where} refused the credentials: ${failure.reason}`, EXIT_CREDENTIALS);
  if (failure.kind === 'tls') return new CliError(`${what} at ${where}: ${failure.reason}`, EXIT_TLS);
  return new CliError(`cannot reach ${what} at ${where}: ${failure.reason}`, EXIT_UNREACHABLE);
}

/**
 * Connects once, without retrying, to say at start-up whether a broker is reachable and accepts
 * the credentials; a {@link CliError} names the broker (password masked) and the reason otherwise:
 * exit 4 unreachable (refused connection, a broker that closes the connection, a time-out), 5
 * credentials refused, 6 TLS failure. Once running, the connectors reconnect with backoff instead.
 */
export function checkBroker(options: MqttConnectOptions, timeoutMs = 5000, what = 'the MQTT broker'): Promise<void> {
  const protocolVersion = options.protocolVersion === undefined || options.protocolVersion === 'auto' ? 4 : options.protocolVersion;
  return new Promise((resolve, reject) => {
    const client = connect(options.url, {
      ...options.mqtt,
      clientId: `${options.clientId ?? 'streamnorm'}-check-${process.pid}`,
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      protocolVersion,
      ...(protocolVersion === 3 ? { protocolId: 'MQIsdp' as const } : {}),
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
    });
    let settled = false;
    const timer = setTimeout(() => fail({ kind: 'unreachable', reason: 'no answer' }), timeoutMs + 1000);
    function fail(failure: ConnectFailure): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end(true);
      reject(connectError(options.url, failure, what));
    }
    client.once('connect', () => {
      settled = true;
      clearTimeout(timer);
      client.end(false, {}, () => resolve());
    });
    client.once('error', (e: Error & { code?: string | number }) => fail(classifyConnectError(e)));
    client.once('close', () => fail({ kind: 'unreachable', reason: 'the broker closed the connection (credentials refused, or a protocol it does not speak?)' }));
  });
}
