import { describe, expect, it } from 'vitest';
import { SensorFleet } from '../../bin/demo/fleet.js';
import { trainTicks } from '../../bin/demo/lifecycle.js';
import { runCli, startCli } from './cli-process.js';

describe('streamnorm demo: the statistics lifecycle', () => {
  it('trains over the slowest cycle (300 simulated seconds)', () => {
    expect(trainTicks(200, 20)).toBe(76); // 300 s / (0.2 s · 20) + 1
    expect(trainTicks(50, 100)).toBe(61);
  });

  it('the stepped sensor alarms, refits and is promoted to v2; no other sensor alarms', async () => {
    // Train 61 ticks of 50 ms, the step at tick 122, a refit window of 61: the promotion comes about
    // 10 s in, alone on this machine. Stopped after it and the next status line (every 2 s: the view
    // has readings of v2 by then), not after a fixed time that a loaded machine's slower ticks could
    // outlast (it was 14 s).
    const demo = startCli(['demo', '--no-view', '--no-http', '--speed', '100', '--period', '50ms'], {}, { killAfterMs: 90_000 });
    await demo.waitFor(/^promoted: [^]*\n\[\d/m, 60_000);
    demo.child.kill('SIGINT');
    const code = await demo.exit;
    const [stdout, stderr] = [demo.stdout(), demo.stderr()];
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const alarms = stdout.split('\n').filter((l) => l.startsWith('drift alarm: '));
    const promotions = stdout.split('\n').filter((l) => l.startsWith('promoted: '));
    expect(alarms.length).toBeGreaterThanOrEqual(1);
    expect(alarms.every((l) => l.startsWith('drift alarm: site2/dev1/temperature cusum'))).toBe(true);
    expect(promotions).toHaveLength(1);
    expect(promotions[0]).toMatch(/^promoted: site2\/dev1\/temperature v2 \(center 3\d\./); // 22.5 + 8 + the device offset
    expect(stdout).toMatch(/site2\/dev1\/temperature .*frozen v2/);
  }, 80_000);

  it('without the step nothing alarms over several cycles', async () => {
    const { code, stdout } = await runCli(['demo', '--no-view', '--no-http', '--no-step', '--speed', '200', '--period', '20ms', '--duration', '12s']);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/drift alarm|promoted/);
  }, 40_000);

  it('the fleet steps the one field from the given tick', () => {
    const fleet = new SensorFleet({ seed: 1, outlierRate: 0, dropoutRate: 0, step: { site: 'site1', device: 'dev1', field: 'temperature', atTick: 10, size: 100 } });
    const plain = new SensorFleet({ seed: 1, outlierRate: 0, dropoutRate: 0 });
    const at = (f: SensorFleet, k: number) => f.tick(k, 100)[0]!.values;
    for (let k = 0; k < 10; k++) expect(at(fleet, k)).toEqual(at(plain, k));
    const a = at(fleet, 10);
    const b = at(plain, 10);
    expect((a.temperature as number) - (b.temperature as number)).toBeCloseTo(100, 9);
    expect(a.pressure).toBe(b.pressure);
  });
});
