import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreSnapshot } from 'streamnorm';
import { num } from '../../bin/commands/inspect.js';
import { SensorFleet } from '../../bin/demo/fleet.js';
import { renderView, zBar } from '../../bin/demo/live-view.js';
import { runCli, startCli } from './cli-process.js';

describe('streamnorm demo (as a process, embedded broker on a free port)', () => {
  it('runs the whole pipeline for a fixed time, freezes every series and ends cleanly', async () => {
    const snap = join(mkdtempSync(join(tmpdir(), 'streamnorm-demo-')), 'demo.json');
    const { code, stdout, stderr } = await runCli(['demo', '--duration', '5s', '--train', '10', '--period', '100ms', '--no-view', '--save', snap]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const summary = /(\d+) messages sent, (\d+) readings received, (\d+) normalized readings published \((\d+) failed\), (\d+) malformed messages, (\d+) invalid values, (\d+) series frozen/.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    const [, sent, received, published, failed, , , frozen] = summary!.map(Number);
    expect(sent).toBeGreaterThan(50);
    expect(received).toBeGreaterThan(200);
    expect(published).toBe(received); // every reading taken was normalized and acknowledged
    expect(failed).toBe(0);
    expect(frozen).toBe(20); // 2 sites x 2 devices x 5 fields
    expect(stdout).toMatch(/site1\/dev1\/humidity\s+55 %RH\s+0 .*frozen v1 .*stuck/);
    const keyed = restoreSnapshot(JSON.parse(readFileSync(snap, 'utf8')));
    expect(keyed.size).toBe(20);
    expect(keyed.get('site1/dev1/humidity')!.params().zeroSpread).toBe(true);
    expect(keyed.get('site1/dev1/light')!.params().pre).toBe('log');
  });

  it('ends cleanly on SIGINT with the summary', async () => {
    const demo = startCli(['demo', '--no-view', '--period', '100ms']);
    await demo.waitFor(/received \d+/);
    demo.child.kill('SIGINT');
    expect(await demo.exit).toBe(0);
    expect(demo.stdout()).toMatch(/stopped after [\d.]+ s: \d+ messages sent/);
  });

  it('refuses bad options with a one-line error', async () => {
    const { code, stderr } = await runCli(['demo', '--train', 'x']);
    expect(code).toBe(2);
    expect(stderr).toBe('streamnorm: --train: expected an integer >= 1, got "x"\n');
  });
});

describe('demo pieces', () => {
  it('the fleet is deterministic and has a stuck sensor, dropouts and garbage', () => {
    const a = new SensorFleet({ seed: 1, start: 0, dropoutRate: 0.2 });
    const b = new SensorFleet({ seed: 1, start: 0, dropoutRate: 0.2 });
    const msgs = Array.from({ length: 50 }, (_, k) => a.tick(k, 100)).flat();
    expect(Array.from({ length: 50 }, (_, k) => b.tick(k, 100)).flat()).toEqual(msgs);
    const values = msgs.flatMap((m) => Object.values(m.values));
    expect(values.some((v) => v === null)).toBe(true);
    expect(values.some((v) => v === 'ERR')).toBe(true);
    expect(values.some((v) => typeof v === 'number' && Number.isNaN(v))).toBe(true);
    expect(new Set(msgs.filter((m) => m.site === 'site1' && m.device === 'dev1').map((m) => m.values.humidity))).toEqual(new Set([55]));
  });

  it('number formatting and the z bar', () => {
    expect([num(101320), num(21.5), num(0.0001234), num(NaN), num(2e7)]).toEqual(['101320', '21.5', '1.2340e-4', '-', '2.0000e+7']);
    expect([zBar(0), zBar(-3), zBar(5), zBar(NaN)]).toEqual(['    █    ', '█        ', '        ▶', '    ·    ']);
    const text = renderView({ title: 't', elapsedMs: 2000, received: 10, published: 9, malformed: 1, rows: [{ series: 'a', raw: 1, value: 0.5, phase: 'frozen', version: 1, invalid: 2 }], notes: ['n'] }, false);
    expect(text).toContain('received 10 (5/s)  published 9  malformed 1  series 1 (1 frozen)');
    expect(text).toMatch(/a\s+1\s+0.5\s+\[.*\]\s+frozen v1/);
  });
});
