import { describe, expect, it } from 'vitest';
import { SeriesStore } from '../../operators/index.js';
import { openFrozenStats } from '../../connectors/nats/index.js';
import { natsSkipReason } from '../helpers/nats.js';
import { until } from '../faults/harness.js';
import { parsePrometheusText, valueOf } from '../http/prom-text.js';
import { bySeries, essence, natsClient, publishReadings, readOutputs, seriesOf, singleProcess, startMember, stopMember, waitForMessages, workerConfig, natsSuite, type TestReading, type WorkerProcess } from './helpers.js';

const skip = natsSkipReason();
const NORMALIZE = { freeze: { afterSamples: 20 }, whileFitting: 'provisional' as const };
const DRIFT = { cooldown: 10 };

/**
 * `series` series, series i from round i % 10 on; every third series steps up by 10 (about 9σ)
 * at round `shiftAt`: its CUSUM alarms, a refit window learns 20 readings and v2 is promoted.
 */
function shiftedReadings(series: number, rounds: number, shiftAt: number): { rounds: TestReading[][]; shifted: Set<string> } {
  let s = 11;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: TestReading[][] = [];
  const shifted = new Set<string>();
  for (let r = 0; r < rounds; r++) {
    const round: TestReading[] = [];
    for (let i = 0; i < series; i++) {
      if (r < i % 10) continue;
      const step = i % 3 === 0 && r >= shiftAt ? 10 : 0;
      const reading = { site: `site${i % 10}`, device: `dev${i}`, value: 20 + (i % 7) + rand() * 4 + step, time: 1_700_000_000_000 + r * 1000 };
      if (i % 3 === 0) shifted.add(seriesOf(reading));
      round.push(reading);
    }
    out.push(round);
  }
  return { rounds: out, shifted };
}

/**
 * Drift and refits on cluster workers: each partition's store runs the alarms, refits learn in
 * the partition that owns the series, and each promotion is written to the statistics bucket as
 * the next version, compare-and-set on the revision of the one before (the same write as a
 * freeze). A kill -9 in the middle of the refits changes nothing: every series' outputs (values
 * and versions) equal one process's, and the bucket's version history is the one process's.
 */
describe.skipIf(skip)('cluster workers: drift alarms, refits and promotions', () => {
  const suite = natsSuite();
  const members = suite.members;

  it('promotes v2 on drift through a kill -9, as one process does, and a frozen-only member serves it', async () => {
    const { rounds, shifted } = shiftedReadings(60, 110, 50);
    const all = rounds.flat();
    const { nc, js } = await natsClient(suite.server().url);
    const config = (name: string): object => ({ ...workerConfig(suite.server().url, name, { normalize: NORMALIZE }), drift: DRIFT, refit: { onAlarm: true } });
    const workers = ['w1', 'w2', 'w3'].map((name) => startMember(name, config(name)));
    members.push(...workers);
    await Promise.all(workers.map((w) => w.waitFor(/running/)));
    await new Promise((r) => setTimeout(r, 2500)); // the three share the 8 partitions
    const first = rounds.slice(0, 60).flat();
    await publishReadings(js, first, 8);
    await waitForMessages(nc, 'streamnorm-out', Math.floor(first.length * 0.95));
    const victim = workers[1] as WorkerProcess;
    victim.child.kill('SIGKILL'); // shifted series are in their refit windows now
    await victim.exit;
    await publishReadings(js, rounds.slice(60).flat(), 8);
    await waitForMessages(nc, 'streamnorm-out', all.length, 90_000);
    const survivors = [workers[0], workers[2]] as WorkerProcess[];
    await new Promise((r) => setTimeout(r, 1500));
    expect(await Promise.all(survivors.map(stopMember))).toEqual([0, 0]);

    const outputs = await readOutputs(nc, 'streamnorm-out');
    expect(outputs.length).toBe(all.length);
    const store = new SeriesStore({ drift: DRIFT });
    const want = await singleProcess(all, { ...NORMALIZE, refit: { onAlarm: true }, store });
    const got = bySeries(outputs);
    for (const [series, list] of want) expect(got.get(series)?.map(essence), series).toEqual(list.map(essence));
    for (const series of shifted) expect(got.get(series)?.at(-1)?.version, series).toBe(2);
    const counters = survivors.map((w) => w.counters());
    expect(counters.reduce((a, c) => a + (c.driftAlarms ?? 0), 0)).toBeGreaterThan(0);

    // The bucket's history of each series is the one process's versions, statistics equal.
    const stats = await openFrozenStats(nc);
    for (const series of want.keys()) {
      const versions = await stats.versions(series);
      const expected = Array.from({ length: store.params(series)?.version ?? 0 }, (_, i) => i + 1); // a false alarm may refit an unshifted series too
      expect(versions.map((v) => v.params.version), series).toEqual(expected);
      const latest = versions.at(-1)?.params;
      expect([latest?.center, latest?.scale], series).toEqual([store.params(series)?.center, store.params(series)?.scale]);
    }

    // A frozen-only member transforms every reading with the latest version.
    const reader = startMember('f1', { ...workerConfig(suite.server().url, 'f1'), cluster: { servers: suite.server().url, worker: 'f1', role: 'frozen-only', lease: '2s', checkpointInterval: '1s', ackWait: '5s' }, output: { nats: { subject: 'frozen.{series}', stream: 'frozen-out' } } });
    members.push(reader);
    await waitForMessages(nc, 'frozen-out', all.length, 60_000);
    expect(await stopMember(reader)).toBe(0);
    const served = bySeries(await readOutputs(nc, 'frozen-out'));
    for (const series of shifted) expect(new Set(served.get(series)?.map((n) => n.version)), series).toEqual(new Set([2]));
    console.log(`cluster refit: ${shifted.size} series promoted to v2 through a kill -9; alarms ${counters.map((c) => c.driftAlarms).join('+')}, statistics written ${counters.map((c) => c.statsWritten).join('+')}, found written ${counters.map((c) => c.statsExisting).join('+')}`);
    await nc.close();
  }, 240_000);
});

/**
 * With `refit.approval`, a refit's statistics wait; a message on the approve subject (a JSON list
 * of series ids, or empty for all) promotes them on the worker that holds the series, writes v2 to
 * the bucket and checkpoints, so the next owner serves v2 without being asked again. The counters
 * are on the member's `/metrics`, and its `/readyz` follows the NATS connection.
 */
describe.skipIf(skip)('cluster workers: promotions that wait for approval', () => {
  const suite = natsSuite();
  const members = suite.members;

  it('promotes what the approve subject names, and the promotion survives a hand-over', async () => {
    const { rounds } = shiftedReadings(12, 130, 40);
    const { nc, js } = await natsClient(suite.server().url);
    // idleEvict too: it goes to the partition stores (before, it stopped every partition at start)
    const config = (name: string): object => ({ ...workerConfig(suite.server().url, name, { partitions: 4, normalize: { ...NORMALIZE, idleEvict: '1h' } }), drift: DRIFT, refit: { onAlarm: true, approval: true } });
    const w1 = startMember('w1', config('w1'), ['--http', '127.0.0.1:0']);
    members.push(w1);
    await w1.waitFor(/running/);
    let sent = 0;
    const send = async (from: number, to: number): Promise<void> => {
      const part = rounds.slice(from, to).flat();
      await publishReadings(js, part, 4);
      sent += part.length;
      await waitForMessages(nc, 'streamnorm-out', sent);
    };
    const versionsOf = async (series: string): Promise<number[]> => (await stats.versions(series)).map((v) => v.params.version);
    const stats = await openFrozenStats(nc);
    await send(0, 90); // shifted at 40: alarms, refit windows of 20, then waiting
    expect(await versionsOf('site0/dev0')).toEqual([1]);

    nc.publish('streamnorm.approve', 'not json');
    nc.publish('streamnorm.approve', JSON.stringify(['site0/dev0']));
    await w1.waitFor(/approved: 1 promotions written \(site0\/dev0\)/);
    expect(await versionsOf('site0/dev0')).toEqual([1, 2]);
    expect(await versionsOf('site3/dev3')).toEqual([1]);
    expect(w1.stdout()).toContain('approval on streamnorm.approve ignored: expected an empty message, "all" or a JSON list of series ids, got "not json"');
    await send(90, 95);
    let got = bySeries(await readOutputs(nc, 'streamnorm-out'));
    expect(got.get('site0/dev0')?.at(-1)?.version).toBe(2);
    expect(got.get('site3/dev3')?.at(-1)?.version).toBe(1);

    nc.publish('streamnorm.approve', '');
    await w1.waitFor(/approved: 3 promotions written/);
    expect(await versionsOf('site3/dev3')).toEqual([1, 2]);
    // the status line's counters on /metrics too
    const origin = /metrics: +(http:\/\/[^/\s]+)/.exec(w1.stdout())?.[1] as string;
    const scraped = parsePrometheusText(await (await fetch(`${origin}/metrics`)).text());
    expect([valueOf(scraped, 'streamnorm_cluster_promoted_total'), valueOf(scraped, 'streamnorm_cluster_malformed_total'), valueOf(scraped, 'streamnorm_cluster_nats_connected')]).toEqual([4, 1, 1]);
    expect(valueOf(scraped, 'streamnorm_cluster_drift_alarms_total')).toBeGreaterThan(0);
    expect(await stopMember(w1)).toBe(0);
    expect(w1.counters()).toMatchObject({ promoted: 4, malformed: 1 });

    // A new worker takes the partitions from their checkpoints: v2 served, nothing asked again.
    const w2 = startMember('w2', config('w2'), ['--http', '127.0.0.1:0']);
    members.push(w2);
    await w2.waitFor(/running/);
    await send(95, 130);
    got = bySeries(await readOutputs(nc, 'streamnorm-out'));
    for (const series of ['site0/dev0', 'site3/dev3', 'site6/dev6', 'site9/dev9']) expect(got.get(series)?.at(-1)?.version, series).toBe(2);
    expect(got.get('site1/dev1')?.at(-1)?.version).toBe(1);
    expect(await versionsOf('site0/dev0')).toEqual([1, 2]);
    // /readyz follows the NATS connection: 503 while the server is down, 200 once it is back
    const ready = async (): Promise<number> => (await fetch(`${/metrics: +(http:\/\/[^/\s]+)/.exec(w2.stdout())?.[1] as string}/readyz`)).status;
    expect(await ready()).toBe(200);
    await suite.server().kill();
    await until(ready, (status) => status === 503, '/readyz without NATS');
    await suite.server().start();
    await until(ready, (status) => status === 200, '/readyz with NATS back');
    expect(await stopMember(w2)).toBe(0);
    await nc.close();
  }, 180_000);
});
