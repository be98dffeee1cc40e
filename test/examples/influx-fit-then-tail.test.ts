import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/influx-fit-then-tail.js';
import { hasInfluxd, startInfluxd, type Influxd } from '../helpers/influxd.js';

const haveInfluxd = hasInfluxd();
if (!haveInfluxd) console.warn('[streamnorm] examples/influx-fit-then-tail.test.ts NOT RUN: influxd (InfluxDB 1.x) is not installed (.ci/run installs it)');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Mean and population standard deviation, two-pass. */
function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) };
}

describe.skipIf(!haveInfluxd)('examples/influx-fit-then-tail against a real InfluxDB 1.x (influxd)', () => {
  let db: Influxd;
  beforeAll(async () => {
    db = await startInfluxd();
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('fits on exactly the stored window, freezes, and normalizes live points written afterwards', async () => {
    await db.query('CREATE DATABASE ops');
    const fitUntil = Math.floor(Date.now() / 1000) * 1000;
    const fitFrom = fitUntil - 30_000;
    const d1 = Array.from({ length: 30 }, (_, i) => 10 + (i % 5));
    const d2 = Array.from({ length: 30 }, (_, i) => 100 - i / 4);
    const history = d1.flatMap((x, i) => [`env,dev=d1 temp=${x} ${fitFrom + i * 1000}`, `env,dev=d2 temp=${d2[i]} ${fitFrom + i * 1000 + 1}`]);
    history.push(`env,dev=d1 temp=999 ${fitFrom - 1}`); // before the window: never learned
    await db.write('ops', history.join('\n'));

    let signal!: () => void;
    const fitted = new Promise<void>((resolve) => (signal = resolve));
    const run = main({ influxUrl: db.url, db: 'ops', seed: false, fitFrom, fitUntil, live: 5, pollMs: 20, onFitted: () => signal() });
    await Promise.race([fitted, run]); // the statistics are frozen; the tail starts now
    await sleep(100);
    await db.write('ops', `env,dev=d1 temp=14 ${fitUntil + 1000}\nenv,dev=d9 temp=7 ${fitUntil + 1000}`);
    await db.write('ops', `env,dev=d1 temp=-500 ${fitUntil - 2}`); // inside the training window, written after the fit: neither learned nor emitted
    await sleep(100);
    await db.write('ops', `env,dev=d2 temp=97 ${fitUntil + 3000}`);
    await sleep(150); // polled: the cursor is at +3 s now
    await db.write('ops', `env,dev=d2 temp=101 ${fitUntil + 2000}`); // late by 1 s (< lag): still emitted, once
    await sleep(150);
    await db.write('ops', `env,dev=d1 temp=10 ${fitUntil + 4000}`);
    const s = await run;

    expect(s.historyReadings).toBe(60);
    const want1 = meanStd(d1);
    const want2 = meanStd(d2);
    expect(s.fitted['d1/temp']).toEqual({ center: expect.closeTo(want1.mean, 12) as number, scale: expect.closeTo(want1.std, 12) as number, count: 30 });
    expect(s.fitted['d2/temp']).toEqual({ center: expect.closeTo(want2.mean, 12) as number, scale: expect.closeTo(want2.std, 12) as number, count: 30 });

    expect(s.live.map((n) => [n.series, n.raw, n.time, n.phase, n.flag])).toEqual([
      ['d1/temp', 14, fitUntil + 1000, 'frozen', undefined],
      ['d9/temp', 7, fitUntil + 1000, 'passthrough', 'raw'],
      ['d2/temp', 97, fitUntil + 3000, 'frozen', undefined],
      ['d2/temp', 101, fitUntil + 2000, 'frozen', undefined],
      ['d1/temp', 10, fitUntil + 4000, 'frozen', undefined],
    ]);
    const z = s.live.map((n) => n.value);
    expect(z[0]).toBeCloseTo((14 - want1.mean) / want1.std, 12);
    expect(z[1]).toBe(7);
    expect(z[2]).toBeCloseTo((97 - want2.mean) / want2.std, 12);
    expect(z[3]).toBeCloseTo((101 - want2.mean) / want2.std, 12);
    expect(z[4]).toBeCloseTo((10 - want1.mean) / want1.std, 12);
  });

  it('runs self-contained: seeds its own history and live points', async () => {
    const s = await main({ influxUrl: db.url, db: 'selfseeded', pollMs: 50 });
    expect(s.historyReadings).toBe(120);
    expect(Object.keys(s.fitted).sort()).toEqual(['d1/temp', 'd2/temp']);
    expect(s.fitted['d1/temp']?.count).toBe(60);
    expect(s.fitted['d1/temp']?.center).toBeCloseTo(22, 0);
    expect(s.fitted['d2/temp']?.center).toBeCloseTo(24, 0);
    expect(s.live).toHaveLength(9);
    expect(s.live.filter((n) => n.flag === 'raw').map((n) => n.series)).toEqual(['d3/temp', 'd3/temp', 'd3/temp']);
    for (const n of s.live.filter((o) => o.phase === 'frozen')) {
      const p = s.fitted[n.series] as { center: number; scale: number };
      expect(n.value).toBeCloseTo(((n.raw as number) - p.center) / p.scale, 12);
    }
    // Live times start at the end of the training window and never repeat.
    const times = s.live.map((n) => `${n.series}@${n.time}`);
    expect(new Set(times).size).toBe(9);
  });

  it('fails clearly when the database does not answer', async () => {
    await expect(main({ influxUrl: db.url, db: 'missing', seed: false, live: 1, timeoutMs: 2000 })).rejects.toThrow(/database not found: missing/);
  });
});
