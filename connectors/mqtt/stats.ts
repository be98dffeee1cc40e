import type { MqttClient } from 'mqtt';
import { Observable, type OperatorFunction } from 'rxjs';
import { checkConnectOptions, createMqttConnection, type MqttConnectOptions } from './connection.js';
import type { SourceDiagnostics } from './diagnostics.js';
import { addRoute } from './dispatcher.js';
import { subscribeWhenConnected } from './subscribe.js';
import { decodeFrozenStats, encodeFrozenStats, type SeriesParams } from './frozen-codec.js';
import { PUBLISHER_KEYS, publishWith, type PublishAck, type PublisherOptions } from './publish-each.js';
import { optionKeys, refuseUnknownKeys } from '../../src/options.js';
import { compileTopicPattern } from './topic-pattern.js';
import { fillTemplate, topicNameProblem } from './topic-template.js';
import type { FrozenParams } from '../../src/scalers/frozen.js';

/** The default stats topic template. */
export const DEFAULT_STATS_TOPIC = 'streamnorm/stats/{series}';

/** Options of {@link publishFrozenStats}. */
export interface StatsSinkOptions extends PublisherOptions {
  /** Topic template with `{series}` as its last level (default {@link DEFAULT_STATS_TOPIC}). */
  topic?: string;
  /** Publish QoS (default 1). */
  qos?: 0 | 1 | 2;
}

const STATS_SINK_KEYS = [...PUBLISHER_KEYS, ...optionKeys<Omit<StatsSinkOptions, keyof PublisherOptions>>({ topic: true, qos: true })];

/**
 * Publishes each series' frozen statistics as a retained message (see
 * {@link encodeFrozenStats}), so dashboards and other workers read the current statistics of
 * every series the moment they subscribe. Takes a stream of `{ series, params }` such as a series
 * store's `frozen$` (every series frozen when it is subscribed, then each series as it freezes or
 * is restored frozen), emits one ack per message, and completes after its source once all are
 * acknowledged.
 *
 * @example
 * ```ts
 * import { lastValueFrom, of } from 'rxjs';
 * import { StandardScaler } from 'streamnorm';
 * import { publishFrozenStats, readFrozenStats } from 'streamnorm/mqtt';
 * const params = new StandardScaler().learnMany([1, 2, 3]).freeze();
 * await lastValueFrom(of({ series: 'doc/temp', params }).pipe(publishFrozenStats({ connect: { url: brokerUrl } })));
 * const stats = await readFrozenStats({ connect: { url: brokerUrl } });
 * stats.get('doc/temp')?.center; // => 2
 * ```
 */
export function publishFrozenStats(options: StatsSinkOptions): OperatorFunction<SeriesParams, PublishAck<SeriesParams>> {
  refuseUnknownKeys(options, STATS_SINK_KEYS, 'publishFrozenStats');
  const template = options.topic ?? DEFAULT_STATS_TOPIC;
  statsFilter(template);
  const publish = { qos: options.qos ?? 1, retain: true };
  return publishWith<SeriesParams>(options, ({ series, params, history }) => {
    const topic = fillTemplate(template, { series });
    if (typeof topic !== 'string') return { error: `stats topic template needs {${topic.missing}}` };
    const problem = topicNameProblem(topic);
    if (problem !== undefined) return { error: problem, topic };
    return { topic, payload: encodeFrozenStats(series, params, history), publish };
  });
}

/** Options of {@link watchFrozenStats} and {@link readFrozenStats}. */
export interface StatsReaderOptions {
  client?: MqttClient;
  connect?: MqttConnectOptions;
  /** The template the stats were published under (default {@link DEFAULT_STATS_TOPIC}). */
  topic?: string;
  /** Where unreadable stats messages are counted (as `bad-json`; an empty retained message clears a series and is not counted). */
  diagnostics?: SourceDiagnostics;
  /** Called once the broker granted the subscription (retained messages follow right after). */
  onSubscribed?: () => void;
}

const READER_KEYS = optionKeys<StatsReaderOptions>({ client: true, connect: true, topic: true, diagnostics: true, onSubscribed: true });

/**
 * The subscription filter for a stats topic template: `{series}` (which may span levels) must
 * be the last level and becomes `#`; other placeholders become `+`.
 *
 * @throws Error when `{series}` is missing or not last.
 *
 * @example
 * ```ts
 * import { statsFilter } from 'streamnorm/mqtt';
 * statsFilter('streamnorm/stats/{series}'); // => 'streamnorm/stats/#'
 * statsFilter('plant/{site}/stats/{series}'); // => 'plant/+/stats/#'
 * ```
 */
export function statsFilter(template: string): string {
  const levels = template.split('/');
  if (levels.at(-1) !== '{series}' || levels.slice(0, -1).some((l) => l.includes('{series}'))) {
    throw new Error(`stats topic template "${template}" must end with the level {series}`);
  }
  return levels.map((l, i) => (i === levels.length - 1 ? '#' : /\{[^{}]+\}/.test(l) ? '+' : l)).join('/');
}

/**
 * Streams frozen statistics from retained stats messages: first every retained one, then each
 * update as it is published. An older version than one already seen for a series is skipped
 * (retained messages and live updates may cross). Unreadable messages are counted in
 * `diagnostics` when given and skipped. Never completes on its own.
 *
 * @example
 * ```ts
 * import { lastValueFrom, of, firstValueFrom } from 'rxjs';
 * import { MinMaxScaler } from 'streamnorm';
 * import { publishFrozenStats, watchFrozenStats } from 'streamnorm/mqtt';
 * const params = new MinMaxScaler().learnMany([0, 50]).freeze();
 * await lastValueFrom(of({ series: 'doc/watch', params }).pipe(publishFrozenStats({ connect: { url: brokerUrl }, topic: 'doc-watch/{series}' })));
 * const first = await firstValueFrom(watchFrozenStats({ connect: { url: brokerUrl }, topic: 'doc-watch/{series}' }));
 * [first.series, first.params.scale]; // => ['doc/watch', 50]
 * ```
 */
export function watchFrozenStats(options: StatsReaderOptions = {}): Observable<SeriesParams> {
  refuseUnknownKeys(options, READER_KEYS, 'watchFrozenStats');
  checkConnectOptions(options.connect, 'watchFrozenStats: connect');
  if (options.client === undefined && options.connect === undefined) throw new Error('watchFrozenStats needs a client or connect options');
  const filter = statsFilter(options.topic ?? DEFAULT_STATS_TOPIC);
  const pattern = compileTopicPattern(filter);
  return new Observable<SeriesParams>((subscriber) => {
    const conn = options.client === undefined ? createMqttConnection(options.connect as MqttConnectOptions) : undefined;
    const client = conn?.client ?? (options.client as MqttClient);
    conn?.events$.subscribe((e) => {
      if (e.type === 'error' && e.fatal) subscriber.error(e.error);
    });
    const versions = new Map<string, number>();
    const removeRoute = addRoute(client, {
      matches: (topic) => pattern.match(topic) !== undefined,
      deliver: (packet, done) => {
        const payload = Buffer.from(packet.payload);
        done();
        if (payload.byteLength === 0) return;
        let sp: SeriesParams;
        try {
          sp = decodeFrozenStats(payload.toString('utf8'));
        } catch (e) {
          options.diagnostics?.recordMalformed({ topic: packet.topic, reason: 'bad-json', detail: (e as Error).message, payload, receivedAt: Date.now() });
          return;
        }
        if ((versions.get(sp.series) ?? -Infinity) > sp.params.version) return;
        versions.set(sp.series, sp.params.version);
        subscriber.next(sp);
      },
    });
    const stopSubscribing = subscribeWhenConnected(client, { [filter]: { qos: 1 } }, {
      granted: () => options.onSubscribed?.(),
      refused: (error) => subscriber.error(error),
      interrupted: () => undefined,
    });
    conn?.start();
    return () => {
      stopSubscribing();
      if (conn !== undefined) void conn.end().finally(removeRoute);
      else client.unsubscribe(filter, () => removeRoute());
    };
  });
}

/**
 * Reads the current frozen statistics of every series from the retained stats messages into a
 * map. Retained messages come right after the subscription is granted; the map is returned once
 * none has arrived for `idleMs` (default 300 ms) after that. Rejects if the connection or the
 * subscription fails.
 *
 * @example
 * ```ts
 * import { readFrozenStats } from 'streamnorm/mqtt';
 * const none = await readFrozenStats({ connect: { url: brokerUrl }, topic: 'doc-empty/{series}', idleMs: 100 });
 * none.size; // => 0
 * ```
 */
export function readFrozenStats(options: StatsReaderOptions & { idleMs?: number } = {}): Promise<Map<string, FrozenParams>> {
  refuseUnknownKeys(options, [...READER_KEYS, 'idleMs'], 'readFrozenStats');
  const { idleMs = 300, ...reader } = options;
  const out = new Map<string, FrozenParams>();
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        sub.unsubscribe();
        resolve(out);
      }, idleMs);
    };
    const sub = watchFrozenStats({ ...reader, onSubscribed: arm }).subscribe({
      next: ({ series, params }) => {
        out.set(series, params);
        arm();
      },
      error: (e: Error) => {
        if (timer !== undefined) clearTimeout(timer);
        reject(e);
      },
    });
  });
}
