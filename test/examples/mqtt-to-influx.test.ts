import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/mqtt-to-influx.js';
import { startAedes, type AedesBroker } from '../helpers/aedes.js';
import { freePort } from '../helpers/free-port.js';
import { hasVictoriaMetrics, startVictoriaMetrics, type ExportedSeries, type VictoriaMetrics } from '../helpers/victoria.js';

const haveVm = hasVictoriaMetrics();
if (!haveVm) console.warn('[streamnorm] examples/mqtt-to-influx.test.ts NOT RUN: /usr/bin/victoria-metrics is not installed (.ci/run installs it)');

/** Mean and population standard deviation, two-pass. */
function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) };
}

/** Samples of one exported series by timestamp. */
const byTime = (s: ExportedSeries): Map<number, number> => new Map(s.timestamps.map((t, i) => [t, s.values[i] as number]));

describe.skipIf(!haveVm)('examples/mqtt-to-influx: aedes -> normalize -> VictoriaMetrics (/api/v2/write, read back via /api/v1/export)', () => {
  let broker: AedesBroker;
  let vm: VictoriaMetrics;
  beforeAll(async () => {
    [broker, vm] = await Promise.all([startAedes(), startVictoriaMetrics()]);
  });
  afterAll(async () => {
    await Promise.all([broker?.close(), vm?.stop()]);
  });

  it('writes every normalized reading with raw value and phase/version tags; the report accounts for all', async () => {
    const train = 10;
    const s = await main({ brokerUrl: broker.url, influxUrl: vm.url, bucket: 'plant', devices: 2, messages: 30, train });
    expect(s.readings).toBe(120);
    // 4 series; dev2/vibration has one null inside its training window (flagged, not learned).
    expect(s.outputs).toEqual({ provisional: 40, frozen: 79, invalid: 1 });
    expect(s.report).toMatchObject({ accepted: 120, lines: 119, written: 119, pending: 0, failed: 0, dropped: { nan: 1 } });

    await vm.flush();
    const values = await vm.exportSeries('normalized_value');
    const raws = await vm.exportSeries('normalized_raw');
    expect(values.reduce((n, x) => n + x.values.length, 0)).toBe(119);
    const ids = [...new Set(values.map((x) => x.metric.series as string))].sort();
    expect(ids).toEqual(['plant1/dev1/temperature', 'plant1/dev1/vibration', 'plant1/dev2/temperature', 'plant1/dev2/vibration']);

    for (const id of ids) {
      const find = (list: ExportedSeries[], phase: string): ExportedSeries => list.find((x) => x.metric.series === id && x.metric.phase === phase) as ExportedSeries;
      const fitRaw = byTime(find(raws, 'fitting'));
      const frozenRaw = byTime(find(raws, 'frozen'));
      const frozenValue = byTime(find(values, 'frozen'));
      expect(fitRaw.size).toBe(train);
      expect(find(values, 'frozen').metric).toMatchObject({ site: 'plant1', field: id.split('/')[2], version: '1' });
      // Frozen points: (raw − mean) / std of exactly the training window, read back from the server
      // (VictoriaMetrics keeps 12 significant digits, hence the tolerance).
      const { mean, std } = meanStd([...fitRaw.values()]);
      for (const [t, y] of frozenValue) expect(Math.abs(y - ((frozenRaw.get(t) as number) - mean) / std)).toBeLessThan(1e-9);
      expect(Math.min(...frozenValue.keys())).toBeGreaterThan(Math.max(...fitRaw.keys()));
    }
  });

  it('a sink it cannot reach: every line is counted as failed, none silently lost', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const s = await main({ brokerUrl: broker.url, influxUrl: dead, bucket: 'plant', devices: 1, messages: 4, train: 2, retry: { maxRetries: 2, initialMs: 20 } });
    expect(s.report.accepted).toBe(8);
    expect(s.report.written).toBe(0);
    expect(s.report.failed + s.report.pending).toBe(s.report.lines);
    expect(s.report.failed).toBe(8);
    expect(s.report.failedBy['retries-exhausted']).toBe(8);
    expect(s.report.retries).toBeGreaterThanOrEqual(2);
  });
});
