import { count, lastValueFrom, map, range } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { CUSUM_DEFAULTS, cusumArl, normalize, SeriesStore, siegmundArl, type DriftAlarm } from 'streamnorm';
import { gaussian } from '../../helpers/random.js';

/**
 * The default CUSUM (k 0.5, h 10) measured through `normalize`, with the statistics fitted on the
 * default window of 100 readings, so the window's estimation error is in the figures.
 *
 * Derivation of the expected rate: a window of n readings estimates the mean with error m̂ ~ N(0, 1/n)
 * and the standard deviation as σ̂ = √(χ²ₙ₋₁ / n). An in-control reading then has the frozen z-score
 * z ~ N(−m̂/σ̂, 1/σ̂²), and a CUSUM (k, h) on it runs as a CUSUM (k σ̂, h σ̂) on a unit-variance
 * value shifted by −m̂. Its false alarms come at the rate 1 / ARL(k σ̂, h σ̂, −m̂) (Siegmund); averaged
 * over windows that is the rate to expect. With n = 100 it is about 7.8 times the nominal rate
 * 1 / 70,674 (an ARL near 9,000): the window's error, not the detector, sets most false alarms.
 */
const { k, h } = CUSUM_DEFAULTS;
const WINDOW = 100;

/** Expected false-alarm rate (per reading) and 1σ detection delay, averaged over windows of `n`. */
function expected(n: number, seed: number): { rate: number; delay: number } {
  const g = gaussian(seed);
  let rate = 0;
  let delay = 0;
  const draws = 20_000;
  for (let i = 0; i < draws; i++) {
    const m = g() / Math.sqrt(n);
    let chi = 0;
    for (let j = 0; j < n - 1; j++) chi += g() ** 2;
    const s = Math.sqrt(chi / n);
    const arl = (shift: number): number => 1 / (1 / siegmundArl(k * s, h * s, shift - m) + 1 / siegmundArl(k * s, h * s, m - shift));
    rate += 1 / arl(0);
    delay += arl(1);
  }
  return { rate: rate / draws, delay: delay / draws };
}

/** Runs `series` series of `length` readings each (round robin) through normalize; returns the alarms after the freeze. */
async function alarmsOf(series: number, length: number, value: (s: number, i: number) => number, ar1 = false, window = WINDOW): Promise<DriftAlarm[]> {
  const store = new SeriesStore({ drift: { ar1 } });
  const alarms: DriftAlarm[] = [];
  store.drift$.subscribe((a) => alarms.push(a));
  await lastValueFrom(
    range(0, series * length).pipe(
      map((j) => ({ series: `s${j % series}`, value: value(j % series, Math.floor(j / series)), time: Math.floor(j / series) })),
      normalize({ store, freeze: { afterSamples: window }, whileFitting: 'drop' }),
      count(),
    ),
  );
  return alarms.filter((a) => a.kind === 'cusum');
}

/** AR(1) readings with unit marginal variance, one generator per series. */
function ar1Values(phi: number, seed: number, series: number): (s: number, i: number) => number {
  const g = gaussian(seed);
  const last = new Float64Array(series);
  return (s) => {
    last[s] = phi * (last[s] as number) + Math.sqrt(1 - phi * phi) * g();
    return last[s] as number;
  };
}

describe('the default CUSUM: false alarms and detection delay measured against Siegmund', () => {
  const exp = expected(WINDOW, 99);

  it('the documented figures: ARL 70,674 in control, 20.3 readings for a 1σ shift (no estimation error)', () => {
    expect(Math.round(cusumArl(k, h, 0))).toBe(70674);
    expect(cusumArl(k, h, 1)).toBeCloseTo(20.33, 2);
    // With a window of 100 the expected false-alarm rate is about 7.8 times the nominal one.
    console.log('expected with a window of 100: rate × nominal ARL', (exp.rate * cusumArl(k, h, 0)).toFixed(2), 'ARL', (1 / exp.rate).toFixed(0), 'delay', exp.delay.toFixed(1));
    expect(exp.rate * cusumArl(k, h, 0)).toBeGreaterThan(6);
    expect(exp.rate * cusumArl(k, h, 0)).toBeLessThan(10);
  });

  it('in control (iid): the measured false-alarm rate agrees with the expectation within 25 %', async () => {
    const series = 200;
    const length = 40_000;
    const g = gaussian(1);
    const alarms = await alarmsOf(series, length, () => g());
    const rate = alarms.length / (series * (length - WINDOW - 100));
    // ~ 8M readings at ~1/30,000: about 260 alarms, so the sampling error is about 6 %.
    expect(rate / exp.rate).toBeGreaterThan(0.75);
    expect(rate / exp.rate).toBeLessThan(1.25);
  }, 60_000);

  it('a 1σ shift after the freeze is detected within the expected delay (within 20 %)', async () => {
    const series = 400;
    const start = WINDOW + 100; // after the cool-down: zero-state CUSUM
    const g = gaussian(2);
    const alarms = await alarmsOf(series, start + 400, (_s, i) => g() + (i >= start ? 1 : 0));
    const firstBySeries = new Map<string, number>();
    for (const a of alarms) if (!firstBySeries.has(a.series) && (a.time as number) >= start) firstBySeries.set(a.series, (a.time as number) - start + 1);
    expect(firstBySeries.size).toBe(series);
    const delays = [...firstBySeries.values()];
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean / exp.delay).toBeGreaterThan(0.8);
    expect(mean / exp.delay).toBeLessThan(1.2);
  }, 60_000);

  it('autocorrelated sensors: AR(1) multiplies false alarms; whitening (drift.ar1) with a long enough window brings them back', async () => {
    const series = 100;
    const length = 30_000;
    const measured: Record<string, number> = {};
    const rate = (alarms: DriftAlarm[], window: number): number => alarms.length / (series * (length - window - 100));
    for (const phi of [0.5, 0.9]) {
      measured[`plain ${phi}`] = rate(await alarmsOf(series, length, ar1Values(phi, 3, series)), WINDOW);
      measured[`ar1 ${phi}`] = rate(await alarmsOf(series, length, ar1Values(phi, 3, series), true), WINDOW);
      measured[`ar1 ${phi} window 1000`] = rate(await alarmsOf(series, length, ar1Values(phi, 3, series), true, 1000), 1000);
    }
    const exp1000 = expected(1000, 98);
    const ratio = (key: string): number => (measured[key] as number) / (key.endsWith('1000') ? exp1000.rate : exp.rate);
    console.log('false-alarm rate / iid expectation for the window:', Object.fromEntries(Object.keys(measured).map((key) => [key, ratio(key).toFixed(2)])));
    // The documented figures (README): the plain CUSUM alarms tens to hundreds of times too often.
    expect(ratio('plain 0.5')).toBeGreaterThan(10);
    expect(ratio('plain 0.9')).toBeGreaterThan(ratio('plain 0.5'));
    // Whitening with φ fitted in the window cuts that by an order of magnitude; what is left comes
    // from the window's error on the mean, whose effective size is n(1 − φ)/(1 + φ) readings (5 of
    // 100 at φ 0.9). A window of 1,000 brings the rate within a factor 3 of the iid expectation.
    expect(ratio('ar1 0.5')).toBeLessThan(ratio('plain 0.5') / 5);
    expect(ratio('ar1 0.9')).toBeLessThan(ratio('plain 0.9') / 10);
    expect(ratio('ar1 0.5 window 1000')).toBeLessThan(3);
    expect(ratio('ar1 0.9 window 1000')).toBeLessThan(3);
  }, 120_000);
});
