import { connectAsync, type MqttClient } from 'mqtt';
import { firstValueFrom, take, toArray, type Observable } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Reading } from 'streamnorm';
import { MALFORMED_REASONS, mqttSource, type MalformedMessage, type MqttEvent, type SeriesNaming } from 'streamnorm/mqtt';
import { startAedes, type AedesBroker } from '../../helpers/aedes.js';

let broker: AedesBroker;
let pub: MqttClient;
const opened: MqttClient[] = [];

beforeAll(async () => {
  broker = await startAedes();
  pub = await connectAsync(broker.url, { protocolVersion: 4 });
});
afterAll(async () => {
  await pub.endAsync();
  await broker.close();
});
afterEach(async () => {
  while (opened.length > 0) await opened.pop()?.endAsync();
});

async function client(): Promise<MqttClient> {
  const c = await connectAsync(broker.url, { protocolVersion: 4 });
  opened.push(c);
  return c;
}

/** Subscribes, waits until the broker has the subscription, and collects `n` readings. */
async function collect(readings$: Observable<Reading>, n: number, filter: string): Promise<{ done: Promise<Reading[]> }> {
  const subscribed = new Promise<void>((resolve) => {
    const onSub = (subs: { topic: string }[]): void => {
      if (subs.some((s) => s.topic === filter)) {
        broker.broker.off('subscribe', onSub);
        resolve();
      }
    };
    broker.broker.on('subscribe', onSub);
  });
  const done = firstValueFrom(readings$.pipe(take(n), toArray()));
  await subscribed;
  return { done };
}

describe('mqttSource on aedes', () => {
  it('emits readings with series and tags from named wildcards (number codec)', async () => {
    const source = mqttSource({ client: await client(), topics: 'sensors/+site/+device/#field' });
    const { done: got } = await collect(source.readings$, 3, 'sensors/+/+/#');
    await pub.publishAsync('sensors/s1/d1/temp', '21.5', { qos: 1 });
    await pub.publishAsync('sensors/s1/d2/hum/rel', '40', { qos: 1 });
    await pub.publishAsync('sensors/s2/d1/temp', 'NaN', { qos: 1 });
    const readings = await got;
    expect(readings.map((r) => [r.series, r.value, r.tags])).toEqual([
      ['s1/d1/temp', 21.5, { site: 's1', device: 'd1', field: 'temp' }],
      ['s1/d2/hum/rel', 40, { site: 's1', device: 'd2', field: 'hum/rel' }],
      ['s2/d1/temp', NaN, { site: 's2', device: 'd1', field: 'temp' }],
    ]);
    for (const r of readings) expect(typeof r.time).toBe('number');
    expect(source.diagnostics.counters).toMatchObject({ messages: 3, readings: 3, malformed: 0, acknowledged: 3 });
  });

  it('turns several JSON fields into several series, with payload time', async () => {
    const source = mqttSource({
      client: await client(),
      topics: 'plant/+site/+device',
      codec: { kind: 'json', fields: '*', time: 'ts', unit: 'unit' },
      timeUnit: 'ms',
    });
    const { done: got } = await collect(source.readings$, 2, 'plant/+/+');
    await pub.publishAsync('plant/p1/m3', JSON.stringify({ temp: 60.5, rpm: 1480, ts: 1_700_000_000_123, unit: 'SI' }), { qos: 1 });
    expect(await got).toEqual([
      { series: 'p1/m3/temp', value: 60.5, time: 1_700_000_000_123, tags: { site: 'p1', device: 'm3', field: 'temp', unit: 'SI' } },
      { series: 'p1/m3/rpm', value: 1480, time: 1_700_000_000_123, tags: { site: 'p1', device: 'm3', field: 'rpm', unit: 'SI' } },
    ]);
  });

  it('reads SenML packs with a per-pattern codec and a series template', async () => {
    const source = mqttSource({
      client: await client(),
      topics: [{ pattern: 'senml/+gw', codec: 'senml', series: '{gw}:{field}' }, 'plain/+id'],
    });
    const { done: got } = await collect(source.readings$, 3, 'plain/+');
    await pub.publishAsync('senml/g1', '[{"bn":"dev1/","bt":1700000000,"n":"v","u":"V","v":230},{"n":"i","u":"A","v":1.5}]', { qos: 1 });
    await pub.publishAsync('plain/x', '7', { qos: 1 });
    const readings = await got;
    expect(readings.map((r) => [r.series, r.value, r.time, r.tags?.unit])).toEqual([
      ['g1:dev1/v', 230, 1_700_000_000_000, 'V'],
      ['g1:dev1/i', 1.5, 1_700_000_000_000, 'A'],
      ['x', 7, readings[2]?.time, undefined],
    ]);
  });

  it('stamps readings without a payload time with the receive clock', async () => {
    const source = mqttSource({ client: await client(), topics: 'clock/+id', now: () => 42 });
    const { done: got } = await collect(source.readings$, 1, 'clock/+');
    await pub.publishAsync('clock/a', '1', { qos: 1 });
    expect((await got)[0]?.time).toBe(42);
  });

  it('shares one MQTT subscription between concurrent subscribers', async () => {
    const source = mqttSource({ client: await client(), topics: 'shared/+id' });
    const a = firstValueFrom(source.readings$.pipe(take(2), toArray()));
    const { done: got } = await collect(source.readings$, 2, 'shared/+');
    await pub.publishAsync('shared/1', '1', { qos: 1 });
    await pub.publishAsync('shared/2', '2', { qos: 1 });
    expect((await a).map((r) => r.value)).toEqual([1, 2]);
    expect((await got).map((r) => r.value)).toEqual([1, 2]);
    expect(source.diagnostics.counters.messages).toBe(2);
  });

  it('builds its own client from connect options and falls back from MQTT 5 to 3.1.1', async () => {
    const source = mqttSource({ connect: { url: broker.url }, topics: 'own/+id' });
    const events: MqttEvent[] = [];
    source.diagnostics.events$.subscribe((e) => events.push(e));
    const { done: got } = await collect(source.readings$, 1, 'own/+');
    await pub.publishAsync('own/a', '3', { qos: 1 });
    expect((await got)[0]?.value).toBe(3);
    expect(events.map((e) => e.type)).toContain('protocol-fallback');
    expect(events.find((e) => e.type === 'connect')).toMatchObject({ protocolVersion: 4 });
  });

  it('leaves the client it was given open and unsubscribes on teardown', async () => {
    const c = await client();
    const source = mqttSource({ client: c, topics: 'mine/+id' });
    const { done: got } = await collect(source.readings$, 1, 'mine/+');
    const unsubscribed = new Promise<string[]>((resolve) => broker.broker.once('unsubscribe', (topics) => resolve(topics)));
    await pub.publishAsync('mine/a', '1', { qos: 1 });
    await got;
    expect(await unsubscribed).toEqual(['mine/+']);
    expect(c.connected).toBe(true);
  });
});

describe('mqttSource malformed payloads on aedes', () => {
  const cases: Array<{ reason: string; topic: string; payload: string | Buffer; codec?: Parameters<typeof mqttSource>[0]['codec']; series?: SeriesNaming }> = [
    { reason: 'oversize', topic: 'bad/oversize', payload: '1'.repeat(65) },
    { reason: 'bad-encoding', topic: 'bad/enc', payload: Buffer.from([0x31, 0xc3, 0x28]) },
    { reason: 'not-a-number', topic: 'bad/nan-text', payload: 'warm' },
    { reason: 'missing-value', topic: 'bad/empty', payload: '' },
    { reason: 'bad-json', topic: 'bad/json', payload: '{"value":', codec: { kind: 'json' } },
    { reason: 'missing-value', topic: 'bad/novalue', payload: '{"v": 1}', codec: { kind: 'json' } },
    { reason: 'wrong-type', topic: 'bad/type', payload: '{"value": [1]}', codec: { kind: 'json' } },
    { reason: 'bad-time', topic: 'bad/time', payload: '{"value": 1, "time": "later"}', codec: { kind: 'json' } },
    { reason: 'bad-senml', topic: 'bad/senml', payload: '{"n": "x", "v": 1}', codec: 'senml' },
    { reason: 'unsupported-value', topic: 'bad/senml-vs', payload: '[{"n": "x", "vs": "on"}]', codec: 'senml' },
    { reason: 'bad-series', topic: 'bad/series-template', payload: '1', series: '{site}/{rest}' },
    {
      reason: 'bad-series',
      topic: 'bad/series-throws',
      payload: '1',
      series: () => {
        throw new Error('no id');
      },
    },
  ];

  it('has a case for every malformed reason', () => {
    expect(new Set(cases.map((c) => c.reason))).toEqual(new Set(MALFORMED_REASONS));
  });

  it.each(cases)('counts $reason on $topic, keeps going, and dead-letters it as a JSON envelope', async ({ reason, topic, payload, codec, series }) => {
    const c = await client();
    const source = mqttSource({
      client: c,
      topics: [{ pattern: 'bad/#rest', codec: codec ?? 'number', ...(series ? { series } : {}) }, { pattern: 'ok/+id' }],
      maxPayloadBytes: 64,
      deadLetter: { topic: 'dlq/{reason}/{topic}' },
    });
    const malformed: MalformedMessage[] = [];
    source.diagnostics.malformed$.subscribe((m) => malformed.push(m));
    const dlq = await client();
    const letter = new Promise<{ topic: string; payload: Buffer }>((resolve) => dlq.on('message', (t, p) => resolve({ topic: t, payload: p })));
    await dlq.subscribeAsync('dlq/#', { qos: 1 });
    const { done: got } = await collect(source.readings$, 1, 'ok/+');
    await pub.publishAsync(topic, payload, { qos: 1 });
    await pub.publishAsync('ok/after', '5', { qos: 1 });
    expect((await got).map((r) => r.value)).toEqual([5]);
    expect(source.diagnostics.byTopic()).toEqual({ [topic]: { [reason]: 1 } });
    expect(malformed).toHaveLength(1);
    expect(malformed[0]).toMatchObject({ topic, reason });
    expect(Buffer.from(malformed[0]?.payload ?? []).equals(Buffer.from(payload))).toBe(true);
    const dl = await letter;
    expect(dl.topic).toBe(`dlq/${reason}/${topic}`);
    const envelope = JSON.parse(dl.payload.toString());
    expect(envelope).toMatchObject({ reasons: [reason], topic });
    expect(Buffer.from(envelope.payloadBase64, 'base64').equals(Buffer.from(payload))).toBe(true);
    expect(source.diagnostics.counters).toMatchObject({ messages: 2, readings: 1, malformed: 1, acknowledged: 2 });
    await vi.waitFor(() => expect(source.diagnostics.counters.deadLettered).toBe(1));
  });

  it('passes the good fields of a partly bad message and counts the bad ones per field', async () => {
    const source = mqttSource({ client: await client(), topics: 'mix/+id', codec: { kind: 'json', fields: ['a', 'b', 'c'] } });
    const malformed: MalformedMessage[] = [];
    source.diagnostics.malformed$.subscribe((m) => malformed.push(m));
    const { done: got } = await collect(source.readings$, 2, 'mix/+');
    await pub.publishAsync('mix/1', '{"a": 1, "b": "high", "c": null}', { qos: 1 });
    expect((await got).map((r) => [r.series, r.value])).toEqual([
      ['1/a', 1],
      ['1/c', null],
    ]);
    expect(malformed.map((m) => [m.name, m.reason])).toEqual([['b', 'wrong-type']]);
  });
});
