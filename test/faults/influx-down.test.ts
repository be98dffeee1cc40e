import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaySpill } from 'streamnorm/influx';
import { BRIDGE_NORMALIZE_DEFAULTS } from '../../bin/run/bridge.js';
import { mosquittoSkipReason } from '../helpers/mosquitto.js';
import { hasInfluxd, startInfluxd, type Influxd } from '../helpers/influxd.js';
import { hasVictoriaMetrics, startVictoriaMetrics, type VictoriaMetrics } from '../helpers/victoria.js';
import { parsePrometheusText, valueOf } from '../http/prom-text.js';
import { startFaultBroker, type FaultBroker } from './broker.js';
import { publishAll, received, sleep, startBridge, until, writeFile } from './harness.js';
import { decodeAll, faultFreeOutputs, faultSequence, outputKey, type Message } from './sequence.js';
import type { CliProcess } from '../bin/cli-process.js';

/**
 * InfluxDB output down: for 10 s (the retries carry the lines over), and past the retry budget
 * (the lines go to the spill file, which counts as delivered, and `replaySpill` writes them
 * later): the stored points are exactly the outputs of a fault-free run, 0 lost. On
 * VictoriaMetrics and on Debian's InfluxDB 1.x.
 */
const skip = mosquittoSkipReason() ?? (hasVictoriaMetrics() && hasInfluxd() ? undefined : 'victoria-metrics or influxd not installed');
const OPTIONS = { ...BRIDGE_NORMALIZE_DEFAULTS, freeze: { afterSamples: 20 }, whileFitting: 'raw' as const };

interface Db {
  url: string;
  target: string;
  pause(): Promise<void>;
  start(): Promise<void>;
  /** Stored (series, time) keys of a measurement. */
  keys(measurement: string): Promise<Set<string>>;
}

describe.skipIf(skip !== undefined)('fault: InfluxDB output down (VictoriaMetrics, InfluxDB 1.x)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-fault-influx-'));
  let broker: FaultBroker;
  let vm: VictoriaMetrics;
  let influx: Influxd;
  const dbs: Record<string, Db> = {};
  beforeAll(async () => {
    [broker, vm, influx] = await Promise.all([startFaultBroker(), startVictoriaMetrics(), startInfluxd()]);
    await influx.query('CREATE DATABASE plant');
    dbs.victoria = {
      url: vm.url,
      target: 'bucket: plant',
      pause: () => vm.pause(),
      start: () => vm.start(),
      keys: async (m) => {
        await vm.flush();
        const series = await vm.exportSeries(`{__name__="${m}_value"}`);
        return new Set(series.flatMap((s) => s.timestamps.map((t) => `${s.metric.series}@${t}`)));
      },
    };
    dbs.influxd = {
      url: influx.url,
      target: 'db: plant',
      pause: () => influx.pause(),
      start: () => influx.start(),
      keys: async (m) => {
        const res = (await influx.query(`SELECT "value", "series" FROM "${m}"`, 'plant')) as { results: { series?: { values: [string, number, string][] }[] }[] };
        const rows = res.results[0]?.series?.[0]?.values ?? [];
        return new Set(rows.map(([t, , s]) => `${s}@${Date.parse(t)}`));
      },
    };
  }, 60_000);
  afterAll(async () => {
    await Promise.all([broker?.stop(), vm?.stop(), influx?.stop()]);
  });

  const cases = [
    { db: 'victoria', downMs: 10_000, budget: '30s' },
    { db: 'victoria', downMs: 6_000, budget: '2s' },
    { db: 'influxd', downMs: 10_000, budget: '30s' },
    { db: 'influxd', downMs: 6_000, budget: '2s' },
  ] as const;
  /** Case `i`'s messages (on topics of its own), the outputs of a fault-free run, and its config (a spill file, or none). */
  const scenario = (i: number, db: Db, budget: string, spill: string | undefined) => {
    const messages = faultSequence({ devices: 4, steps: 40, seed: 100 + i }).map((m) => ({ ...m, topic: m.topic.replace('plant/', `plant${i}/`) }));
    const expected = faultFreeOutputs(decodeAll(messages, `plant${i}/+site/+device`), OPTIONS);
    const cfg = writeFile(
      join(dir, `influx-${i}.yaml`),
      `input:
  mqtt: { url: ${broker.url}, clientId: influx-bridge-${i}, clean: false, protocolVersion: 5, topics: "plant${i}/+site/+device", codec: { kind: json, fields: "*", time: time }, timeUnit: ms }
normalize: { freeze: { afterSamples: 20 }, whileFitting: raw }
output:
  influx: { url: ${db.url}, ${db.target}, measurement: normalized${i},${spill === undefined ? '' : ` spill: ${spill},`} batchSize: 50, flushInterval: 100ms, retry: { maxRetries: 1000, maxRetryTime: ${budget}, initialDelay: 200ms, maxDelay: 1s } }
state: { file: ${join(dir, `influx-${i}.json`)} }
http: { listen: "127.0.0.1:0" }
`,
    );
    return { messages, expected, cfg };
  };

  /** Waits for the bridge, publishes the first half, waits until it is taken, pauses the database and publishes the rest. */
  const firstHalfThenPause = async (run: CliProcess, i: number, db: Db, messages: Message[]): Promise<void> => {
    await run.waitFor(/\[\d+ s\] received/);
    const half = Math.floor(messages.length / 2);
    await publishAll(broker.url, messages.slice(0, half), undefined, `pub-influx-${i}`);
    await until(() => received(run), (n) => n >= decodeAll(messages.slice(0, half), `plant${i}/+site/+device`).length, 'first half taken');
    await sleep(300);
    await db.pause();
    await publishAll(broker.url, messages.slice(half), undefined, `pub-influx-${i}b`);
  };

  for (const [i, c] of cases.entries()) {
    const past = c.budget === '2s';
    it(`${c.db} down for ${c.downMs / 1000} s, ${past ? 'past the retry budget: spilled, then replayed' : 'within the retry budget'}`, async () => {
      const db = dbs[c.db] as Db;
      const spill = join(dir, `spill-${i}.lp`);
      const { messages, expected, cfg } = scenario(i, db, c.budget, spill);
      const run = startBridge(cfg);
      await firstHalfThenPause(run, i, db, messages);
      await sleep(c.downMs);
      await db.start();
      await until(() => received(run), (n) => n >= decodeAll(messages, `plant${i}/+site/+device`).length, 'all taken');
      await run.waitFor(/unacknowledged 0\b/, 40_000);
      const origin = /metrics: +(http:\/\/[^/\s]+)/.exec(run.stdout())?.[1] as string;
      const failures = valueOf(parsePrometheusText(await (await fetch(`${origin}/metrics`)).text()), 'streamnorm_write_failures_total');
      run.child.kill('SIGTERM');
      expect(await run.exit).toBe(0);
      const spilled = Number(/(\d+) spilled\)/.exec(run.stdout().split('\n').filter((l) => l.startsWith('stopped')).at(-1) ?? '')?.[1] ?? 0);
      expect(failures).toBe(spilled); // lines past the budget: counted on /metrics as failed writes, and spilled
      if (past) {
        expect(spilled).toBeGreaterThan(0);
        const report = await replaySpill(spill, { url: db.url, ...(c.db === 'victoria' ? { bucket: 'plant' } : { db: 'plant' }) });
        expect(report.failed).toBe(0);
        expect(existsSync(spill)).toBe(false);
      } else {
        expect(spilled).toBe(0);
      }
      const stored = await db.keys(`normalized${i}`);
      const want = new Set(expected.map((o) => outputKey(o)));
      const lost = [...want].filter((k) => !stored.has(k));
      const extra = [...stored].filter((k) => !want.has(k));
      expect(lost.slice(0, 5)).toEqual([]);
      expect(extra.slice(0, 5)).toEqual([]);
      console.log(`[fault] ${c.db} down ${c.downMs / 1000} s (retry budget ${c.budget}): ${want.size} points stored, ${spilled} spilled${past ? ' and replayed' : ''}`);
    }, 90_000);
  }

  it('victoria down past the retry budget with no spill file: the bridge exits 1 saying why; restarted, it stores every point (0 lost)', async () => {
    const db = dbs.victoria as Db;
    const i = cases.length;
    const { messages, expected, cfg } = scenario(i, db, '2s', undefined);
    let run = startBridge(cfg);
    await firstHalfThenPause(run, i, db, messages);
    expect(await run.exit).toBe(1);
    expect(run.stdout() + run.stderr()).toMatch(/lines could not be written [^]* and there is no spill file; stopping so that the broker keeps their messages/);
    await db.start();
    run = startBridge(cfg);
    await until(() => received(run), (n) => n > 0, 'taken again after the restart');
    await run.waitFor(/unacknowledged 0\b/, 40_000);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const stored = await db.keys(`normalized${i}`);
    const lost = expected.map((o) => outputKey(o)).filter((k) => !stored.has(k));
    expect(lost.slice(0, 5)).toEqual([]);
    console.log(`[fault] victoria down past the retry budget, no spill: exit 1, then ${stored.size} points stored after the restart, 0 lost`);
  }, 90_000);
});
