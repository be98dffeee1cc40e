import { connectAsync, type MqttClient } from 'mqtt';
import { filter, firstValueFrom, lastValueFrom, map, take, toArray, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Normalized, Reading } from 'streamnorm';
import { connectMqtt, mqttSource, publishNormalized, decodeNormalized, type MqttEvent, type MqttSource } from 'streamnorm/mqtt';
import { hasMosquittoClients, mosquittoSkipReason, startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.js';
import { mosquittoPub, mosquittoSub } from './mosquitto-clients.js';

const skip = mosquittoSkipReason();

/** Resolves when the source's client has been granted its subscription (its first `connect` + a SUBACK round trip). */
async function running(source: MqttSource, readings$: Observable<Reading>, n: number): Promise<{ done: Promise<Reading[]> }> {
  const connected = firstValueFrom(source.diagnostics.events$.pipe(filter((e: MqttEvent) => e.type === 'connect')));
  const done = firstValueFrom(readings$.pipe(take(n), toArray()));
  await connected;
  await new Promise((r) => setTimeout(r, 150)); // SUBACK follows the CONNACK at once on loopback
  return { done };
}

describe.skipIf(skip !== undefined)(`MQTT connector on Mosquitto${skip ? ` (NOT RUN: ${skip})` : ''}`, () => {
  let broker: MosquittoBroker;
  let pub: MqttClient;

  beforeAll(async () => {
    broker = await startMosquitto();
    pub = await connectAsync(broker.url, { protocolVersion: 5 });
  });
  afterAll(async () => {
    await pub?.endAsync();
    await broker?.stop();
  });

  it('speaks MQTT 5 by default and takes tags from user properties', async () => {
    const source = mqttSource({ connect: { url: broker.url }, topics: 'up/+device', userPropertyTags: ['site', 'unit'] });
    const { done } = await running(source, source.readings$, 1);
    await pub.publishAsync('up/d1', '3.5', { qos: 1, properties: { userProperties: { site: 'berlin', unit: 'C', other: 'x' } } });
    expect(await done).toEqual([{ series: 'd1', value: 3.5, time: expect.any(Number), tags: { site: 'berlin', unit: 'C', device: 'd1' } }]);
  });

  it('dead-letters with the reason in MQTT 5 user properties, read by mosquitto_sub', async () => {
    if (!hasMosquittoClients()) return expect(hasMosquittoClients()).toBe(false);
    const sub = mosquittoSub(broker.port, 'dead/#', 1, 'MSG>%t|%P|%p');
    await sub.subscribed;
    const source = mqttSource({ connect: { url: broker.url }, topics: 'in/+id', deadLetter: { topic: 'dead/{topic}' } });
    const { done } = await running(source, source.readings$, 1);
    await pub.publishAsync('in/x', 'warm', { qos: 1 });
    await pub.publishAsync('in/y', '1', { qos: 1 });
    await done;
    const [line] = await sub.lines;
    expect(line).toMatch(/^MSG>dead\/in\/x\|.*reason:not-a-number.*\|warm$/);
    expect(line).toContain('source-topic:in/x');
  });

  it('splits a shared subscription between two consumers, each message to exactly one', async () => {
    const a = mqttSource({ connect: { url: broker.url, clientId: 'share-a' }, topics: '$share/workers/load/+id' });
    const b = mqttSource({ connect: { url: broker.url, clientId: 'share-b' }, topics: '$share/workers/load/+id' });
    const seenA: number[] = [];
    const seenB: number[] = [];
    const subA = a.readings$.subscribe((r) => seenA.push(r.value as number));
    const subB = b.readings$.subscribe((r) => seenB.push(r.value as number));
    await Promise.all([a, b].map((s) => firstValueFrom(s.diagnostics.events$.pipe(filter((e) => e.type === 'connect')))));
    await new Promise((r) => setTimeout(r, 200));
    const n = 200;
    for (let i = 0; i < n; i++) await pub.publishAsync(`load/${i % 7}`, String(i), { qos: 1 });
    const deadline = Date.now() + 10_000;
    while (seenA.length + seenB.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    subA.unsubscribe();
    subB.unsubscribe();
    expect(seenA.length).toBeGreaterThan(0);
    expect(seenB.length).toBeGreaterThan(0);
    expect([...seenA, ...seenB].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('resumes a persistent session: messages published while the worker was away arrive', async () => {
    const connect = { url: broker.url, clientId: 'persistent-worker', clean: false };
    const first = mqttSource({ connect, topics: 'queue/+id' });
    const one = await running(first, first.readings$, 1);
    await pub.publishAsync('queue/a', '1', { qos: 1 });
    expect((await one.done).map((r) => r.value)).toEqual([1]);
    await new Promise((r) => setTimeout(r, 200)); // the first worker has disconnected, subscription kept
    for (let i = 2; i <= 6; i++) await pub.publishAsync('queue/a', String(i), { qos: 1 });
    const second = mqttSource({ connect, topics: 'queue/+id' });
    const events: MqttEvent[] = [];
    second.diagnostics.events$.subscribe((e) => events.push(e));
    const got = await lastValueFrom(second.readings$.pipe(take(5), toArray()));
    expect(got.map((r) => r.value)).toEqual([2, 3, 4, 5, 6]);
    expect(events.find((e) => e.type === 'connect')).toMatchObject({ sessionPresent: true, protocolVersion: 5 });
  });

  it('drops the broker-side subscription of a persistent session when keepSubscription is false', async () => {
    const connect = { url: broker.url, clientId: 'leaving-worker', clean: false };
    const first = mqttSource({ connect, topics: 'leave/+id', keepSubscription: false });
    const one = await running(first, first.readings$, 1);
    await pub.publishAsync('leave/a', '1', { qos: 1 });
    await one.done;
    await new Promise((r) => setTimeout(r, 200));
    await pub.publishAsync('leave/a', '2', { qos: 1 }); // nobody subscribed: not queued
    const second = mqttSource({ connect, topics: 'leave/+id' });
    const next = await running(second, second.readings$, 1);
    await pub.publishAsync('leave/a', '3', { qos: 1 });
    expect((await next.done).map((r) => r.value)).toEqual([3]);
  });

  it('redelivers on resume a message the last run did not take completely', async () => {
    const connect = { url: broker.url, clientId: 'partial-worker', clean: false };
    const codec = { kind: 'json', fields: ['a', 'b'] } as const;
    const first = mqttSource({ connect, topics: 'partial/+id', codec });
    const one = await running(first, first.readings$, 1);
    await pub.publishAsync('partial/1', '{"a": 1, "b": 2}', { qos: 1 });
    expect((await one.done).map((r) => r.series)).toEqual(['1/a']);
    expect(first.diagnostics.counters.unacknowledged).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    const second = mqttSource({ connect, topics: 'partial/+id', codec });
    const again = await lastValueFrom(second.readings$.pipe(take(2), toArray()));
    expect(again.map((r) => [r.series, r.value])).toEqual([
      ['1/a', 1],
      ['1/b', 2],
    ]);
  });

  it('takes readings from mosquitto_pub and delivers normalized output to mosquitto_sub', async () => {
    if (!hasMosquittoClients()) return expect(hasMosquittoClients()).toBe(false);
    const out = mosquittoSub(broker.port, 'normalized/#', 3, 'MSG>%t|%p');
    await out.subscribed;
    const source = mqttSource({ connect: { url: broker.url }, topics: 'sensors/+site/+device/#field', codec: { kind: 'json', time: 'ts' }, timeUnit: 's' });
    const normalized$ = source.readings$.pipe(
      take(3),
      map((r): Normalized => ({ series: r.series, raw: r.value, value: typeof r.value === 'number' ? (r.value - 20) / 2 : NaN, time: r.time, tags: r.tags, phase: 'frozen', version: 1 })),
    );
    const connected = firstValueFrom(source.diagnostics.events$.pipe(filter((e) => e.type === 'connect')));
    const acks = lastValueFrom(normalized$.pipe(publishNormalized({ connect: { url: broker.url }, topic: 'normalized/{site}/{device}/{field}' }), toArray()));
    await connected;
    await new Promise((r) => setTimeout(r, 150));
    await mosquittoPub(broker.port, ['-t', 'sensors/s1/d1/temp', '-q', '1', '-m', '{"value": 22, "ts": 1700000000}']);
    await mosquittoPub(broker.port, ['-t', 'sensors/s1/d2/temp', '-q', '1', '-m', '{"value": 18, "ts": 1700000001}']);
    await mosquittoPub(broker.port, ['-t', 'sensors/s2/d1/temp', '-q', '1', '-V', '5', '-m', '{"value": null, "ts": 1700000002}']);
    expect((await acks).every((a) => a.ok)).toBe(true);
    const lines = await out.lines;
    const parsed = lines.map((l) => {
      const [topic, payload] = l.slice(4).split('|');
      return [topic, decodeNormalized(payload ?? '')] as const;
    });
    expect(parsed.map(([t, n]) => [t, n.value, n.time])).toEqual([
      ['normalized/s1/d1/temp', 1, 1_700_000_000_000],
      ['normalized/s1/d2/temp', -1, 1_700_000_001_000],
      ['normalized/s2/d1/temp', NaN, 1_700_000_002_000],
    ]);
  });
});

describe.skipIf(skip !== undefined)(`broker restart mid-stream on Mosquitto${skip ? ` (NOT RUN: ${skip})` : ''}`, () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('loses no QoS 1 reading across a restart: every published id comes out at least once', async () => {
    const backoff = { initialMs: 50, maxMs: 400 };
    const source = mqttSource({ connect: { url: broker.url, clientId: 'restart-worker', clean: false, backoff }, topics: 'restart/+dev' });
    const seen = new Map<number, number>();
    const events: MqttEvent[] = [];
    source.diagnostics.events$.subscribe((e) => events.push(e));
    const sub = source.readings$.subscribe((r) => seen.set(r.value as number, (seen.get(r.value as number) ?? 0) + 1));
    await firstValueFrom(source.diagnostics.events$.pipe(filter((e) => e.type === 'connect')));
    await new Promise((r) => setTimeout(r, 150));

    const publisher = await connectMqtt({ url: broker.url, clientId: 'restart-publisher', backoff });
    const n = 600;
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
      sent.push(publisher.publishAsync(`restart/d${i % 4}`, String(i), { qos: 1 }));
      if (i === n / 3) await broker.restart();
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(sent); // every publish acknowledged by the broker, some after the restart
    const deadline = Date.now() + 20_000;
    while (seen.size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    sub.unsubscribe();
    await publisher.endAsync();

    const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !seen.has(i));
    expect(missing).toEqual([]);
    const connects = events.filter((e) => e.type === 'connect');
    expect(connects.length).toBeGreaterThanOrEqual(2);
    expect(connects.at(-1)).toMatchObject({ sessionPresent: true }); // the session survived the restart
    const duplicates = [...seen.values()].filter((c) => c > 1).length;
    console.info(`[restart] ${n} readings published, ${seen.size} distinct received, ${duplicates} delivered more than once`);
  });
});
