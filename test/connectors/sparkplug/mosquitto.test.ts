import { connectAsync, type MqttClient } from 'mqtt';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from 'streamnorm';
import { sparkplugEdgeNode, sparkplugSource, type SparkplugEvent, type SparkplugSource } from 'streamnorm/sparkplug';
import { mosquittoSkipReason, startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.js';
import { decodeWire, encodeWire, type WirePayload } from './wire.js';

const skip = mosquittoSkipReason();
const D = { Int32: 3, UInt64: 8, Double: 10, Boolean: 11 };

/** Messages on `filter`, decoded by the hand-written test decoder, in arrival order. */
async function collect(url: string, topicFilter: string): Promise<{ client: MqttClient; messages: { topic: string; payload: WirePayload; raw: Buffer }[] }> {
  const client = await connectAsync(url);
  const messages: { topic: string; payload: WirePayload; raw: Buffer }[] = [];
  client.on('message', (topic, raw) => {
    let payload: WirePayload = {};
    try {
      payload = decodeWire(raw);
    } catch {
      // dead letters in the envelope format are JSON
    }
    messages.push({ topic, payload, raw });
  });
  await client.subscribeAsync(topicFilter, { qos: 1 });
  return { client, messages };
}

const until = async (check: () => boolean, what: string, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function subscribed(source: SparkplugSource): Promise<void> {
  await firstValueFrom(source.events$.pipe(filter((e: SparkplugEvent) => e.type === 'mqtt' && e.event.type === 'connect')));
  await new Promise((r) => setTimeout(r, 150)); // the SUBACK follows the CONNACK at once on loopback
}

describe.skipIf(skip !== undefined)(`Sparkplug B on Mosquitto${skip ? ` (NOT RUN: ${skip})` : ''}`, () => {
  let broker: MosquittoBroker;
  let edge: MqttClient;

  beforeAll(async () => {
    broker = await startMosquitto();
    edge = await connectAsync(broker.url);
  });
  afterAll(async () => {
    await edge?.endAsync();
    await broker?.stop();
  });

  it('source: births, data by alias, a seq gap answered by a rebirth request, a malformed payload counted and dead-lettered, a death marking series stale', async () => {
    const watch = await collect(broker.url, '#');
    const source = sparkplugSource({ connect: { url: broker.url }, groups: ['plant'], deadLetter: { format: 'envelope' } });
    const events: SparkplugEvent[] = [];
    source.events$.subscribe((e) => events.push(e));
    const readings: Reading[] = [];
    const sub = source.readings$.subscribe((r) => readings.push(r));
    await subscribed(source);
    const send = (topic: string, p: WirePayload | Buffer): Promise<unknown> => edge.publishAsync(`spBv1.0/plant/${topic}`, Buffer.isBuffer(p) ? p : encodeWire(p), { qos: 0 });

    await send('NBIRTH/gw1', { timestamp: 1000, seq: 0, metrics: [{ name: 'bdSeq', datatype: D.UInt64, longValue: 3n }, { name: 'Uptime', alias: 1, datatype: D.Double, doubleValue: 12 }, { name: 'Node Control/Rebirth', datatype: D.Boolean, booleanValue: false }] });
    await send('DBIRTH/gw1/press', { timestamp: 1001, seq: 1, metrics: [{ name: 'Pressure', alias: 2, datatype: D.Double, doubleValue: 100 }, { name: 'Count', alias: 3, datatype: D.Int32, intValue: 0 }] });
    await send('DDATA/gw1/press', { timestamp: 1002, seq: 2, metrics: [{ alias: 2, doubleValue: 101.5 }, { alias: 3, intValue: -7 }] });
    await until(() => readings.length === 5, 'births and data');
    expect(readings.map((r) => [r.series, r.value, r.time])).toEqual([
      ['plant/gw1/Uptime', 12, 1000],
      ['plant/gw1/press/Pressure', 100, 1001],
      ['plant/gw1/press/Count', 0, 1001],
      ['plant/gw1/press/Pressure', 101.5, 1002],
      ['plant/gw1/press/Count', -7, 1002],
    ]);

    // seq 3 is lost: the next DDATA has seq 4, and the source asks the node for a rebirth
    await send('DDATA/gw1/press', { timestamp: 1004, seq: 4, metrics: [{ alias: 2, doubleValue: 102 }] });
    await until(() => watch.messages.some((m) => m.topic === 'spBv1.0/plant/NCMD/gw1'), 'the rebirth request');
    const ncmd = watch.messages.find((m) => m.topic === 'spBv1.0/plant/NCMD/gw1')!;
    expect(ncmd.payload.metrics).toEqual([{ name: 'Node Control/Rebirth', datatype: D.Boolean, booleanValue: true }]);
    expect(events.filter((e) => e.type === 'rebirth')).toEqual([{ type: 'rebirth', group: 'plant', edge: 'gw1', reason: 'seq-gap' }]);
    expect([source.session.counters.seqGaps, source.session.counters.rebirthRequests]).toEqual([1, 1]);

    // not protobuf: counted, reported, dead-lettered with the original bytes
    const junk = Buffer.from([0x12, 0x10, 0x01]);
    await send('DDATA/gw1/press', junk);
    await until(() => watch.messages.some((m) => m.topic.startsWith('streamnorm/dead-letter/')), 'the dead letter');
    const letter = JSON.parse(watch.messages.find((m) => m.topic.startsWith('streamnorm/dead-letter/'))!.raw.toString());
    expect(letter.topic).toBe('spBv1.0/plant/DDATA/gw1/press');
    expect(letter.reasons).toEqual(['bad-protobuf']);
    expect(Buffer.from(letter.payloadBase64, 'base64')).toEqual(junk);
    expect([source.session.counters.malformed, source.counters.deadLettered]).toEqual([1, 1]);

    // the node's death certificate (its will), matched by bdSeq
    await send('NDEATH/gw1', { timestamp: 1010, metrics: [{ name: 'bdSeq', datatype: D.UInt64, longValue: 3n }] });
    await until(() => events.some((e) => e.type === 'stale'), 'the stale event');
    const stale = events.find((e) => e.type === 'stale') as Extract<SparkplugEvent, { type: 'stale' }>;
    expect(stale.series.sort()).toEqual(['plant/gw1/Node Control/Rebirth', 'plant/gw1/Uptime', 'plant/gw1/bdSeq', 'plant/gw1/press/Count', 'plant/gw1/press/Pressure']);
    expect(source.session.isStale('plant/gw1/press/Pressure')).toBe(true);
    sub.unsubscribe();
    await watch.client.endAsync();
  });

  it('edge node: NBIRTH, a DBIRTH before any DDATA, DDATA by alias, rebirth on NCMD, and its NDEATH as will when it dies', async () => {
    const watch = await collect(broker.url, 'spBv1.0/out/#');
    const node = sparkplugEdgeNode({ connect: { url: broker.url, backoff: { initialMs: 50 } }, group: 'out', edge: 'norm1', bdSeq: 7 });
    await node.start();
    const n = (series: string, value: number, device = 'line1') => ({ series, raw: value, value, phase: 'frozen' as const, version: 1, tags: { device } });
    await node.publish(n('line1/temp', 0.5));
    await node.publish(n('line1/temp', -1.25));
    await node.publish(n('line1/temp', NaN));
    await node.publish(n('line1/flow', 2)); // a new metric: the device is reborn with both
    await until(() => watch.messages.length >= 6, 'the first messages');
    const seen = watch.messages.map((m) => [m.topic, m.payload.seq, m.payload.metrics?.map((x) => [x.name, x.alias, x.doubleValue ?? x.longValue ?? x.booleanValue ?? (x.isNull ? 'null' : undefined)])]);
    expect(seen).toEqual([
      ['spBv1.0/out/NBIRTH/norm1', 0, [['bdSeq', undefined, 7n], ['Node Control/Rebirth', undefined, false]]],
      ['spBv1.0/out/DBIRTH/norm1/line1', 1, [['line1/temp', 1, 0.5]]],
      ['spBv1.0/out/DDATA/norm1/line1', 2, [[undefined, 1, -1.25]]],
      ['spBv1.0/out/DDATA/norm1/line1', 3, [[undefined, 1, 'null']]],
      ['spBv1.0/out/DDEATH/norm1/line1', 4, []],
      ['spBv1.0/out/DBIRTH/norm1/line1', 5, [['line1/temp', 1, 'null'], ['line1/flow', 2, 2]]],
    ]);

    // a host asks for a rebirth: every BIRTH again, seq from 0
    watch.messages.length = 0;
    await edge.publishAsync('spBv1.0/out/NCMD/norm1', encodeWire({ timestamp: 5, metrics: [{ name: 'Node Control/Rebirth', datatype: D.Boolean, booleanValue: true }] }));
    const births = (): typeof watch.messages => watch.messages.filter((m) => !m.topic.includes('/NCMD/'));
    await until(() => births().length >= 2, 'the births after NCMD');
    expect(births().map((m) => [m.topic, m.payload.seq])).toEqual([
      ['spBv1.0/out/NBIRTH/norm1', 0],
      ['spBv1.0/out/DBIRTH/norm1/line1', 1],
    ]);
    expect(node.counters.rebirths).toBe(1);

    // the process loses its connection without a DISCONNECT: the broker publishes the will
    watch.messages.length = 0;
    node.connection.client.stream.destroy();
    await until(() => watch.messages.some((m) => m.topic === 'spBv1.0/out/NDEATH/norm1'), 'the will');
    const death = watch.messages.find((m) => m.topic === 'spBv1.0/out/NDEATH/norm1')!;
    expect(death.payload.metrics).toEqual([{ name: 'bdSeq', datatype: D.UInt64, longValue: 7n }]);
    // it reconnects as a new session: bdSeq + 1 in the NBIRTH (and in its next will)
    await until(() => watch.messages.some((m) => m.topic === 'spBv1.0/out/NBIRTH/norm1'), 'the rebirth after reconnecting', 10_000);
    const reborn = watch.messages.find((m) => m.topic === 'spBv1.0/out/NBIRTH/norm1')!;
    expect(reborn.payload.metrics?.[0]).toEqual({ name: 'bdSeq', datatype: D.UInt64, longValue: 8n });
    await node.end();
    await until(() => watch.messages.filter((m) => m.topic === 'spBv1.0/out/NDEATH/norm1').length === 2, 'the NDEATH at the end');
    expect(watch.messages.filter((m) => m.topic === 'spBv1.0/out/NDEATH/norm1')[1]!.payload.metrics?.[0]?.longValue).toBe(8n);
    await watch.client.endAsync();
  });

  it('the source reads the edge node: normalized values round-trip through Sparkplug', async () => {
    const source = sparkplugSource({ connect: { url: broker.url }, groups: ['rt'] });
    const got = firstValueFrom(source.readings$.pipe(take(3), toArray()));
    await subscribed(source);
    const node = sparkplugEdgeNode({ connect: { url: broker.url }, group: 'rt', edge: 'n' });
    await node.start();
    for (const value of [0.25, -3, 1e-9]) await node.publish({ series: 'm', raw: value, value, phase: 'frozen', version: 1, tags: { device: 'd' } });
    expect((await got).map((r) => [r.series, r.value])).toEqual([
      ['rt/n/d/m', 0.25],
      ['rt/n/d/m', -3],
      ['rt/n/d/m', 1e-9],
    ]);
    expect(source.session.counters.seqGaps).toBe(0);
    await node.end();
  });
});
