import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { mosquittoSkipReason, startMosquitto, type MosquittoBroker } from '../helpers/mosquitto.js';
import { natsSkipReason, startNats, type NatsServer } from '../helpers/nats.js';
import { bySeries, essence, makeReadings, natsClient, readOutputs, seriesOf, singleProcess, startMember, stopMember, waitForMessages, workerConfig, type WorkerProcess } from './helpers.js';

const NORMALIZE = { freeze: { afterSamples: 20 }, whileFitting: 'provisional' as const };

/**
 * Readings from an existing MQTT broker enter the partitioned stream through a bridge member
 * (acknowledged to the broker once JetStream stored them), in the partition the server's mapping
 * would give them, and reach the workers; a topic that cannot be a subject is counted, not lost
 * in silence.
 */
describe.skipIf(natsSkipReason() ?? mosquittoSkipReason())('role bridge: an MQTT broker into the partitioned stream', () => {
  let nats: NatsServer;
  let broker: MosquittoBroker;
  const members: WorkerProcess[] = [];
  beforeAll(async () => {
    nats = await startNats();
    broker = await startMosquitto();
  });
  afterAll(async () => {
    for (const w of members) w.child.kill('SIGKILL');
    await nats?.stop();
    await broker?.stop();
  });

  it('brings every reading to the workers, as one process would normalize it', async () => {
    const all = makeReadings(30, 40).flat();
    const { nc } = await natsClient(nats.url);
    const bridge = startMember('bridge', {
      cluster: { servers: nats.url, role: 'bridge', worker: 'bridge', partitions: 8 },
      input: { mqtt: { url: broker.url, clientId: 'bridge-1', clean: false, topics: 'sensors/+site/+device' } },
    });
    const w1 = startMember('w1', workerConfig(nats.url, 'w1', { normalize: NORMALIZE }));
    members.push(bridge, w1);
    await Promise.all([bridge.waitFor(/running/), w1.waitFor(/running/)]);
    await new Promise((r) => setTimeout(r, 500)); // the bridge's subscription is granted
    const device = await mqtt.connectAsync(broker.url, { clientId: 'device' });
    for (const r of all) await device.publishAsync(`sensors/${r.site}/${r.device}`, JSON.stringify({ value: r.value, time: r.time }), { qos: 1 });
    await device.publishAsync('sensors/bad site/x', '1', { qos: 1 }); // a level with a space: no NATS subject
    await device.endAsync();
    await waitForMessages(nc, 'streamnorm-out', all.length);
    await Promise.all([stopMember(bridge), stopMember(w1)]);
    expect(bridge.counters()).toMatchObject({ published: all.length, malformed: 1 });
    const got = bySeries(await readOutputs(nc, 'streamnorm-out'));
    expect(new Set(got.keys())).toEqual(new Set(all.map(seriesOf)));
    const want = await singleProcess(all, NORMALIZE);
    for (const [series, list] of want) expect(got.get(series)?.map(essence), series).toEqual(list.map(essence));
    await nc.close();
  }, 90_000);
});
