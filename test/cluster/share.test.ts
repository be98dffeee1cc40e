import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { applyFrozen, createScaler, type ScalerSpec } from '../../src/index.js';
import { openFrozenStats } from '../../connectors/nats/index.js';
import { mosquittoSkipReason, startMosquitto, type MosquittoBroker } from '../helpers/mosquitto.js';
import { natsSkipReason, startNats, type NatsServer } from '../helpers/nats.js';
import { natsClient, readOutputs, startMember, stopMember, waitForMessages, type WorkerProcess } from './helpers.js';

const T0 = 1_700_000_000_000;
const FREEZE_AT = T0 + 40_000;
const SERIES = 20;

function value(i: number, k: number): number {
  return 1e6 + i * 10 + Math.sin(i * 7 + k * 1.3) * 3 + (k % 5) * 0.125;
}

/**
 * An MQTT `$share` subscription splits every series across 3 workers. Each fits a part; at the
 * freeze time the partial fits meet in KV and are merged exactly; every worker serves the one
 * merged v1, which equals a one-process fit of the whole window.
 */
describe.skipIf(natsSkipReason() ?? mosquittoSkipReason())('$share: partial fits merged at the freeze', () => {
  let nats: NatsServer | undefined;
  let broker: MosquittoBroker | undefined;
  const members: WorkerProcess[] = [];
  afterEach(async () => {
    for (const w of members.splice(0)) w.child.kill('SIGKILL');
    await nats?.stop();
    await broker?.stop();
  });

  // The third case keeps 4 exact values and a KLL sketch of k = 8: each worker's ~13 values are
  // compacted, and the merge at the freeze merges sketches (an approximation, checked by rank).
  for (const scaler of [{ kind: 'standard' }, { kind: 'robust' }, { kind: 'robust', exactLimit: 4, sketchK: 8 }] as ScalerSpec[]) {
    const sketched = 'sketchK' in scaler;
    it(`${JSON.stringify(scaler)}: all workers serve the same v1, ${sketched ? 'its median within the sketch’s rank error' : 'equal to a one-process fit'}`, async () => {
      nats = await startNats();
      broker = await startMosquitto();
      const config = (name: string): object => ({
        cluster: { servers: nats!.url, role: 'share', worker: name, lease: '2s', mergeTimeout: '10s' },
        input: { mqtt: { url: broker!.url, clientId: `share-${name}`, topics: '$share/g/sensors/+site/+device', codec: { kind: 'json' }, timeUnit: 'ms' } },
        normalize: { scaler, freeze: { atTime: FREEZE_AT }, whileFitting: 'provisional' },
        output: { nats: { subject: 'normalized.{series}', stream: 'share-out' } },
      });
      for (const name of ['a', 'b', 'c']) members.push(startMember(name, config(name)));
      await Promise.all(members.map((w) => w.waitFor(/running/)));
      await new Promise((r) => setTimeout(r, 500));
      const { nc } = await natsClient(nats.url);
      const device = await mqtt.connectAsync(broker.url, { clientId: 'devices' });
      const send = async (from: number, to: number): Promise<void> => {
        for (let k = from; k < to; k++) for (let i = 0; i < SERIES; i++) await device.publishAsync(`sensors/s${i % 4}/d${i}`, JSON.stringify({ value: value(i, k), time: T0 + k * 1000 }), { qos: 1 });
      };
      await send(0, 40); // the window: before the freeze time
      await waitForMessages(nc, 'share-out', SERIES * 40);
      await send(40, 45); // past it: the first such reading announces the freeze
      const stats = await openFrozenStats(nc);
      const deadline = Date.now() + 20_000;
      while ((await stats.read()).size < SERIES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const merged = await stats.read();
      expect(merged.size).toBe(SERIES);
      for (let i = 0; i < SERIES; i++) {
        const one = createScaler(scaler).learnMany(Array.from({ length: 40 }, (_, k) => value(i, k))).freeze();
        const v1 = merged.get(`s${i % 4}/d${i}`)?.params;
        expect(v1?.version).toBe(1);
        expect(v1?.count).toBe(40);
        if (sketched) {
          // KLL merge of three compacted sketches: the median's rank among the 40 values, within 0.25.
          const sorted = Array.from({ length: 40 }, (_, k) => value(i, k)).sort((a, b) => a - b);
          const rank = sorted.filter((x) => x <= (v1?.center as number)).length / 40;
          expect(Math.abs(rank - 0.5), `series ${i}: center ${v1?.center}`).toBeLessThanOrEqual(0.25);
        } else if (scaler.kind === 'robust') expect([v1?.center, v1?.scale]).toEqual([one.center, one.scale]); // exact: the merged exact samples
        else {
          expect(Math.abs((v1!.center - one.center) / one.center)).toBeLessThan(1e-14); // Chan's merge vs one pass: rounding only
          expect(Math.abs((v1!.scale - one.scale) / one.scale)).toBeLessThan(1e-12);
        }
      }
      await new Promise((r) => setTimeout(r, 1000)); // every worker has loaded v1
      const before = (await readOutputs(nc, 'share-out')).length;
      await send(45, 60);
      await waitForMessages(nc, 'share-out', before + SERIES * 15);
      const after = (await readOutputs(nc, 'share-out')).slice(before);
      for (const n of after) {
        const v1 = merged.get(n.series)!.params;
        expect([n.version, n.phase, n.value]).toEqual([1, 'frozen', applyFrozen(v1, n.raw as number)]);
      }
      await device.endAsync();
      await Promise.all(members.map(stopMember));
      const counters = members.map((w) => w.counters());
      expect(counters.reduce((a, c) => a + (c.statsWritten ?? 0), 0)).toBe(SERIES); // one v1 per series, written once
      expect(counters.every((c) => (c.statsConflicts ?? 0) === 0 && (c.messages ?? 0) > 0)).toBe(true);
      await nc.close();
    }, 120_000);
  }
});
