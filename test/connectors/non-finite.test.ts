import { describe, expect, it } from 'vitest';
import { Extrema, MinMaxScaler, restoreScaler, saveScaler, StandardScaler, type Normalized } from 'streamnorm';
import { decodeFrozenStats, decodeNormalized, encodeFrozenStats, encodeNormalized } from 'streamnorm/mqtt';

/**
 * JSON has no NaN or ±Infinity. Everywhere streamnorm writes JSON (snapshots, the retained stats
 * messages, normalized outputs) a non-finite number is the string "NaN", "Infinity" or
 * "-Infinity", and reads back as that number.
 */
const nanPolicy = (): StandardScaler => {
  const s = new StandardScaler({ zeroSpread: 'nan' }).learnMany([4, 4, 4]);
  s.freeze();
  return s;
};

describe('one JSON encoding of non-finite numbers', () => {
  it('snapshots: a NaN invScale is "NaN" and restores as NaN', () => {
    const json = JSON.parse(JSON.stringify(saveScaler(nanPolicy()))) as { frozen: { invScale: unknown } };
    expect(json.frozen.invScale).toBe('NaN');
    expect(restoreScaler(json).params().invScale).toBeNaN();
  });

  it('snapshots: empty extrema are "Infinity" / "-Infinity" and restore empty', () => {
    const json = JSON.parse(JSON.stringify(new Extrema().toState())) as { min: unknown; max: unknown };
    expect(json).toEqual({ count: 0, min: 'Infinity', max: '-Infinity' });
    const back = Extrema.fromState(json as never);
    expect([back.count, back.min, back.max]).toEqual([0, Infinity, -Infinity]);
    const fitting = JSON.parse(JSON.stringify(saveScaler(new MinMaxScaler()))) as { stats: unknown };
    expect(fitting.stats).toEqual({ count: 0, min: 'Infinity', max: '-Infinity' });
  });

  it('snapshots written by 0.1.0 (NaN and empty bounds as null) still restore', () => {
    const old = JSON.parse(JSON.stringify(saveScaler(nanPolicy()))) as { frozen: { invScale: unknown } };
    old.frozen.invScale = null;
    expect(restoreScaler(old).params().invScale).toBeNaN();
    expect(Extrema.fromState({ count: 0, min: null, max: null }).count).toBe(0);
  });

  it('stats messages: the same strings', () => {
    const text = encodeFrozenStats('s', nanPolicy().frozen!);
    expect((JSON.parse(text) as { params: { invScale: unknown } }).params.invScale).toBe('NaN');
    expect(decodeFrozenStats(text).params.invScale).toBeNaN();
  });

  it('normalized outputs: the same strings, for the value and a numeric raw value', () => {
    const n: Normalized = { series: 's', raw: -Infinity, value: NaN, phase: 'frozen', version: 1, flag: 'invalid', reason: 'infinite' };
    const json = JSON.parse(encodeNormalized(n)) as Record<string, unknown>;
    expect(json).toEqual({ series: 's', value: 'NaN', raw: '-Infinity', phase: 'frozen', version: 1, flag: 'invalid', reason: 'infinite' });
    expect(decodeNormalized(encodeNormalized(n))).toEqual(n);
    expect(decodeNormalized(encodeNormalized({ ...n, value: Infinity, raw: 'ERR', reason: 'not-a-number' })).value).toBe(Infinity);
  });
});
