import { connectAsync, type MqttClient, type Packet } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mqttSource } from 'streamnorm/mqtt';
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

async function subscribed(filter: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const on = (subs: { topic: string }[]): void => {
      if (!subs.some((s) => s.topic === filter)) return;
      broker.broker.off('subscribe', on);
      resolve();
    };
    broker.broker.on('subscribe', on);
  });
}

describe('acknowledgement after the pipeline took the message (QoS 1)', () => {
  it('sends each PUBACK only after every reading of the message went through next()', async () => {
    const client = await connectAsync(broker.url, { protocolVersion: 4 });
    const log: string[] = [];
    const received = new Map<number, string>();
    client.on('packetreceive', (p: Packet) => {
      if (p.cmd === 'publish' && p.messageId !== undefined) received.set(p.messageId, p.payload.toString());
    });
    client.on('packetsend', (p: Packet) => {
      if (p.cmd === 'puback') log.push(`puback ${received.get(p.messageId ?? -1)}`);
    });
    const source = mqttSource({ client, topics: 'ack/+id', codec: { kind: 'json', fields: ['a', 'b'] } });
    const ready = subscribed('ack/+');
    const sub = source.readings$.subscribe((r) => log.push(`next ${r.series}`));
    await ready;
    await pub.publishAsync('ack/1', '{"a": 1, "b": 2}', { qos: 1 });
    await pub.publishAsync('ack/2', '{"a": 3, "b": 4}', { qos: 1 });
    await vi.waitFor(() => expect(log).toHaveLength(6));
    expect(log).toEqual(['next 1/a', 'next 1/b', 'puback {"a": 1, "b": 2}', 'next 2/a', 'next 2/b', 'puback {"a": 3, "b": 4}']);
    sub.unsubscribe();
    await client.endAsync();
  });

  it('leaves a message unacknowledged when the subscriber stops before taking all of it', async () => {
    const client = await connectAsync(broker.url, { protocolVersion: 4 });
    const pubacks: number[] = [];
    client.on('packetsend', (p: Packet) => {
      if (p.cmd === 'puback') pubacks.push(p.messageId ?? -1);
    });
    const source = mqttSource({ client, topics: 'half/+id', codec: { kind: 'json', fields: ['a', 'b'] } });
    const ready = subscribed('half/+');
    const seen: string[] = [];
    const sub = source.readings$.subscribe((r) => {
      seen.push(r.series);
      sub.unsubscribe(); // stop after the first reading of the message
    });
    await ready;
    await pub.publishAsync('half/1', '{"a": 1, "b": 2}', { qos: 1 });
    await vi.waitFor(() => expect(source.diagnostics.counters.unacknowledged).toBe(1));
    expect(seen).toEqual(['1/a']);
    expect(pubacks).toEqual([]);
    expect(source.diagnostics.counters.acknowledged).toBe(0);
    await client.endAsync(true);
  });

  it('acknowledges a malformed message once it is counted', async () => {
    const client = await connectAsync(broker.url, { protocolVersion: 4 });
    let pubacks = 0;
    client.on('packetsend', (p: Packet) => {
      if (p.cmd === 'puback') pubacks += 1;
    });
    const source = mqttSource({ client, topics: 'junk/+id' });
    const ready = subscribed('junk/+');
    const sub = source.readings$.subscribe();
    await ready;
    await pub.publishAsync('junk/1', 'not a number', { qos: 1 });
    await vi.waitFor(() => expect(pubacks).toBe(1));
    expect(source.diagnostics.count('not-a-number', 'junk/1')).toBe(1);
    sub.unsubscribe();
    await client.endAsync();
  });
});
