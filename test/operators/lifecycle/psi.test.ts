import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { normalize, psi, psiBins, SeriesStore, sortedQuantile, type DriftAlarm, type Reading } from 'streamnorm';
import { gaussian } from '../../helpers/random.js';
import { R } from '../helpers.js';

describe('PSI by hand', () => {
  it('a small example: two bins, 80/20 against 50/50', () => {
    // (0.8 − 0.5)·ln(0.8/0.5) + (0.2 − 0.5)·ln(0.2/0.5) = 0.3·0.470004 + 0.3·0.916291
    const byHand = 0.3 * Math.log(1.6) + -0.3 * Math.log(0.4);
    expect(psi(new Float64Array([0.5, 0.5]), [80, 20])).toBeCloseTo(byHand, 15);
    expect(byHand).toBeCloseTo(0.4158883, 7);
  });

  it('an empty bin counts as the floor 1e-4', () => {
    const floor = 1e-4;
    // Counts [100, 0]: shares 1 and 0, the 0 floored.
    const expected = (1 - 0.5) * Math.log(1 / 0.5) + (floor - 0.5) * Math.log(floor / 0.5);
    expect(psi(new Float64Array([0.5, 0.5]), [100, 0])).toBeCloseTo(expected, 12);
  });

  it('tied deciles merge: one edge, the shares add', () => {
    const train = [0, 0, 0, 0, 1, 2, 3, 4, 5, 6]; // 40 % zeros
    const sorted = Float64Array.from(train).sort();
    const b = psiBins((p) => sortedQuantile(sorted, p));
    expect(b.edges[0]).toBe(0);
    expect(b.expected[0]).toBeCloseTo(0.3, 15); // deciles 10 %, 20 %, 30 % all 0 (the 40 % one is 0.6)
    expect(Array.from(b.expected).reduce((s, e) => s + e, 0)).toBeCloseTo(1, 15);
  });
});

describe('PSI through normalize (drift.psi)', () => {
  it('the streaming PSI of each window equals the computation on that window against the training deciles', async () => {
    const g = gaussian(5);
    const window = 200;
    const train = Array.from({ length: 500 }, () => 10 + g());
    const live = Array.from({ length: window * 3 }, (_, i) => (i < window ? 10 + g() : 10 + 3 * g())); // 2nd, 3rd windows: variance x9
    const store = new SeriesStore({ drift: { psi: { window } } });
    const alarms: DriftAlarm[] = [];
    store.drift$.subscribe((a) => alarms.push(a));
    const readings: Reading[] = [...train, ...live].map((v) => R('s', v));
    await lastValueFrom(from(readings).pipe(normalize({ store, freeze: { afterSamples: train.length }, whileFitting: 'drop' }), toArray()));
    // By hand: numpy-linear deciles of the exact training window (the sketch is exact up to 512 values).
    const sorted = Float64Array.from(train).sort();
    const bins = psiBins((p) => sortedQuantile(sorted, p));
    const byHand = [0, 1, 2].map((w) => {
      const counts = new Array<number>(bins.expected.length).fill(0);
      for (const x of live.slice(w * window, (w + 1) * window)) {
        let j = 0;
        while (j < bins.edges.length && x > (bins.edges[j] as number)) j++;
        counts[j] = (counts[j] as number) + 1;
      }
      return psi(bins.expected, counts);
    });
    const psiAlarms = alarms.filter((a) => a.kind === 'psi');
    expect(byHand[0]).toBeLessThan(0.25);
    expect(byHand[1]).toBeGreaterThan(0.25);
    expect(psiAlarms.map((a) => a.score)).toEqual(byHand.filter((p) => p > 0.25));
    expect(psiAlarms.map((a) => a.version)).toEqual([1, 1]);
  });

  it('PSI state survives a snapshot', async () => {
    const g = gaussian(6);
    const store = new SeriesStore({ drift: { psi: { window: 50 } } });
    await lastValueFrom(from(Array.from({ length: 130 }, () => R('s', g()))).pipe(normalize({ store, freeze: { afterSamples: 100 } }), toArray()));
    const copy = new SeriesStore({ drift: { psi: { window: 50 } }, initial: JSON.parse(JSON.stringify(store.snapshot())) });
    expect(copy.snapshot().series.s).toEqual(store.snapshot().series.s);
    const bad = JSON.parse(JSON.stringify(store.snapshot()));
    bad.series.s.lifecycle.psi.counts = [1];
    expect(() => new SeriesStore({ drift: { psi: true }, initial: bad })).toThrow(/lifecycle.psi/);
  });
});
