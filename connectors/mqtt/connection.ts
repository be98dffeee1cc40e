import { connect as mqttConnect, type IClientOptions, type MqttClient } from 'mqtt';
import { Subject, type Observable } from 'rxjs';
import { backoffDelay, backoffPolicy, type BackoffOptions } from '../backoff.js';
import { optionKeys, refuseUnknownKeys } from '../../src/options.js';
import type { MqttEvent } from './events.js';

/** How to build a client: the broker URL, identity, session and reconnect policy. */
export interface MqttConnectOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883` or `mqtts://...`. */
  url: string;
  /** Client id; required (and fixed across restarts) for a persistent session. */
  clientId?: string;
  username?: string;
  password?: string;
  /**
   * Clean session (default true). With `false` the broker keeps the subscriptions and queues
   * QoS 1/2 messages while the client is away, and redelivers unacknowledged ones on resume.
   */
  clean?: boolean;
  /** MQTT version: 5, 4 (3.1.1), 3, or `'auto'` (default: 5, falling back to 4 when the broker refuses 5). */
  protocolVersion?: 3 | 4 | 5 | 'auto';
  /** MQTT 5 session expiry for `clean: false`, seconds (default 7 days). */
  sessionExpirySeconds?: number;
  /** Keepalive, seconds (default 30). */
  keepalive?: number;
  /** Time to wait for CONNACK, ms (default 10 000). */
  connectTimeoutMs?: number;
  /** Reconnect backoff (see {@link backoffDelay}). */
  backoff?: BackoffOptions;
  /** Consecutive failed reconnects after which the connection gives up with a fatal error (default: never). */
  maxReconnectAttempts?: number;
  /** Further mqtt.js options (TLS, will, ...); the options above take precedence. */
  mqtt?: IClientOptions;
}

/** The keys of {@link MqttConnectOptions} (`mqtt` is mqtt.js's own options object, passed on unchecked). */
export const CONNECT_KEYS = optionKeys<MqttConnectOptions>({
  url: true, clientId: true, username: true, password: true, clean: true, protocolVersion: true, sessionExpirySeconds: true,
  keepalive: true, connectTimeoutMs: true, backoff: true, maxReconnectAttempts: true, mqtt: true,
});

/** A client the connector built, with its events and an orderly end. */
export interface MqttConnection {
  /** The mqtt.js client (created with `manualConnect`; connecting starts with {@link MqttConnection.start}). */
  readonly client: MqttClient;
  /** Connection events (hot; completes after {@link MqttConnection.end}). */
  readonly events$: Observable<MqttEvent>;
  /** Starts connecting (idempotent). */
  start(): void;
  /** Resolves at the first CONNACK; rejects with the fatal error if the connection gives up. */
  readonly ready: Promise<void>;
  /**
   * Stops reconnecting and closes the client: gracefully (DISCONNECT after in-flight publishes
   * are acknowledged) when connected, at once otherwise.
   */
  end(): Promise<void>;
}

/** A reconnect period mqtt.js never reaches before one of our reconnects clears its timer. */
const MQTTJS_RECONNECT_PARKED = 2_000_000_000;

/** CONNACK codes after which retrying cannot help (3.1.1 and 5). */
const FATAL_CONNACK = new Set([2, 4, 5, 133, 134, 135, 138, 140]);
/** CONNACK codes for an unsupported protocol version (3.1.1 and 5). */
const BAD_VERSION = new Set([1, 132]);

/** Refuses unknown keys of connect options and of their backoff, as the connection will: at the call that takes them, not at the first subscription. */
export function checkConnectOptions(options: MqttConnectOptions | undefined, where: string): void {
  refuseUnknownKeys(options, CONNECT_KEYS, where);
  if (options?.backoff !== undefined) backoffPolicy(options.backoff);
}

/**
 * Builds an mqtt.js client from options, with the settings at-least-once delivery needs:
 * `queueQoSZero: false` (QoS 0 is not buffered while offline), reconnects with exponential
 * backoff and jitter instead of a fixed period (keeping the in-flight QoS 1/2 store across
 * reconnects), persistent sessions with a fixed client id when `clean: false`, and MQTT 5 by
 * default with a fallback to 3.1.1 for brokers that refuse 5.
 *
 * @throws Error when `clean: false` comes without a `clientId`.
 *
 * @example
 * ```ts
 * import { createMqttConnection } from 'streamnorm/mqtt';
 * const conn = createMqttConnection({ url: brokerUrl, clientId: 'doc-conn' });
 * conn.start();
 * await conn.ready;
 * conn.client.connected; // => true
 * await conn.end();
 * ```
 */
export function createMqttConnection(options: MqttConnectOptions): MqttConnection {
  checkConnectOptions(options, 'MQTT connect options');
  const clean = options.clean ?? true;
  if (!clean && !options.clientId) throw new Error('a persistent session (clean: false) needs a fixed clientId');
  const auto = options.protocolVersion === undefined || options.protocolVersion === 'auto';
  const version = auto ? 5 : (options.protocolVersion as 3 | 4 | 5);
  const clientOptions: IClientOptions = {
    ...options.mqtt,
    clean,
    protocolVersion: version,
    keepalive: options.keepalive ?? options.mqtt?.keepalive ?? 30,
    connectTimeout: options.connectTimeoutMs ?? options.mqtt?.connectTimeout ?? 10_000,
    // mqtt.js's fixed-period reconnect is kept out of the way (its timer is armed with ~23 days
    // and cleared by every reconnect of ours); a period of 0 would instead make mqtt.js fail
    // every in-flight QoS 1/2 publish of a clean session on a forced close
    reconnectPeriod: MQTTJS_RECONNECT_PARKED,
    queueQoSZero: false,
    manualConnect: true,
  };
  if (version === 3) clientOptions.protocolId = 'MQIsdp';
  if (options.clientId !== undefined) clientOptions.clientId = options.clientId;
  if (options.username !== undefined) clientOptions.username = options.username;
  if (options.password !== undefined) clientOptions.password = options.password;
  if (version === 5 && !clean) {
    clientOptions.properties = { ...options.mqtt?.properties, sessionExpiryInterval: options.sessionExpirySeconds ?? 7 * 24 * 3600 };
  }
  const client = mqttConnect(options.url, clientOptions);

  const events = new Subject<MqttEvent>();
  const maxAttempts = options.maxReconnectAttempts ?? Infinity;
  let started = false;
  let ending = false;
  let fatal: Error | undefined;
  let attempt = 0;
  let retryNow = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolveReady!: () => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => undefined);

  const giveUp = (error: Error): void => {
    fatal = error;
    events.next({ type: 'error', error, fatal: true });
    rejectReady(error);
    if (timer !== undefined) clearTimeout(timer);
    client.end(true);
  };

  client.on('connect', (packet) => {
    attempt = 0;
    events.next({ type: 'connect', sessionPresent: packet.sessionPresent === true, protocolVersion: client.options.protocolVersion ?? 4 });
    resolveReady();
  });
  client.on('error', (error) => {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'number' && BAD_VERSION.has(code) && auto && client.options.protocolVersion === 5) {
      client.options.protocolVersion = 4;
      delete client.options.properties;
      retryNow = true;
      events.next({ type: 'protocol-fallback', from: 5, to: 4 });
      return;
    }
    if (typeof code === 'number' && FATAL_CONNACK.has(code)) {
      giveUp(error);
      return;
    }
    events.next({ type: 'error', error, fatal: false });
  });
  client.on('close', () => {
    events.next({ type: 'close' });
    // an end() by whoever holds the client (ours or the user's) sets `disconnecting` first
    if (ending || fatal !== undefined || timer !== undefined || client.disconnecting || client.disconnected) return;
    if (retryNow) {
      retryNow = false;
      schedule(0);
      return;
    }
    attempt += 1;
    if (attempt > maxAttempts) {
      giveUp(new Error(`MQTT connection to ${options.url} failed ${maxAttempts} reconnect attempts in a row; giving up`));
      return;
    }
    schedule(backoffDelay(attempt - 1, options.backoff));
  });

  const schedule = (delayMs: number): void => {
    if (delayMs > 0) events.next({ type: 'reconnect', attempt, delayMs });
    timer = setTimeout(() => {
      timer = undefined;
      if (ending || fatal !== undefined) return;
      // keep the stores: in-flight QoS 1/2 messages are resent after the reconnect
      client.reconnect({ incomingStore: client.incomingStore as never, outgoingStore: client.outgoingStore as never });
    }, delayMs);
  };

  let ended: Promise<void> | undefined;
  return {
    client,
    events$: events.asObservable(),
    ready,
    start: () => {
      if (started) return;
      started = true;
      client.connect();
    },
    end: () =>
      (ended ??= (async () => {
        ending = true;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        rejectReady(new Error('MQTT connection ended before it connected'));
        if (started) await client.endAsync(!client.connected);
        events.complete();
      })()),
  };
}

/**
 * Builds a client with {@link createMqttConnection} and resolves once it is connected; rejects
 * if the connection gives up (refused credentials, or `maxReconnectAttempts` exhausted). The
 * caller owns the client and ends it (`await client.endAsync()`).
 *
 * @example
 * ```ts
 * import { connectMqtt } from 'streamnorm/mqtt';
 * const client = await connectMqtt({ url: brokerUrl });
 * client.connected; // => true
 * await client.endAsync();
 * ```
 */
export async function connectMqtt(options: MqttConnectOptions): Promise<MqttClient> {
  const conn = createMqttConnection(options);
  conn.start();
  try {
    await conn.ready;
  } catch (e) {
    await conn.end();
    throw e;
  }
  return conn.client;
}
