import { connectAsync, type MqttClient } from 'mqtt';
import { lastValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFrozen, normalize, SeriesStore } from 'streamnorm';
import { decodeNormalized, mqttSource, publishFrozenStats, publishNormalized, readFrozenStats } from 'streamnorm/mqtt';
import { startAedes, type AedesBroker } from '../../helpers/aedes.js';

let broker: AedesBroker;
let pub: MqttClient;

beforeAll(async () => {
  broker = await startAedes();
  pub = await connectAsync(broker.url, { protocolVersion: 4 });
});
afterAll(async () => {
  await pub.endAsync();
  await broker.close();
});

describe('MQTT in, normalize, MQTT out (aedes)', () => {
  it('normalizes a live stream, publishes outputs and retained stats another worker serves with identically', async () => {
    const store = new SeriesStore();
    const source = mqttSource({ connect: { url: broker.url }, topics: 'line/+site/+device/#field', codec: { kind: 'json', time: 't' }, timeUnit: 'ms' });
    const outputs: string[] = [];
    const watcher = await connectAsync(broker.url, { protocolVersion: 4 });
    watcher.on('message', (_t, p) => outputs.push(p.toString()));
    await watcher.subscribeAsync('out/#', { qos: 1 });

    const stats = lastValueFrom(store.frozen$.pipe(take(2), publishFrozenStats({ connect: { url: broker.url }, topic: 'line-stats/{series}' }), toArray()));
    const subscribed = new Promise<void>((resolve) => broker.broker.once('subscribe', () => resolve()));
    const acks = lastValueFrom(
      source.readings$.pipe(
        take(12),
        normalize({ store, freeze: { afterSamples: 4 }, whileFitting: 'hold' }),
        publishNormalized({ connect: { url: broker.url }, topic: 'out/{site}/{device}/{field}' }),
        toArray(),
      ),
    );
    await subscribed;
    const values: Record<string, number[]> = { temp: [20, 22, 24, 26, 30, 18], hum: [40, 40.5, 41, 41.5, 39, 100] };
    for (let i = 0; i < 6; i++) {
      for (const field of ['temp', 'hum']) {
        await pub.publishAsync(`line/s1/d1/${field}`, JSON.stringify({ value: values[field]?.[i], t: 1000 * i }), { qos: 1 });
      }
    }
    const published = await acks;
    expect(published).toHaveLength(12);
    expect(published.every((a) => a.ok)).toBe(true);
    expect((await stats).map((a) => a.topic).sort()).toEqual(['line-stats/s1/d1/hum', 'line-stats/s1/d1/temp']);

    // another worker, later: reads the retained statistics and transforms with them
    const served = await readFrozenStats({ connect: { url: broker.url }, topic: 'line-stats/{series}' });
    const temp = served.get('s1/d1/temp');
    expect(temp).toEqual(store.params('s1/d1/temp'));
    expect([temp!.trainMean, temp!.trainStd]).toEqual([store.params('s1/d1/temp')!.center, store.params('s1/d1/temp')!.scale]);
    await new Promise((r) => setTimeout(r, 100));
    const sent = outputs.map((o) => decodeNormalized(o)).filter((n) => n.series === 's1/d1/temp');
    expect(sent).toHaveLength(6);
    for (const n of sent) expect(n.value).toBe(applyFrozen(temp!, n.raw as number));
    expect(sent.map((n) => n.flag ?? n.phase)).toEqual(['held', 'held', 'held', 'held', 'frozen', 'frozen']);
    await watcher.endAsync();
  });
});
