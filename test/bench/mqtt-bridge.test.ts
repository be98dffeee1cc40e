/**
 * The MQTT section's bridge process (`bench/mqtt-bridge.ts`, built) as the full benchmark runs it:
 * started against the embedded aedes broker in its own process, it normalizes what it is sent, and
 * answers `cpu` on its stdin with the CPU time it has used, which grows with the work it does (the
 * section's CPU-per-reading figure). Never a time: only that the figure is measured at all.
 */
import { connectAsync } from 'mqtt';
import { describe, expect, it } from 'vitest';
import type * as E2e from '../../bench/mqtt-e2e.js';
import type * as Servers from '../../bench/servers.js';
import { stopProcess } from '../helpers/server-process.js';

const dist = (file: string): string => new URL(`../../dist/bench/${file}`, import.meta.url).href;

describe('the MQTT bench bridge', () => {
  it('normalizes what it is sent and reports the CPU time it used', async () => {
    const { spawnScript, startAedesProcess } = (await import(dist('servers.js'))) as typeof Servers;
    const { cpuMeter } = (await import(dist('mqtt-e2e.js'))) as typeof E2e;
    const broker = await startAedesProcess();
    const { child } = await spawnScript<{ ready: boolean }>('./mqtt-bridge.js', [broker.url, 'normalize']);
    const cpu = cpuMeter(child);
    const load = await connectAsync(broker.url, { clientId: `bench-bridge-test-${process.pid}`, reconnectPeriod: 0 });
    try {
      const outputs: { phase: string; value: number }[] = [];
      load.on('message', (_topic, payload) => outputs.push(JSON.parse(payload.toString()) as { phase: string; value: number }));
      await load.subscribeAsync('bench/normalize/out/#', { qos: 1 });
      // The bridge may not be subscribed yet: send until one output comes back.
      for (let i = 0; outputs.length === 0 && i < 100; i++) {
        await load.publishAsync('bench/normalize/in/probe', '{"value":1,"time":1}', { qos: 1 });
        await new Promise((r) => setTimeout(r, 100));
      }
      const before = await cpu();
      const n = 2_000;
      for (let i = 0; i < n; i++) load.publish(`bench/normalize/in/dev${i % 10}`, `{"value":${i % 7},"time":${1000 + i}}`, { qos: 1 });
      const started = outputs.length;
      for (let t = 0; outputs.length < started + n && t < 300; t++) await new Promise((r) => setTimeout(r, 50));
      const after = await cpu();
      expect(outputs.length - started).toBe(n);
      expect(outputs.some((o) => o.phase === 'frozen')).toBe(true); // each series froze after 10 values
      expect(before).toBeGreaterThan(0);
      expect(after).toBeGreaterThan(before);
      expect((after - before) / n).toBeLessThan(10_000); // µs a reading: a figure, not a timing
    } finally {
      await load.endAsync();
      await stopProcess(child, 'SIGTERM', 5_000);
      await broker.stop();
    }
  }, 60_000);
});
