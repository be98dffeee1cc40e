import { describe, expect, it } from 'vitest';
import {
  KeyedScalers,
  SCALER_KINDS,
  createScaler,
  fromSklearn,
  fromSklearnFeatures,
  restoreScaler,
  restoreSnapshot,
  saveScaler,
  saveSnapshot,
  toSklearn,
  type ScalerSpec,
} from 'streamnorm';
import { close, loadFixture, nan, nans } from '../../helpers/fixtures.js';

const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const specs: ScalerSpec[] = [
  { kind: 'standard' },
  { kind: 'standard', pre: 'log1p', zeroSpread: 'nan' },
  { kind: 'minmax', featureRange: [-1, 1], clip: true },
  { kind: 'maxabs' },
  { kind: 'robust', quantileRange: [10, 90], unitVariance: true },
  { kind: 'robust', exactLimit: 50 }, // sketch mode
];

describe('saveScaler / restoreScaler', () => {
  const values = Array.from({ length: 300 }, (_, i) => 1e6 + Math.sin(i) * 1000 + (i % 17));
  for (const spec of specs) {
    for (const phase of ['fitting', 'frozen'] as const) {
      it(`${JSON.stringify(spec)} ${phase}: restore gives bit-identical outputs and continues identically`, () => {
        const s = createScaler(spec).learnMany([...values, NaN, null, 'x']);
        if (phase === 'frozen') s.freeze();
        const back = restoreScaler(roundTrip(saveScaler(s)));
        expect(back.phase).toBe(phase);
        expect(back.invalid).toEqual(s.invalid);
        for (const x of [-5, 0, 1e6, 1e6 + 123.456, 2e6, NaN]) {
          expect(Object.is(back.transform(x), s.transform(x))).toBe(true);
          expect(Object.is(back.inverse(0.3), s.inverse(0.3))).toBe(true);
        }
        if (phase === 'fitting') {
          s.learnMany([1e6 + 1, 1e6 + 2]);
          back.learnMany([1e6 + 1, 1e6 + 2]);
          expect(back.params()).toEqual(s.params());
        } else {
          expect(back.params()).toEqual(s.params());
        }
      });
    }
  }

  it('refuses bad documents with a message naming the field', () => {
    const good = roundTrip(saveScaler(frozenStandard()));
    const cases: [unknown, RegExp][] = [
      [null, /scaler state must be an object/],
      [{ ...good, schema: 'other' }, /schema must be "streamnorm\/scaler"/],
      [{ ...good, schemaVersion: 99 }, /schemaVersion must be 1/],
      [{ ...good, spec: { kind: 'zscore' } }, /spec unknown scaler kind "zscore"/],
      [{ ...good, stats: { ...good.stats, m2: -4 } }, /stats .*m2/],
      [{ ...good, stats: { ...good.stats, count: undefined } }, /stats .*count/],
      [{ ...good, frozen: undefined }, /frozen is required/],
      [{ ...good, frozen: { ...good.frozen, scale: -1 } }, /frozen.scale must be > 0/],
      [{ ...good, frozen: { ...good.frozen, center: 'a' } }, /frozen.center must be a finite number/],
      [{ ...good, phase: 'warm' }, /phase must be/],
      [{ ...good, invalid: { nan: -1 } }, /invalid.nan must be a non-negative integer/],
    ];
    for (const [doc, message] of cases) expect(() => restoreScaler(doc)).toThrow(message);
  });
});

/** A frozen standard scaler, for the refusal tests. */
function frozenStandard(): ReturnType<typeof createScaler> {
  const s = createScaler({ kind: 'standard' }).learnMany([1, 2, 3]);
  s.freeze();
  return s;
}

describe('snapshots of many series', () => {
  it('round-trip every series with its phase, and refuse a bad series by name', () => {
    const ks = new KeyedScalers((key) => (key.startsWith('p') ? { kind: 'robust' } : { kind: 'standard' }));
    for (let i = 0; i < 50; i++) {
      ks.learn('temp', 20 + (i % 5));
      ks.learn('pressure', 101_000 + i * 3);
      ks.learn('vib', i % 2 ? NaN : i);
    }
    ks.freeze('temp');
    const snap = roundTrip(saveSnapshot(ks));
    expect(snap.schema).toBe('streamnorm/snapshot');
    const back = restoreSnapshot(snap);
    expect(back.size).toBe(3);
    expect(back.get('temp')!.phase).toBe('frozen');
    expect(back.get('pressure')!.phase).toBe('fitting');
    expect(back.get('vib')!.invalid.nan).toBe(25);
    for (const k of ['temp', 'pressure', 'vib']) expect(back.transform(k, 42)).toBe(ks.transform(k, 42));
    const bad = roundTrip(snap);
    (bad.series.pressure as { schemaVersion: number }).schemaVersion = 0;
    expect(() => restoreSnapshot(bad)).toThrow(/snapshot.series\["pressure"\].schemaVersion/);
    expect(() => restoreSnapshot({ ...snap, schema: 'x' })).toThrow(/snapshot.schema/);
  });

  it('a frozen keyed series releases its fitting window', () => {
    const ks = new KeyedScalers({ kind: 'robust' });
    for (let i = 0; i < 4000; i++) ks.learn('a', i);
    const before = ks.transform('a', 3000);
    ks.freeze();
    expect(ks.get('a')!.count).toBe(0);
    expect(ks.transform('a', 3000)).toBe(before);
    expect(JSON.stringify(saveSnapshot(ks)).length).toBeLessThan(2000);
  });
});

describe('scikit-learn attributes in and out', () => {
  it('importing the fixture attributes reproduces scikit-learn transforms (standard, minmax, maxabs, robust)', () => {
    for (const c of loadFixture('standard')) {
      const e = c.expected as Record<string, number> & { transform: (number | null)[] };
      const s = fromSklearn('standard', e);
      expect(s.phase).toBe('frozen');
      c.test!.forEach((x, i) => expect(close(s.transform(nan(x)), nan(e.transform[i]), 1e-12, Math.abs(nan(x)) / e.scale_!)).toBe(true));
      // and exporting gives back the same attributes
      const out = toSklearn(s);
      expect(out.scale_).toBe(e.scale_);
      expect(out.n_samples_seen_).toBe(e.n_samples_seen_);
      expect(out.mean_).toBe(e.mean_);
    }
    for (const c of loadFixture('minmax')) {
      const p = c.params as { feature_range: [number, number]; clip: boolean };
      const e = c.expected as Record<string, number> & { transform: (number | null)[] };
      const s = fromSklearn('minmax', e, { featureRange: p.feature_range, clip: p.clip });
      c.test!.forEach((x, i) => expect(close(s.transform(nan(x)), nan(e.transform[i]), 1e-12, Math.abs(nan(x) * e.scale_!) + Math.abs(e.min_!))).toBe(true));
    }
    for (const c of loadFixture('maxabs')) {
      const e = c.expected as Record<string, number> & { transform: (number | null)[] };
      const s = fromSklearn('maxabs', e);
      c.test!.forEach((x, i) => expect(close(s.transform(nan(x)), nan(e.transform[i]))).toBe(true));
    }
    for (const c of loadFixture('robust')) {
      const e = c.expected as Record<string, number> & { transform: (number | null)[] };
      const s = fromSklearn('robust', e);
      c.test!.forEach((x, i) => expect(close(s.transform(nan(x)), nan(e.transform[i]), 1e-12, (Math.abs(nan(x)) + Math.abs(e.center_!)) / e.scale_!)).toBe(true));
    }
  });

  it('a scaler fitted here exports attributes a fitted scikit-learn scaler would have', () => {
    const c = loadFixture('standard')[0]!;
    const s = createScaler({ kind: 'standard' }).learnMany(nans(c.fit_chunks!.flat()));
    const back = fromSklearn('standard', toSklearn(s) as Record<string, number>);
    expect(back.transform(21.5)).toBeCloseTo(s.transform(21.5), 14);
  });

  it('multi-feature import keys series by feature_names_in_', () => {
    const m = fromSklearnFeatures('standard', { mean_: [1, 100], var_: [4, 25], scale_: [2, 5], n_samples_seen_: 10, feature_names_in_: ['temp', 'hum'] });
    expect([...m.keys()]).toEqual(['temp', 'hum']);
    expect(m.get('hum')!.transform(110)).toBe(2);
    expect(() => fromSklearnFeatures('standard', { mean_: [1, 2], var_: [1, 1], scale_: [1, 1], feature_names_in_: ['a'] })).toThrow(/feature_names_in_/);
  });

  it('refuses missing or impossible attributes by name', () => {
    expect(() => fromSklearn('standard', { mean_: 1, scale_: 1 })).toThrow(/var_ is missing/);
    expect(() => fromSklearn('standard', { mean_: 1, var_: -1, scale_: 1 })).toThrow(/var_ must be >= 0/);
    expect(() => fromSklearn('maxabs', { max_abs_: 2, scale_: 0 })).toThrow(/scale_ must be a finite number > 0/);
    expect(() => fromSklearn('minmax', { data_min_: 5, data_max_: 1, scale_: 1 })).toThrow(/data_min_ must be <= data_max_/);
    expect(() => fromSklearn('robust', { center_: [1, 2], scale_: 1 })).toThrow(/one feature/);
    expect(() => fromSklearn('standard', { mean_: 'a' as never, var_: 1, scale_: 1 })).toThrow(/mean_ must be a number/);
  });
});

describe('every kind is reachable by name', () => {
  it('createScaler builds each kind and refuses unknown ones', () => {
    for (const kind of SCALER_KINDS) expect(createScaler({ kind } as ScalerSpec).kind).toBe(kind);
    expect(() => createScaler({ kind: 'nope' } as never)).toThrow(/unknown scaler kind "nope"; expected one of standard, minmax, maxabs, robust/);
  });
});
