import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { MqttConnectOptions } from '../../connectors/mqtt/index.js';
import { defined, integer, optionalText, section, text } from './schema-kit.js';

/**
 * The keys of an MQTT broker connection in the run config (`input.mqtt`, `output.mqtt`): where,
 * who (credentials, client id), the session, and TLS files.
 *
 * ```yaml
 * url: mqtts://broker.local:8883     # mqtt:// mqtts:// ws:// wss://
 * username: ${MQTT_USER}
 * password: ${MQTT_PASSWORD}
 * clientId: streamnorm-plant1
 * clean: false                       # persistent session (at-least-once needs it)
 * tls: { ca: ./ca.pem, cert: ./client.pem, key: ./client.key, rejectUnauthorized: true }
 * ```
 */

const BROKER_PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:', 'ws:', 'wss:']);

/** A URL with one of `protocols` and a host, else the message. */
function urlProblem(value: string, protocols: ReadonlySet<string>, example: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `expected a URL such as ${example}`;
  }
  if (!protocols.has(url.protocol)) return `expected a URL such as ${example} (${[...protocols].map((p) => p.slice(0, -1)).join(', ')}), got the scheme ${url.protocol.slice(0, -1)}`;
  if (url.hostname === '') return `expected a URL such as ${example} (with a host)`;
  return undefined;
}

/** A URL check for a schema: its message never repeats the value (a URL may hold a password). */
export function urlOf(protocols: readonly string[], example: string) {
  const set = new Set(protocols);
  return text.check((ctx) => {
    const problem = urlProblem(ctx.value, set, example);
    if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: undefined });
  });
}

/** A broker URL. */
export const brokerUrl = urlOf([...BROKER_PROTOCOLS], 'mqtt://host:1883 or mqtts://host:8883');

/** An HTTP(S) server URL (InfluxDB, VictoriaMetrics). */
export const httpUrl = urlOf(['http:', 'https:'], 'http://host:8086');

/** A file read at check time (a TLS certificate or key), named in the error when it cannot be read. */
const pemFile = text.transform((path, ctx) => {
  try {
    return readFileSync(path);
  } catch (e) {
    ctx.issues.push({ code: 'custom', message: `cannot read the file ${JSON.stringify(path)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, input: undefined });
    return z.NEVER;
  }
});

/** TLS settings of a connection: CA, client certificate and key (PEM files), and whether to verify the server. */
export const tlsSchema = section({
  ca: pemFile.optional(),
  cert: pemFile.optional(),
  key: pemFile.optional(),
  rejectUnauthorized: z.boolean().optional(),
  servername: text.optional(),
}).refine((t) => (t.cert === undefined) === (t.key === undefined), { error: 'give cert and key together (a client certificate and its private key)' });

/** The connection keys of an MQTT section (spread into its `section`). */
export const connectFields = {
  url: brokerUrl,
  clientId: z.string().optional(),
  username: optionalText,
  password: optionalText,
  clean: z.boolean().optional(),
  protocolVersion: z.literal([3, 4, 5, 'auto']).optional(),
  keepalive: integer(0).optional(),
  tls: tlsSchema.optional(),
};

/** The parsed connection keys. */
export type ConnectFields = {
  url: string;
  clientId?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  clean?: boolean | undefined;
  protocolVersion?: MqttConnectOptions['protocolVersion'];
  keepalive?: number | undefined;
  tls?: z.output<typeof tlsSchema> | undefined;
};

/** The connection keys as the connectors' {@link MqttConnectOptions} (TLS files as mqtt.js options). */
export function connectOptions(c: ConnectFields, defaultClientId: string): MqttConnectOptions {
  const options: MqttConnectOptions = defined({
    url: c.url,
    clientId: c.clientId ?? defaultClientId,
    username: c.username,
    password: c.password,
    clean: c.clean,
    protocolVersion: c.protocolVersion,
    keepalive: c.keepalive,
  });
  if (c.tls !== undefined) options.mqtt = defined({ ca: c.tls.ca, cert: c.tls.cert, key: c.tls.key, rejectUnauthorized: c.tls.rejectUnauthorized, servername: c.tls.servername });
  return options;
}
