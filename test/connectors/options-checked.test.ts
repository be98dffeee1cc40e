import { describe, expect, it } from 'vitest';
import { createMqttConnection, mqttSource, publishEach, publishNormalized, publishFrozenStats, watchFrozenStats, readFrozenStats, backoffPolicy } from 'streamnorm/mqtt';
import { ensureOutputStream, ensurePartitionedStream, openCheckpoints, openFrozenStats, openLeases } from 'streamnorm/nats';
import { influxSink, replaySpill, influxqlHistory, influxqlTail, fluxHistory, fluxTail, pollTail } from 'streamnorm/influx';

// Every connector entry point refuses a misspelled key before it connects anywhere, naming the
// key; nothing listens on the URLs below (port 9, discard), and none is ever dialled.
const url = 'mqtt://127.0.0.1:9';
const http = 'http://127.0.0.1:9';
const cases: [string, string, () => unknown][] = [
  ['createMqttConnection', 'clientID', () => createMqttConnection({ url, clientID: 'x' } as never)],
  ['connect options of a source', 'keepAlive', () => mqttSource({ connect: { url, keepAlive: 5 }, topics: 'a/+' } as never).readings$.subscribe().unsubscribe()],
  ['backoff of a connection', 'initialDelay', () => createMqttConnection({ url, backoff: { initialDelay: 5 } } as never)],
  ['backoffPolicy', 'max', () => backoffPolicy({ max: 5 } as never)],
  ['mqttSource', 'topic', () => mqttSource({ connect: { url }, topics: 'a/+', topic: 'b' } as never)],
  ['mqttSource topic subscription', 'timeunit', () => mqttSource({ connect: { url }, topics: [{ pattern: 'a/+', timeunit: 's' }] } as never)],
  ['mqttSource deadLetter', 'topics', () => mqttSource({ connect: { url }, topics: 'a/+', deadLetter: { topics: 'dl' } } as never)],
  ['publishEach', 'qos', () => publishEach({ connect: { url }, qos: 1 } as never, () => ({ error: 'x' }))],
  ['publishNormalized', 'retained', () => publishNormalized({ connect: { url }, retained: true } as never)],
  ['publishFrozenStats', 'retain', () => publishFrozenStats({ connect: { url }, retain: true } as never)],
  ['watchFrozenStats', 'idleMs', () => watchFrozenStats({ connect: { url }, idleMs: 5 } as never)],
  ['readFrozenStats', 'idle', () => readFrozenStats({ connect: { url }, idle: 5 } as never)],
  ['influxSink', 'batchsize', () => influxSink({ url: http, db: 'x', batchsize: 10 } as never)],
  ['influxSink retry', 'minDelay', () => influxSink({ url: http, db: 'x', retry: { minDelay: 10 } } as never)],
  ['replaySpill', 'precision', () => replaySpill('/nonexistent/spill', { url: http, db: 'x', precision: 's' } as never)],
  ['influxqlHistory', 'end', () => influxqlHistory({ url: http, db: 'x', measurement: 'm', field: 'f', start: 0, end: 5 } as never)],
  ['influxqlTail', 'stop', () => influxqlTail({ url: http, db: 'x', measurement: 'm', field: 'f', stop: 5 } as never)],
  ['fluxHistory', 'db', () => fluxHistory({ url: http, org: 'o', bucket: 'b', measurement: 'm', field: 'f', start: 0, db: 'x' } as never)],
  ['fluxTail', 'intervalMs', () => fluxTail({ url: http, org: 'o', bucket: 'b', measurement: 'm', field: 'f', intervalMs: 5 } as never)],
  ['pollTail', 'lagMs', () => pollTail(async () => [], { lagMs: 5 } as never)],
  // the NATS ones refuse before they touch the connection (none is given)
  ['openLeases', 'ttl', () => openLeases(undefined as never, { bucket: 'b', worker: 'w', ttlMs: 1000, ttl: 5 } as never)],
  ['openCheckpoints', 'history', () => openCheckpoints(undefined as never, { bucket: 'b', history: 5 } as never)],
  ['openFrozenStats', 'name', () => openFrozenStats(undefined as never, { name: 'b' } as never)],
  ['ensurePartitionedStream', 'partition', () => ensurePartitionedStream(undefined as never, { partitions: 4, partition: 2 } as never)],
  ['ensureOutputStream', 'subject', () => ensureOutputStream(undefined as never, { name: 'o', subjects: ['o.>'], subject: 'o' } as never)],
];

describe('connector options are checked: an unknown or misspelled key is refused, naming it', () => {
  for (const [name, key, make] of cases) {
    it(`${name}: '${key}'`, async () => {
      let message = '';
      try {
        await make();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, `${name} accepted '${key}'`).toContain(`'${key}'`);
      expect(message).toMatch(/unknown option|is now called/);
    });
  }

  it('every documented key is still accepted (a source with all of them is made)', () => {
    const all = { client: undefined, connect: { url, clientId: 'c', clean: true, keepalive: 5, backoff: { initialMs: 10, jitter: 0 } }, topics: [{ pattern: 'a/+', codec: 'number', timeUnit: 'ms', series: 's' }], codec: 'json', timeUnit: 'auto', qos: 1, maxPayloadBytes: 10, series: 'x', userPropertyTags: true, deadLetter: { topic: 'dl', qos: 1, format: 'raw' }, keepSubscription: false, now: Date.now, maxTrackedTopics: 5 } as const;
    const { client: _none, ...options } = all;
    expect(() => mqttSource(options as never)).not.toThrow();
  });
});
