import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrozenStats } from 'streamnorm/mqtt';
import { main } from '../../examples/mqtt-normalize-mqtt.js';
import { startAedes, type AedesBroker } from '../helpers/aedes.js';
import { mosquittoSkipReason, startMosquitto, type MosquittoBroker } from '../helpers/mosquitto.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The simulated values the example publishes, recomputed here: device d, message i. */
const temperature = (d: number, i: number): number => 20 + d + 2 * Math.sin(i / 3);
const humidity = (d: number, i: number): number | null => (d === 1 && i === 5 ? null : 40 + d + 5 * Math.cos(i / 5));

/** Mean and population standard deviation (scikit-learn's StandardScaler), two-pass. */
function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) };
}

interface Received {
  topic: string;
  retain: boolean;
  body: Record<string, unknown>;
}

/** A test client that records everything on `filter` (subscribed before it returns). */
async function record(url: string, filter: string): Promise<{ client: MqttClient; got: Received[] }> {
  const client = await connectAsync(url, { protocolVersion: 4 });
  const got: Received[] = [];
  client.on('message', (topic, payload, packet) => got.push({ topic, retain: packet.retain, body: JSON.parse(payload.toString()) as Record<string, unknown> }));
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, got };
}

describe('examples/mqtt-normalize-mqtt against an embedded aedes broker', () => {
  let broker: AedesBroker;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker?.close();
  });

  it('normalizes every reading with the frozen statistics, publishes it, and retains the statistics', async () => {
    const out = await record(broker.url, 'normalized/#');
    const devices = 2;
    const messages = 30;
    const train = 10;
    const s = await main({ brokerUrl: broker.url, devices, messages, train });
    await sleep(200); // the last QoS 1 deliveries to our own subscriber
    await out.client.endAsync();

    expect(s.readings).toBe(devices * messages * 2);
    expect(s.published).toEqual({ ok: 120, failed: 0 });
    // 4 series × 10 held training values; one null humidity flagged at once; the rest frozen.
    expect(s.outputs).toEqual({ held: 40, frozen: 79, invalid: 1 });
    expect(s.malformed).toBe(1);

    // Retained statistics: exactly the training window of each series (nulls never learned).
    expect(Object.keys(s.retained).sort()).toEqual(['plant1/dev1/humidity', 'plant1/dev1/temperature', 'plant1/dev2/humidity', 'plant1/dev2/temperature']);
    for (let d = 1; d <= devices; d++) {
      const temps = Array.from({ length: train }, (_, i) => temperature(d, i));
      const hums = Array.from({ length: train + 1 }, (_, i) => humidity(d, i)).filter((h): h is number => h !== null).slice(0, train);
      for (const [field, xs] of [['temperature', temps], ['humidity', hums]] as const) {
        const got = s.retained[`plant1/dev${d}/${field}`];
        const want = meanStd(xs);
        expect(got?.count).toBe(train);
        expect(got?.center).toBeCloseTo(want.mean, 12);
        expect(got?.scale).toBeCloseTo(want.std, 12);
      }
    }

    // What a subscriber of the output topics received: every reading once, on its own topic.
    expect(out.got).toHaveLength(120);
    const topics = new Set(out.got.map((m) => m.topic));
    expect([...topics].sort()).toEqual(['normalized/plant1/dev1/humidity', 'normalized/plant1/dev1/temperature', 'normalized/plant1/dev2/humidity', 'normalized/plant1/dev2/temperature']);
    for (const m of out.got) {
      const series = m.topic.slice('normalized/'.length);
      const p = s.retained[series] as { center: number; scale: number };
      if (m.body.flag === 'invalid') {
        expect(m.body).toMatchObject({ series: 'plant1/dev1/humidity', value: 'NaN', raw: null, reason: 'null' });
        continue;
      }
      expect(m.body.phase).toBe('frozen');
      expect(m.body.version).toBe(1);
      expect(m.body.value as number).toBeCloseTo(((m.body.raw as number) - p.center) / p.scale, 12);
    }
    // The first message of dev2's temperature was held, then published with the frozen statistics.
    const first = out.got.find((m) => m.topic === 'normalized/plant1/dev2/temperature' && m.body.time === Date.UTC(2024, 0, 1));
    expect(first?.body).toMatchObject({ raw: temperature(2, 0), flag: 'held' });

    // A late subscriber gets the statistics at once, as retained messages.
    const late = await record(broker.url, 'streamnorm/stats/#');
    await sleep(200);
    await late.client.endAsync();
    expect(late.got).toHaveLength(4);
    for (const m of late.got) {
      expect(m.retain).toBe(true);
      const { series, params } = decodeFrozenStats(JSON.stringify(m.body));
      expect(params.center).toBe(s.retained[series]?.center);
    }
  });

  it('brings its own embedded broker when none is given, and closes it', async () => {
    const s = await main({ devices: 1, messages: 6, train: 3 });
    expect(s.readings).toBe(12);
    expect(s.published).toEqual({ ok: 12, failed: 0 });
    expect(s.outputs).toEqual({ held: 6, frozen: 5, invalid: 1 });
    expect(Object.keys(s.retained)).toHaveLength(2);
  });
});

const noMosquitto = mosquittoSkipReason();

describe.skipIf(noMosquitto !== undefined)('examples/mqtt-normalize-mqtt against Mosquitto (MQTT 5)', () => {
  let broker: MosquittoBroker;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('publishes every normalized reading and retains the statistics of every series', async () => {
    const out = await record(broker.url, 'normalized/#');
    const s = await main({ brokerUrl: broker.url, devices: 3, messages: 20, train: 8 });
    await sleep(200);
    await out.client.endAsync();
    expect(s.published).toEqual({ ok: 120, failed: 0 });
    // 6 series × 8 held; dev1's null humidity (message 5) flagged; the rest frozen.
    expect(s.outputs).toEqual({ held: 48, frozen: 71, invalid: 1 });
    expect(s.malformed).toBe(1);
    expect(Object.keys(s.retained)).toHaveLength(6);
    expect(out.got).toHaveLength(120);
    const late = await record(broker.url, 'streamnorm/stats/#');
    await sleep(200);
    await late.client.endAsync();
    expect(late.got.filter((m) => m.retain)).toHaveLength(6);
  });
});
