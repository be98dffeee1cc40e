import { connect, connectAsync, type MqttClient } from 'mqtt';
import { from, lastValueFrom, of, Subject, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandardScaler, type Normalized } from 'streamnorm';
import {
  decodeNormalized,
  publishFrozenStats,
  publishNormalized,
  readFrozenStats,
  SourceDiagnostics,
  watchFrozenStats,
  type SeriesParams,
} from 'streamnorm/mqtt';
import { startAedes, type AedesBroker } from '../../helpers/aedes.js';

let broker: AedesBroker;
let watcher: MqttClient;

beforeAll(async () => {
  broker = await startAedes();
  watcher = await connectAsync(broker.url, { protocolVersion: 4 });
});
afterAll(async () => {
  await watcher.endAsync();
  await broker.close();
});

function received(filter: string, n: number): Promise<Array<{ topic: string; payload: Buffer; retain: boolean }>> {
  const out: Array<{ topic: string; payload: Buffer; retain: boolean }> = [];
  return new Promise((resolve, reject) => {
    const onMessage = (topic: string, payload: Buffer, packet: { retain: boolean }): void => {
      if (!topic.startsWith(filter.replace('#', ''))) return;
      out.push({ topic, payload, retain: packet.retain });
      if (out.length === n) {
        watcher.off('message', onMessage);
        resolve(out);
      }
    };
    watcher.on('message', onMessage);
    watcher.subscribe(filter, { qos: 1 }, (err) => err && reject(err));
  });
}

const n = (series: string, value: number, tags: Record<string, string>): Normalized => ({ series, raw: value * 10, value, time: 1000, phase: 'frozen', version: 1, tags });

describe('publishNormalized on aedes', () => {
  it('publishes to the topic template and completes after every ack', async () => {
    const got = received('normalized/#', 3);
    await new Promise((r) => setTimeout(r, 50));
    const items = [n('a/t', 1, { site: 'a', field: 't' }), n('b/t', NaN, { site: 'b', field: 't' }), n('a/h', -2, { site: 'a', field: 'h' })];
    const acks = await lastValueFrom(from(items).pipe(publishNormalized({ connect: { url: broker.url }, topic: 'normalized/{site}/{field}' }), toArray()));
    expect(acks.map((a) => [a.topic, a.ok])).toEqual([
      ['normalized/a/t', true],
      ['normalized/b/t', true],
      ['normalized/a/h', true],
    ]);
    const msgs = await got;
    expect(msgs.map((m) => m.topic)).toEqual(['normalized/a/t', 'normalized/b/t', 'normalized/a/h']);
    expect(msgs.map((m) => decodeNormalized(m.payload.toString()).value)).toEqual([1, NaN, -2]);
    expect(JSON.parse(msgs[1]?.payload.toString() ?? '')).toMatchObject({ value: 'NaN', raw: 'NaN' });
  });

  it('reports unpublishable readings as failed acks and goes on', async () => {
    const client = await connectAsync(broker.url, { protocolVersion: 4 });
    const items: Normalized[] = [
      { series: 'x', raw: 1, value: 1, phase: 'frozen', version: 1 },
      { series: 'bad+series', raw: 1, value: 1, phase: 'frozen', version: 1 },
      { series: 'ok', raw: 1, value: 1, phase: 'frozen', version: 1, tags: { site: 's' } },
    ];
    const acks = await lastValueFrom(from(items).pipe(publishNormalized({ client, topic: 'out/{site}/{series}', qos: 0 }), toArray()));
    expect(acks.map((a) => [a.ok, a.error])).toEqual([
      [false, 'topic template needs {site}'],
      [false, 'topic template needs {site}'],
      [true, undefined],
    ]);
    const acks2 = await lastValueFrom(from(items.slice(1, 2)).pipe(publishNormalized({ client, topic: 'out/{series}' }), toArray()));
    expect(acks2[0]?.error).toMatch(/wildcard/);
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('waits for in-flight publishes of a live stream before completing', async () => {
    const client = await connectAsync(broker.url, { protocolVersion: 4 });
    const live = new Subject<Normalized>();
    const done = lastValueFrom(live.pipe(publishNormalized({ client }), toArray()));
    for (let i = 0; i < 50; i++) live.next({ series: `s${i % 3}`, raw: i, value: i, phase: 'frozen', version: 1 });
    live.complete();
    const acks = await done;
    expect(acks).toHaveLength(50);
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(Object.keys(client.outgoing)).toHaveLength(0);
    await client.endAsync();
  });

  it('counts a QoS 0 reading dropped while offline, and holds QoS 1 readings until the client connects', async () => {
    const offline = connect(broker.url, { protocolVersion: 4, manualConnect: true, queueQoSZero: false });
    const item: Normalized = { series: 'off', raw: 1, value: 1, phase: 'frozen', version: 1 };
    const dropped = await lastValueFrom(of(item).pipe(publishNormalized({ client: offline, qos: 0 }), toArray()));
    expect(dropped.map((a) => [a.ok, a.error])).toEqual([[false, 'No connection to broker']]);

    const got = received('normalized/held', 1);
    await new Promise((r) => setTimeout(r, 50));
    const held = lastValueFrom(of({ ...item, series: 'held' }).pipe(publishNormalized({ client: offline, qos: 1 }), toArray()));
    let settled = false;
    void held.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false); // waiting in the client's outgoing store
    offline.connect();
    expect((await held).map((a) => a.ok)).toEqual([true]);
    expect((await got).map((m) => m.topic)).toEqual(['normalized/held']);
    await offline.endAsync();
  });

  it('passes a source error through', async () => {
    const client = await connectAsync(broker.url, { protocolVersion: 4 });
    const live = new Subject<Normalized>();
    const done = lastValueFrom(live.pipe(publishNormalized({ client })));
    live.error(new Error('upstream broke'));
    await expect(done).rejects.toThrow('upstream broke');
    await client.endAsync();
  });
});

describe('frozen statistics as retained messages on aedes', () => {
  it('publishes retained stats that a late reader gets back exactly', async () => {
    const temp = new StandardScaler().learnMany([20, 21, 22, 23]).freeze();
    const hum = new StandardScaler().learnMany([40, 50]).freeze();
    const frozen$ = of<SeriesParams[]>({ series: 'p1/temp', params: temp }, { series: 'p1/hum', params: hum });
    const acks = await lastValueFrom(frozen$.pipe(publishFrozenStats({ connect: { url: broker.url }, topic: 'stats/{series}' }), toArray()));
    expect(acks.map((a) => [a.topic, a.ok])).toEqual([
      ['stats/p1/temp', true],
      ['stats/p1/hum', true],
    ]);
    const retained = await received('stats/#', 2);
    expect(retained.every((m) => m.retain)).toBe(true);

    const stats = await readFrozenStats({ connect: { url: broker.url }, topic: 'stats/{series}' });
    expect([...stats.keys()].sort()).toEqual(['p1/hum', 'p1/temp']);
    expect(stats.get('p1/temp')).toEqual(temp);
    expect(stats.get('p1/hum')).toEqual(hum);
  });

  it('streams updates, skips older versions and counts unreadable stats', async () => {
    const client = await connectAsync(broker.url, { protocolVersion: 4 });
    const diagnostics = new SourceDiagnostics();
    const seen: SeriesParams[] = [];
    let subscribed!: () => void;
    const ready = new Promise<void>((r) => (subscribed = r));
    const sub = watchFrozenStats({ client, topic: 'live/{series}', diagnostics, onSubscribed: () => subscribed() }).subscribe((sp) => seen.push(sp));
    await ready;
    const scaler = new StandardScaler().learnMany([1, 2, 3]);
    const v1 = scaler.freeze();
    scaler.refit().learnMany([10, 20]);
    const v2 = scaler.freeze();
    const pub = await connectAsync(broker.url, { protocolVersion: 4 });
    await lastValueFrom(of({ series: 'k', params: v2 }, { series: 'k', params: v1 }).pipe(publishFrozenStats({ client: pub, topic: 'live/{series}' }), toArray()));
    await pub.publishAsync('live/junk', '{"format":"nope"}', { qos: 1 });
    await pub.publishAsync('live/k', '', { qos: 1, retain: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.map((s) => s.params.version)).toEqual([2]);
    expect(diagnostics.byTopic()).toEqual({ 'live/junk': { 'bad-json': 1 } });
    sub.unsubscribe();
    await pub.endAsync();
    await client.endAsync();
  });
});
