import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { inverseNormalize, normalize, SeriesStore, type DriftAlarm, type Normalized, type NormalizeOptions, type Reading } from 'streamnorm';
import { gaussian } from '../../helpers/random.js';
import { R } from '../helpers.js';

const run = (readings: Reading[], options: NormalizeOptions): Promise<Normalized[]> => lastValueFrom(from(readings).pipe(normalize(options), toArray()));

describe('refit by hand: a shadow fit beside the serving statistics, promoted as the next version', () => {
  it('serves v1 while the new window learns, then switches at one reading; frozen$ tells; v1 is kept', async () => {
    const store = new SeriesStore();
    const frozen: string[] = [];
    store.frozen$.subscribe((f) => frozen.push(`${f.series}@${f.params.version}`));
    const options = { store, freeze: { afterSamples: 3 }, whileFitting: 'drop' } as const;
    await run([R('s', 1), R('s', 2), R('s', 3)], options);
    expect(store.refit('s')).toEqual(['s']);
    expect(store.refit('s')).toEqual([]); // one refit at a time
    const out = await run([R('s', 10), R('s', 20), R('s', 30), R('s', 20)], options);
    expect(out.map((n) => n.version)).toEqual([1, 1, 1, 2]);
    expect(out.map((n) => n.phase)).toEqual(['frozen', 'frozen', 'frozen', 'frozen']);
    expect(out[0]?.value).toBe(8 / Math.sqrt(2 / 3)); // v1: mean 2, std √(2/3)
    expect(out[3]?.value).toBe(0); // v2: mean 20
    expect(frozen).toEqual(['s@1', 's@2']);
    expect(store.paramsAt('s', 1)?.center).toBe(2);
    expect(store.paramsAt('s', 2)?.center).toBe(20);
    expect(store.diagnostics().series.s).toMatchObject({ refits: 1, promotions: 1 });
  });

  it('the inverse of an output uses the version the output names', async () => {
    const store = new SeriesStore();
    const options = { store, freeze: { afterSamples: 3 }, whileFitting: 'drop' } as const;
    const v1out = await run([R('s', 1), R('s', 2), R('s', 3), R('s', 4)], options);
    store.refit('s');
    await run([R('s', 10), R('s', 20), R('s', 30)], options);
    expect(store.params('s')?.version).toBe(2);
    const back = await lastValueFrom(from(v1out).pipe(inverseNormalize({ store }), toArray()));
    expect(back.map((b) => [b.value, b.version])).toEqual([[4, 1]]);
  });

  it('a promotion can wait for approval: a notifier, or store.approve', async () => {
    const store = new SeriesStore();
    const input = new Subject<Reading>();
    const approval = new Subject<string>();
    const out: Normalized[] = [];
    input.pipe(normalize({ store, freeze: { afterSamples: 2 }, whileFitting: 'drop', refit: { approval } })).subscribe((n) => out.push(n));
    for (const v of [1, 3]) input.next(R('s', v));
    store.refit('s');
    for (const v of [10, 30, 20]) input.next(R('s', v));
    expect(out.map((n) => n.version)).toEqual([1, 1, 1]);
    expect(store.diagnostics().series.s?.awaitingApproval).toBe(1);
    approval.next('other');
    input.next(R('s', 20));
    expect(out.at(-1)?.version).toBe(1);
    approval.next('s');
    input.next(R('s', 20));
    expect(out.at(-1)).toMatchObject({ version: 2, value: 0 });
  });
});

describe('drift alarms start refits (refit.onAlarm)', () => {
  it('a 3σ shift raises a CUSUM alarm within a few readings; the refit promotes v2 fitted on the new level; nothing dropped or doubled', async () => {
    const rand = gaussian(7);
    const readings: Reading[] = [];
    for (let i = 0; i < 300; i++) readings.push(R('s', 100 + 2 * rand(), i));
    for (let i = 300; i < 700; i++) readings.push(R('s', 106 + 2 * rand(), i));
    const store = new SeriesStore();
    const alarms: DriftAlarm[] = [];
    store.drift$.subscribe((a) => alarms.push(a));
    const out = await run(readings, { store, freeze: { afterSamples: 100 }, refit: { onAlarm: true } });
    expect(out).toHaveLength(readings.length);
    expect(out.map((n) => n.time)).toEqual(readings.map((r) => r.time));
    const first = alarms.find((a) => a.kind === 'cusum');
    expect(first?.version).toBe(1);
    expect((first?.time as number) - 300).toBeLessThan(15);
    const versions = out.map((n) => n.version);
    const switchAt = versions.indexOf(2);
    expect(switchAt).toBeGreaterThan(300);
    expect(versions.slice(switchAt).every((v) => v === 2)).toBe(true);
    expect(store.params('s')?.center).toBeGreaterThan(105);
  });

  it('a stuck sensor after the freeze raises a stuck alarm', async () => {
    const store = new SeriesStore({ drift: { stuckAfter: 5 } });
    const alarms: DriftAlarm[] = [];
    store.drift$.subscribe((a) => alarms.push(a));
    await run([1, 2, 3, 4, 7, 7, 7, 7, 7].map((v) => R('s', v)), { store, freeze: { afterSamples: 4 } });
    expect(alarms.map((a) => [a.kind, a.score])).toEqual([['stuck', 5]]);
  });

  it('drift off: no alarms, no drift state', async () => {
    const store = new SeriesStore({ drift: false });
    await run([1, 2, 3, 50, 60, 70].map((v) => R('s', v)), { store, freeze: { afterSamples: 3 } });
    expect(store.driftScore('s')).toBeUndefined();
    expect(store.diagnostics().totals.driftAlarms).toBe(0);
  });

  it('outputs may carry the drift score', async () => {
    const out = await run([1, 2, 3, 9].map((v) => R('s', v)), { freeze: { afterSamples: 3 }, whileFitting: 'drop', driftScore: true, store: new SeriesStore({ drift: { cooldown: 0 } }) });
    // z = (9 − 2)/√(2/3) = 8.6, limited to the CUSUM's clip 4, less k 0.5.
    expect(out[0]?.drift).toBe(3.5);
  });

  it('store.diagnostics() lists the notable drift scores (CUSUM at least 1σ)', async () => {
    const store = new SeriesStore({ drift: { cooldown: 0 } });
    await run([1, 2, 3, 9].map((v) => R('s', v)).concat([1, 2, 3, 2].map((v) => R('quiet', v))), { freeze: { afterSamples: 3 }, store });
    expect(store.diagnostics().drift).toEqual({ s: { cusum: 3.5 } });
    expect(store.driftScore('quiet')).toBe(0);
  });
});

describe('checkpoint and resume in the middle of a refit', () => {
  it('a restored store resumes the refit window and promotes at the same reading', async () => {
    const options = { freeze: { afterSamples: 3 }, whileFitting: 'drop' } as const;
    const tail = [R('s', 10), R('s', 20), R('s', 30), R('s', 20)];
    const once = new SeriesStore();
    await run([R('s', 1), R('s', 2), R('s', 3)], { ...options, store: once });
    once.refit('s');
    const expected = await run(tail, { ...options, store: once });

    const before = new SeriesStore();
    await run([R('s', 1), R('s', 2), R('s', 3)], { ...options, store: before });
    before.refit('s');
    await run(tail.slice(0, 1), { ...options, store: before });
    const resumed = new SeriesStore({ initial: JSON.parse(JSON.stringify(before.snapshot())) });
    const rest = await run(tail.slice(1), { ...options, store: resumed });
    expect(rest).toEqual(expected.slice(1));
    expect(resumed.paramsAt('s', 1)?.center).toBe(2);
  });
});

describe('kept versions, cool-down, drift state across a snapshot', () => {
  it('keepVersions: the last K versions answer paramsAt and inverses; older ones are gone', async () => {
    const store = new SeriesStore({ keepVersions: 2 });
    const options = { store, freeze: { afterSamples: 2 }, whileFitting: 'drop' } as const;
    await run([R('s', 1), R('s', 3)], options); // v1: center 2
    for (const level of [10, 20]) {
      store.refit('s');
      await run([R('s', level - 1), R('s', level + 1)], options); // v2: center 10, v3: center 20
    }
    expect(store.params('s')?.version).toBe(3);
    expect(store.paramsAt('s', 3)?.center).toBe(20);
    expect(store.paramsAt('s', 2)?.center).toBe(10);
    expect(store.paramsAt('s', 1)).toBeUndefined();
    const old: Normalized = { series: 's', raw: 3, value: 1, phase: 'frozen', version: 1 };
    const kept: Normalized = { series: 's', raw: 11, value: 1, phase: 'frozen', version: 2 };
    const back = await lastValueFrom(from([old, kept]).pipe(inverseNormalize({ store }), toArray()));
    // The output of v1 cannot be inverted any more: it follows `unknown` (NaN, version 0).
    expect(back.map((b) => b.version)).toEqual([0, 2]);
    expect(back[0]?.value).toBeNaN();
    expect(back[1]?.value).toBe(11);
  });

  it('cool-down: no alarm in the first `cooldown` readings after a freeze, the same shift alarms right after it', async () => {
    const alarmsAt = async (cooldown: number): Promise<number[]> => {
      const store = new SeriesStore({ drift: { cooldown } });
      const alarms: DriftAlarm[] = [];
      store.drift$.subscribe((a) => alarms.push(a));
      const g = gaussian(5);
      const readings: Reading[] = [];
      for (let i = 0; i < 100; i++) readings.push(R('s', g(), i));
      for (let i = 100; i < 300; i++) readings.push(R('s', 8 + g(), i)); // an 8σ shift from the first frozen reading on
      await run(readings, { store, freeze: { afterSamples: 100 }, whileFitting: 'drop' });
      return alarms.filter((a) => a.kind === 'cusum').map((a) => a.time as number);
    };
    const none = await alarmsAt(0);
    const cooled = await alarmsAt(50);
    expect(none[0]).toBeLessThan(105);
    expect(cooled[0]).toBeGreaterThanOrEqual(150);
    expect(cooled[0]).toBeLessThan(155);
  });

  it("a snapshot carries each series' CUSUM sums: the restored store raises the alarm at the same reading", async () => {
    const readings = Array.from({ length: 60 }, (_, i) => R('s', i < 20 ? i % 4 : 4 + (i % 4), i)); // a shift of about 3.6σ after the freeze
    const options = { freeze: { afterSamples: 20 }, whileFitting: 'drop', driftScore: true } as const;
    const alarmTimes = (store: SeriesStore): number[] => {
      const times: number[] = [];
      store.drift$.subscribe((a) => times.push(a.time as number));
      return times;
    };
    const once = new SeriesStore({ drift: { cooldown: 0 } });
    const onceAlarms = alarmTimes(once);
    const expected = await run(readings, { ...options, store: once });

    const before = new SeriesStore({ drift: { cooldown: 0 } });
    const beforeAlarms = alarmTimes(before);
    await run(readings.slice(0, 23), { ...options, store: before });
    expect(before.driftScore('s')).toBeGreaterThan(0);
    const resumed = new SeriesStore({ drift: { cooldown: 0 }, initial: JSON.parse(JSON.stringify(before.snapshot())) });
    expect(resumed.driftScore('s')).toBe(before.driftScore('s'));
    const resumedAlarms = alarmTimes(resumed);
    const rest = await run(readings.slice(23), { ...options, store: resumed });
    expect(rest).toEqual(expected.slice(3));
    expect([...beforeAlarms, ...resumedAlarms]).toEqual(onceAlarms);
    expect(onceAlarms.length).toBeGreaterThan(0);
  });
});

describe('the stats topic carries the version history', () => {
  it('frozen$ emits the kept versions with a promotion; the stats codec writes and reads them', async () => {
    const { decodeFrozenStats, encodeFrozenStats } = await import('streamnorm/mqtt');
    const store = new SeriesStore();
    const seen: { version: number; history: number[] }[] = [];
    store.frozen$.subscribe((f) => seen.push({ version: f.params.version, history: (f.history ?? []).map((h) => h.version) }));
    const options = { store, freeze: { afterSamples: 2 }, whileFitting: 'drop' } as const;
    await run([R('s', 1), R('s', 3)], options);
    store.refit('s');
    await run([R('s', 10), R('s', 30)], options);
    expect(seen).toEqual([
      { version: 1, history: [] },
      { version: 2, history: [1] },
    ]);
    const v2 = store.params('s')!;
    const text = encodeFrozenStats('s', v2, [store.paramsAt('s', 1)!]);
    const back = decodeFrozenStats(text);
    expect(back.params).toEqual(v2);
    expect(back.history?.map((h) => h.center)).toEqual([2]);
    expect(() => decodeFrozenStats(text.replace('"history":[{', '"history":[{"bogus":1,'))).toThrow();
  });
});

describe('more refit policies', () => {
  it('on a schedule: every span of event time after the freeze', async () => {
    const store = new SeriesStore();
    const readings = Array.from({ length: 40 }, (_, i) => R('s', i % 5, i * 1000));
    const out = await run(readings, { store, freeze: { afterSamples: 5 }, refit: { everyMs: 10_000 }, whileFitting: 'drop' });
    // frozen at t = 4 s; a refit window starts at t ≥ 14 s (10 s later), learns 5 readings, promotes; and again.
    expect(store.params('s')?.version).toBeGreaterThanOrEqual(3);
    expect(store.diagnostics().series.s?.refits).toBe(store.params('s')!.version - 1);
    const firstV2 = out.findIndex((n) => n.version === 2);
    expect(out[firstV2]?.time).toBeGreaterThanOrEqual(14_000 + 5_000);
  });

  it('alarms during a refit are counted, not acted on twice', async () => {
    const g = gaussian(9);
    const store = new SeriesStore({ drift: { cooldown: 0 } });
    const readings: Reading[] = [];
    for (let i = 0; i < 50; i++) readings.push(R('s', g(), i));
    for (let i = 50; i < 400; i++) readings.push(R('s', 20 + g(), i));
    await run(readings, { store, freeze: { afterSamples: 50 }, refit: { onAlarm: true } });
    const d = store.diagnostics().series.s!;
    expect(d.refits).toBe(1);
    expect(d.promotions).toBe(1);
    expect(d.driftAlarms).toBeGreaterThan(1);
    expect(d.alarmsDuringRefit).toBe(d.driftAlarms - 1);
  });

  it('every kind raises a CUSUM alarm on a shift: min-max, max-abs, quantile (training moments), robust (median and IQR)', async () => {
    for (const kind of ['minmax', 'maxabs', 'quantile', 'robust'] as const) {
      const g = gaussian(13);
      const store = new SeriesStore({ drift: { cooldown: 0 } });
      const alarms: DriftAlarm[] = [];
      store.drift$.subscribe((a) => alarms.push(a));
      const readings: Reading[] = [];
      for (let i = 0; i < 200; i++) readings.push(R('s', 10 + (i < 100 ? 0 : 3) + g(), i));
      await run(readings, { store, scaler: { kind }, freeze: { afterSamples: 100 }, whileFitting: 'drop' });
      expect(alarms.filter((a) => a.kind === 'cusum').length, kind).toBeGreaterThan(0);
      expect((alarms[0]?.time as number) - 100, kind).toBeLessThan(15);
    }
  });
});

describe('freeze now during a refit', () => {
  it('freezes the refit window and promotes it', async () => {
    const store = new SeriesStore();
    const options = { store, freeze: { afterSamples: 2 }, whileFitting: 'drop' } as const;
    await run([R('s', 1), R('s', 3)], options);
    store.refit('s');
    await run([R('s', 10)], { ...options, freeze: { afterSamples: 100 } });
    expect(store.freeze('s')).toEqual(['s']);
    expect(store.params('s')).toMatchObject({ version: 2, center: 10, count: 1 });
  });

  it('store.freeze() of every fit freezes refit windows too and promotes them, even where the learner waits for approval', async () => {
    const store = new SeriesStore();
    const options = { store, freeze: { afterSamples: 2 }, whileFitting: 'drop', refit: { approval: new Subject<unknown>() } } as const;
    await run([R('s', 1), R('s', 3), R('t', 5), R('t', 7)], options);
    store.refit(['s', 't']);
    await run([R('s', 10), R('t', 20)], { ...options, freeze: { afterSamples: 100 } });
    expect((await store.freeze()).sort()).toEqual(['s', 't']);
    expect(store.params('s')).toMatchObject({ version: 2, center: 10, count: 1 });
    expect(store.waitingVersion('t')).toBeUndefined();
  });
});
