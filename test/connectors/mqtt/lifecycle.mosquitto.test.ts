import { connectAsync, type MqttClient } from 'mqtt';
import { filter, firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inverseNormalize, normalize, SeriesStore, type DriftAlarm, type Normalized } from 'streamnorm';
import { decodeNormalized, mqttSource, publishNormalized, type MqttEvent } from 'streamnorm/mqtt';
import { gaussian } from '../../helpers/random.js';
import { mosquittoSkipReason, startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.js';

const skip = mosquittoSkipReason();

/**
 * The statistics lifecycle on a real stream through Mosquitto (MQTT 5, QoS 1): fit → freeze v1 →
 * a 3σ shift → a CUSUM alarm → a refit beside v1 → v2 promoted → outputs switch version at one
 * reading, none dropped or doubled; a v1 output inverted after the switch uses v1.
 */
describe.skipIf(skip !== undefined)(`the lifecycle through Mosquitto${skip ? ` (NOT RUN: ${skip})` : ''}`, () => {
  let broker: MosquittoBroker;
  let pub: MqttClient;
  let sub: MqttClient;

  beforeAll(async () => {
    broker = await startMosquitto();
    pub = await connectAsync(broker.url, { protocolVersion: 5 });
    sub = await connectAsync(broker.url, { protocolVersion: 5 });
  });
  afterAll(async () => {
    await pub?.endAsync();
    await sub?.endAsync();
    await broker?.stop();
  });

  it('fit → v1 → shift → alarm → refit → v2, one switch, nothing lost or doubled; the inverse of a v1 output uses v1', async () => {
    const g = gaussian(21);
    const N = 700;
    const values = Array.from({ length: N }, (_, i) => (i < 300 ? 50 : 56) + 2 * g());
    const store = new SeriesStore();
    const alarms: DriftAlarm[] = [];
    store.drift$.subscribe((a) => alarms.push(a));

    const received: Normalized[] = [];
    await sub.subscribeAsync('out/#', { qos: 1 });
    const all = new Promise<void>((resolve) =>
      sub.on('message', (_t, payload) => {
        received.push(decodeNormalized(payload.toString('utf8')));
        if (received.length === N) resolve();
      }),
    );

    const source = mqttSource({ connect: { url: broker.url, clientId: 'lifecycle-in' }, topics: 'in/+device', codec: { kind: 'json', value: 'v', time: 't' }, timeUnit: 'ms', qos: 1 });
    const connected = firstValueFrom(source.diagnostics.events$.pipe(filter((e: MqttEvent) => e.type === 'connect')));
    const pipeline = lastValueFrom(
      source.readings$.pipe(
        take(N),
        normalize({ store, freeze: { afterSamples: 100 }, refit: { onAlarm: true } }),
        publishNormalized({ connect: { url: broker.url, clientId: 'lifecycle-out' }, topic: 'out/{series}', qos: 1 }),
        toArray(),
      ),
    );
    await connected;
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.UTC(2026, 10, 30);
    for (let i = 0; i < N; i++) await pub.publishAsync('in/d1', JSON.stringify({ v: values[i], t: t0 + i * 1000 }), { qos: 1 });
    const acks = await pipeline;
    await all;

    expect(acks.every((a) => a.ok)).toBe(true);
    // Nothing dropped or doubled: one output per reading, in order.
    expect(received.map((n) => n.time)).toEqual(values.map((_, i) => t0 + i * 1000));
    // v1 serves from the freeze; the alarm comes soon after the shift, on v1.
    const cusum = alarms.filter((a) => a.kind === 'cusum');
    expect(cusum[0]?.version).toBe(1);
    expect((cusum[0]?.time as number) - (t0 + 300_000)).toBeLessThan(20_000);
    // The outputs switch from v1 to v2 at one reading and stay there.
    const versions = received.map((n) => n.version);
    const first = versions.indexOf(1);
    const switchAt = versions.indexOf(2);
    expect(first).toBe(100); // the 100 window readings are provisional (version 0)
    expect(switchAt).toBeGreaterThan(300);
    expect(versions.slice(first, switchAt).every((v) => v === 1)).toBe(true);
    expect(versions.slice(switchAt).every((v) => v === 2)).toBe(true);
    expect(store.params('d1')?.center).toBeGreaterThan(55);

    // A model output made from a v1 input, inverted after v2 is live: v1's statistics.
    const v1out = received[switchAt - 1] as Normalized;
    const [back] = await lastValueFrom(from([{ series: 'd1', value: v1out.value, version: v1out.version }]).pipe(inverseNormalize({ store }), toArray()));
    expect(back?.version).toBe(1);
    expect(back?.value).toBeCloseTo(v1out.raw as number, 9);
    expect(store.paramsAt('d1', 1)?.center).toBeLessThan(51);
  }, 60_000);
});
