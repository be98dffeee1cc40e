import { describe, expect, it } from 'vitest';
import { readRunConfig } from '../../bin/cli/run-config.js';

const base = { input: { mqtt: { url: 'mqtt://x', topics: 'a/+b' } }, output: { mqtt: { topic: 'o' } } };

describe('the run config: drift: and refit: sections', () => {
  it('drift options for the store, and keepVersions', () => {
    const c = readRunConfig({ ...base, drift: { cusum: { k: 1, h: 8, clip: 5 }, ar1: true, stuckAfter: 0, cooldown: 10, psi: { window: 500 }, keepVersions: 5 } });
    expect(c.drift).toEqual({ drift: { cusum: { k: 1, h: 8, clip: 5 }, ar1: true, stuckAfter: 0, cooldown: 10, psi: { window: 500 } }, keepVersions: 5 });
    expect(readRunConfig({ ...base, drift: false }).drift).toEqual({ drift: false });
    expect(readRunConfig(base).drift).toBeUndefined();
  });

  it('refit policy: on alarms, a schedule, approval', () => {
    expect(readRunConfig({ ...base, refit: { onAlarm: ['cusum', 'stuck'], every: '7d', approval: true } }).refit).toEqual({ onAlarm: ['cusum', 'stuck'], everyMs: 7 * 86_400_000, approve: true });
    expect(readRunConfig({ ...base, refit: { onAlarm: true } }).refit).toEqual({ onAlarm: true, approve: false });
  });

  it('mistakes are refused, naming the key', () => {
    expect(() => readRunConfig({ ...base, drift: { cusm: {} } })).toThrow(/config\.drift\.cusm: unknown key/);
    expect(() => readRunConfig({ ...base, drift: { cusum: { h: 0 } } })).toThrow(/config\.drift\.cusum\.h: expected a number > 0/);
    expect(() => readRunConfig({ ...base, drift: { psi: { window: 3 } } })).toThrow(/config\.drift\.psi\.window/);
    expect(() => readRunConfig({ ...base, refit: { onAlarm: ['shift'] } })).toThrow(/config\.refit\.onAlarm/);
    expect(() => readRunConfig({ ...base, refit: { every: 'weekly' } })).toThrow(/config\.refit\.every: expected a duration/);
  });
});

describe('the run config: scalers by series glob, every kind', () => {
  it('rules: the first whose glob matches wins; no match: standard', () => {
    const c = readRunConfig({ ...base, normalize: { scaler: [{ match: 'site1/*/light', scaler: { kind: 'maxabs', pre: 'log' } }, { match: 'site2/**', scaler: { kind: 'quantile', nQuantiles: 100, outputDistribution: 'normal', clip: true } }] } });
    const spec = c.normalize.scaler as (series: string) => unknown;
    expect(spec('site1/dev1/light')).toEqual({ kind: 'maxabs', pre: 'log' });
    expect(spec('site1/dev1/sub/light')).toEqual({ kind: 'standard' });
    expect(spec('site2/a/b/c')).toEqual({ kind: 'quantile', nQuantiles: 100, outputDistribution: 'normal', clip: true });
    expect(spec('site3/x')).toEqual({ kind: 'standard' });
  });

  it('clip for every kind; a bad spec in a rule is refused, naming the path', () => {
    expect(readRunConfig({ ...base, normalize: { scaler: { kind: 'standard', clip: [-5, 5] } } }).normalize.scaler).toEqual({ kind: 'standard', clip: [-5, 5] });
    expect(() => readRunConfig({ ...base, normalize: { scaler: [{ match: '**', scaler: { kind: 'quantile', nQuantile: 10 } }] } })).toThrow(/config\.normalize\.scaler/);
    expect(() => readRunConfig({ ...base, normalize: { scaler: [{ glob: '**', scaler: { kind: 'standard' } }] } })).toThrow(/config\.normalize\.scaler/);
  });
});
