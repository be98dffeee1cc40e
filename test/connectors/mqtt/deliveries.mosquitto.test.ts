import { connectAsync } from 'mqtt';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMqttDeliveries, type Delivery } from '../../../connectors/mqtt/deliveries.js';
import { publishEach } from 'streamnorm/mqtt';
import { mosquittoSkipReason } from '../../helpers/mosquitto.js';
import { startFaultBroker, type FaultBroker } from '../../faults/broker.js';

const skip = mosquittoSkipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skip !== undefined)('at-least-once MQTT connectors (Mosquitto)', () => {
  let broker: FaultBroker;
  beforeAll(async () => {
    broker = await startFaultBroker();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('openMqttDeliveries: the bound is sent as Receive Maximum, acknowledgements go out in receipt order, settled ones come back never', async () => {
    const got: Delivery[] = [];
    const source = openMqttDeliveries({ connect: { url: broker.url, clientId: 'deliveries-1', clean: false }, topics: 'd/+n', maxUnacknowledged: 5 }, (d) => got.push(d));
    await source.connection.ready;
    await sleep(200);
    const pub = await connectAsync(broker.url, { protocolVersion: 5 });
    for (let i = 0; i < 12; i++) await pub.publishAsync(`d/${i}`, String(i), { qos: 1 });
    await sleep(300);
    expect(got.map((d) => d.readings[0]?.value)).toEqual([0, 1, 2, 3, 4]); // the broker honours Receive Maximum 5
    got[1]?.settle(); // out of order: nothing can be acknowledged before message 0
    await sleep(200);
    expect(got).toHaveLength(5);
    expect(source.acks.acknowledged).toBe(0);
    got[0]?.settle(); // 0 and 1 go out
    await sleep(300);
    expect(source.acks.acknowledged).toBe(2);
    expect(got.map((d) => d.readings[0]?.value)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // unsettled ones come again after a reconnect (persistent session), marked as sent again
    await source.end();
    const again: Delivery[] = [];
    const resumed = openMqttDeliveries({ connect: { url: broker.url, clientId: 'deliveries-1', clean: false }, topics: 'd/+n', maxUnacknowledged: 100 }, (d) => {
      again.push(d);
      d.settle();
    });
    await sleep(800);
    expect(again.map((d) => d.readings[0]?.value)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(again.slice(0, 5).every((d) => d.dup)).toBe(true);
    await resumed.end();
    await pub.endAsync();
  });

  it('publishEach past 65,535 publishes waiting for the broker: every acknowledgement arrives (mqtt.js alone lost them)', async () => {
    const client = await connectAsync(broker.url, { protocolVersion: 4, clientId: 'many-publishes' });
    await broker.signal('SIGSTOP'); // nothing is acknowledged while 70,000 wait
    const items = Array.from({ length: 70_000 }, (_, i) => i);
    const acks = lastValueFrom(from(items).pipe(publishEach({ client, maxInflight: 1000 }, (i) => ({ topic: `many/${i % 10}`, payload: String(i), publish: { qos: 1 } })), toArray()));
    await sleep(500);
    await broker.signal('SIGCONT');
    const all = await acks;
    expect(all.length).toBe(70_000);
    expect(all.every((a) => a.ok)).toBe(true);
    await client.endAsync();
  }, 60_000);
});
