import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { jetstreamManager } from '@nats-io/jetstream';
import { applyFrozen } from '../../src/index.js';
import { openFrozenStats, partitionMapping } from '../../connectors/nats/index.js';
import { natsSkipReason, startNats, type NatsServer } from '../helpers/nats.js';
import { bySeries, essence, makeReadings, natsClient, publishReadings, readOutputs, seriesOf, singleProcess, startMember, stopMember, waitForMessages, workerConfig, type WorkerProcess } from './helpers.js';

const NORMALIZE = { freeze: { afterSamples: 20 }, whileFitting: 'provisional' as const };

describe.skipIf(natsSkipReason())('a worker group on one nats-server', () => {
  let server: NatsServer | undefined;
  const members: WorkerProcess[] = [];
  afterEach(async () => {
    for (const w of members.splice(0)) w.child.kill('SIGKILL');
    await server?.stop();
  });

  it('a worker joining mid-stream takes its share without a gap: hand-over by checkpoint, nothing replayed', async () => {
    server = await startNats();
    const rounds = makeReadings(120, 70);
    const all = rounds.flat();
    const { nc, js } = await natsClient(server.url);
    const w1 = startMember('w1', workerConfig(server.url, 'w1', { normalize: NORMALIZE }));
    members.push(w1);
    await w1.waitFor(/running/);
    await publishReadings(js, rounds.slice(0, 30).flat(), 8);
    const w2 = startMember('w2', workerConfig(server.url, 'w2', { normalize: NORMALIZE }));
    members.push(w2);
    for (const round of rounds.slice(30, 50)) {
      await publishReadings(js, round, 8);
      await new Promise((r) => setTimeout(r, 100));
    }
    await w2.waitFor(/(claimed partition \d[\s\S]*){4}/, 20_000);
    await w1.waitFor(/(handed partition \d over[\s\S]*){4}/, 5_000);
    await publishReadings(js, rounds.slice(50).flat(), 8);
    await waitForMessages(nc, 'streamnorm-out', all.length);
    await new Promise((r) => setTimeout(r, 800));
    await Promise.all([stopMember(w1), stopMember(w2)]);
    const outputs = await readOutputs(nc, 'streamnorm-out');
    expect(outputs.length).toBe(all.length);
    const want = await singleProcess(all, NORMALIZE);
    const got = bySeries(outputs);
    for (const [series, list] of want) expect(got.get(series)?.map(essence), series).toEqual(list.map(essence));
    expect(w2.counters().duplicates).toBe(0); // it started right after the hand-over checkpoint
    expect(w2.counters().claimed).toBe(4);
    await nc.close();
  }, 120_000);

  it('a frozen-only worker transforms any series of any partition with the statistics in KV', async () => {
    server = await startNats();
    const rounds = makeReadings(60, 60);
    const all = rounds.flat();
    const { nc, js } = await natsClient(server.url);
    const w1 = startMember('w1', workerConfig(server.url, 'w1', { normalize: NORMALIZE }));
    members.push(w1);
    await w1.waitFor(/running/);
    await publishReadings(js, all, 8);
    await waitForMessages(nc, 'streamnorm-out', all.length);
    const stats = await openFrozenStats(nc);
    const frozen = await stats.read();
    expect(frozen.size).toBe(60);
    const f = startMember('f1', {
      ...workerConfig(server.url, 'f1', { normalize: NORMALIZE, cluster: { role: 'frozen-only' } }),
      output: { nats: { subject: 'frozen.{series}', stream: 'frozen-out' } },
    });
    members.push(f);
    await waitForMessages(nc, 'frozen-out', all.length);
    await stopMember(f);
    const outputs = await readOutputs(nc, 'frozen-out');
    expect(outputs.length).toBe(all.length);
    for (const n of outputs) {
      const p = frozen.get(n.series)?.params;
      expect(p, n.series).toBeDefined();
      expect([n.value, n.version, n.phase]).toEqual([applyFrozen(p!, n.raw as number), p!.version, 'frozen']);
    }
    await stopMember(w1);
    await nc.close();
  }, 90_000);

  it('an output outage: at most maxUnacked messages are taken, kept alive with working(), none redelivered; all delivered after', async () => {
    server = await startNats();
    const rounds = makeReadings(40, 50);
    const { nc, js } = await natsClient(server.url);
    const jsm = await jetstreamManager(nc);
    const w1 = startMember('w1', workerConfig(server.url, 'w1', { partitions: 2, normalize: NORMALIZE, cluster: { ackWait: '3s', maxUnacked: 25 } }));
    members.push(w1);
    await w1.waitFor(/(claimed partition \d[\s\S]*){2}/);
    await publishReadings(js, rounds.slice(0, 10).flat(), 2);
    await waitForMessages(nc, 'streamnorm-out', rounds.slice(0, 10).flat().length);
    const config = (await jsm.streams.info('streamnorm-out')).config;
    await jsm.streams.delete('streamnorm-out');
    const during = rounds.slice(10).flat();
    await publishReadings(js, during, 2);
    await new Promise((r) => setTimeout(r, 10_000)); // > 3 × ackWait
    const held = w1.counters();
    expect((held.messages ?? 0) - (held.acked ?? 0)).toBeLessThanOrEqual(2 * 25); // the bound, per partition
    expect(held.working).toBeGreaterThan(0);
    await jsm.streams.add(config);
    await waitForMessages(nc, 'streamnorm-out', during.length, 60_000);
    await stopMember(w1);
    const after = w1.counters();
    expect([after.redelivered, after.acked]).toEqual([0, rounds.flat().length]);
    expect((await readOutputs(nc, 'streamnorm-out')).length).toBe(during.length);
    await nc.close();
  }, 120_000);

  it('a shutdown during an output outage ends; the next owner replays what was left, nothing lost', async () => {
    server = await startNats();
    const rounds = makeReadings(30, 40);
    const all = rounds.flat();
    const { nc, js } = await natsClient(server.url);
    const jsm = await jetstreamManager(nc);
    const w1 = startMember('w1', workerConfig(server.url, 'w1', { partitions: 2, normalize: NORMALIZE, cluster: { ackWait: '3s' } }));
    members.push(w1);
    await w1.waitFor(/(claimed partition \d[\s\S]*){2}/);
    await publishReadings(js, rounds.slice(0, 20).flat(), 2);
    await waitForMessages(nc, 'streamnorm-out', rounds.slice(0, 20).flat().length);
    const config = (await jsm.streams.info('streamnorm-out')).config;
    await jsm.streams.delete('streamnorm-out');
    await publishReadings(js, rounds.slice(20).flat(), 2);
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = Date.now();
    expect(await stopMember(w1)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(w1.stdout()).toMatch(/handed over without a checkpoint/);
    await jsm.streams.add(config);
    const w2 = startMember('w2', workerConfig(server.url, 'w2', { partitions: 2, normalize: NORMALIZE }));
    members.push(w2);
    await waitForMessages(nc, 'streamnorm-out', rounds.slice(20).flat().length);
    await stopMember(w2);
    const got = bySeries(await readOutputs(nc, 'streamnorm-out'));
    const want = await singleProcess(all, NORMALIZE);
    for (const [series, list] of want) expect(got.get(series)?.map(essence), series).toEqual(list.slice(-got.get(series)!.length).map(essence));
    // every reading after the outage began, and possibly some before it (replayed from the last checkpoint, into a new stream that never saw them)
    for (const r of rounds.slice(20).flat()) expect(got.get(seriesOf(r))?.some((n) => n.time === r.time), `${seriesOf(r)}@${r.time}`).toBe(true);
    await nc.close();
  }, 120_000);

  it("devices publishing to NATS's MQTT listener reach the workers through the server's partition mapping", async () => {
    server = await startNats({ mqtt: true, mappings: partitionMapping('sensors/+/+', 8) });
    const rounds = makeReadings(30, 40);
    const all = rounds.flat();
    const { nc } = await natsClient(server.url);
    const w1 = startMember('w1', workerConfig(server.url, 'w1', { normalize: NORMALIZE }));
    const w2 = startMember('w2', workerConfig(server.url, 'w2', { normalize: NORMALIZE }));
    members.push(w1, w2);
    await Promise.all([w1.waitFor(/running/), w2.waitFor(/running/)]);
    const device = await mqtt.connectAsync(server.mqttUrl as string, { clientId: 'device-1', protocolVersion: 4 });
    for (const r of all) await device.publishAsync(`sensors/${r.site}/${r.device}`, JSON.stringify({ value: r.value, time: r.time }), { qos: 1 });
    await device.endAsync();
    await waitForMessages(nc, 'streamnorm-out', all.length);
    await Promise.all([stopMember(w1), stopMember(w2)]);
    const got = bySeries(await readOutputs(nc, 'streamnorm-out'));
    const want = await singleProcess(all, NORMALIZE);
    expect(new Set(got.keys())).toEqual(new Set(all.map(seriesOf)));
    for (const [series, list] of want) expect(got.get(series)?.map(essence), series).toEqual(list.map(essence));
    await nc.close();
  }, 90_000);
});
