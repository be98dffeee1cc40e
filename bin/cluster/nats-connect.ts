import { connect, credsAuthenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { classifyConnectError, connectError, type ConnectFailure } from '../cli/broker-check.js';
import type { ClusterConfig, NatsTls } from '../cli/config-cluster.js';
import { defined, redactUrl } from '../cli/schema-kit.js';

/**
 * A cluster member's NATS connection: the `cluster:` section's servers, credentials (user and
 * password, a token, or a .creds file) and TLS files as nats.js options, and a failed first
 * connection as the CLI error of the MQTT path: exit 4 unreachable, 5 credentials refused, 6 TLS
 * failed. No message carries a password or token (server URLs are masked too).
 */

/** The connection options of a cluster member (reconnecting for ever once connected). */
export function natsConnectOptions(cluster: ClusterConfig): NodeConnectionOptions {
  const options: NodeConnectionOptions = defined({
    servers: cluster.servers,
    name: `streamnorm-${cluster.role}-${cluster.worker}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: 5_000,
    user: cluster.user,
    pass: cluster.password,
    token: cluster.token,
  });
  if (cluster.creds !== undefined) options.authenticator = credsAuthenticator(cluster.creds);
  if (cluster.tls !== undefined) options.tls = tlsOptions(cluster.tls);
  return options;
}

/** The TLS files' contents as nats.js options; `rejectUnauthorized` and `servername` reach Node's tls.connect as they are. */
function tlsOptions(tls: NatsTls): NonNullable<NodeConnectionOptions['tls']> {
  const options: NonNullable<NodeConnectionOptions['tls']> & { servername?: string } = defined({
    ca: tls.ca?.toString(),
    cert: tls.cert?.toString(),
    key: tls.key?.toString(),
    rejectUnauthorized: tls.rejectUnauthorized,
    servername: tls.servername,
  });
  return options;
}

/** Connects, or throws the CLI error of the failure (exit 4, 5 or 6). */
export async function connectNats(cluster: ClusterConfig): Promise<NatsConnection> {
  try {
    return await connect(natsConnectOptions(cluster));
  } catch (e) {
    throw connectError(cluster.servers.join(', '), classifyNatsError(e as Error), 'NATS');
  }
}

type NodeError = Error & { code?: string | number; cause?: unknown };

/**
 * How a first connection failed: the server's `Authorization Violation` (or an expired user) is
 * the credentials; a certificate or handshake error anywhere in the cause chain, or TLS asked of a
 * server without it, is TLS; anything else (refused, time-out) is unreachable.
 */
export function classifyNatsError(e: Error): ConnectFailure {
  const chain: NodeError[] = [];
  for (let x: unknown = e; x instanceof Error && chain.length < 5; x = (x as NodeError).cause) chain.push(x);
  for (const x of chain) {
    if (x.name === 'AuthorizationError' || x.name === 'UserAuthenticationExpiredError' || /authorization violation|authentication (expired|timeout)/i.test(x.message)) {
      return { kind: 'credentials', reason: `${x.message.replace(/^'|'$/g, '')} (user and password, token or credentials file refused)` };
    }
    if (/unable to parse credentials/i.test(x.message)) return { kind: 'credentials', reason: 'the credentials file could not be read as one (JWT and NKey seed)' };
  }
  for (const x of chain) {
    if (typeof x.code === 'string') {
      const failure = classifyConnectError(x);
      if (failure.kind === 'tls') return failure;
    }
    if (/does not support 'tls'|tls.*not available|SSL routines|certificate/i.test(x.message)) return { kind: 'tls', reason: `TLS failed: ${redactUrl(x.message)}` };
  }
  return { kind: 'unreachable', reason: redactUrl(e.message) };
}
