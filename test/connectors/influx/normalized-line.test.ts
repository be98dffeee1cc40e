import { describe, expect, it } from 'vitest';
import type { Normalized } from 'streamnorm';
import { normalizedToLine } from 'streamnorm/influx';

const base: Normalized = { series: 'dev7/temp', raw: 21.5, value: 0.5, time: 1_795_000_000_000, phase: 'frozen', version: 3, tags: { site: 'north' } };

describe('normalizedToLine', () => {
  it('writes the series tag, the reading tags and the normalized value at ms precision by default', () => {
    expect(normalizedToLine(base, {}, 0)).toEqual({ line: 'normalized,series=dev7/temp,site=north value=0.5 1795000000000', rawOnly: false, truncated: false });
  });

  it('adds phase, version and flag tags, the raw field, constant tags, custom names and precision when asked', () => {
    const out = normalizedToLine({ ...base, flag: 'zero-spread' }, {
      measurement: (n) => `norm_${n.phase}`,
      field: 'z',
      raw: 'x',
      seriesTag: 'sid',
      phaseTag: true,
      versionTag: 'v',
      flagTag: true,
      tags: { site: 'overridden', host: 'h1' },
      precision: 's',
    }, 0);
    expect(out).toEqual({ line: 'norm_frozen,flag=zero-spread,host=h1,phase=frozen,sid=dev7/temp,site=north,v=3 x=21.5,z=0.5 1795000000', rawOnly: false, truncated: false });
    expect(normalizedToLine(base, { seriesTag: false }, 0)).toMatchObject({ line: 'normalized,site=north value=0.5 1795000000000' });
  });

  it('leaves a non-finite raw value out of the raw field, keeps the line', () => {
    expect(normalizedToLine({ ...base, raw: '21.5' }, { raw: true }, 0)).toMatchObject({ line: 'normalized,series=dev7/temp,site=north value=0.5 1795000000000' });
  });

  it('drops invalid normalized values by reason, or writes the raw value only under raw-only', () => {
    expect(normalizedToLine({ ...base, value: NaN }, {}, 0)).toEqual({ dropped: 'nan' });
    expect(normalizedToLine({ ...base, value: -Infinity }, {}, 0)).toEqual({ dropped: 'infinite' });
    expect(normalizedToLine({ ...base, value: null as unknown as number }, {}, 0)).toEqual({ dropped: 'null' });
    expect(normalizedToLine({ ...base, value: '1' as unknown as number }, {}, 0)).toEqual({ dropped: 'not-a-number' });
    expect(normalizedToLine({ ...base, value: NaN }, { invalid: 'raw-only' }, 0)).toEqual({ line: 'normalized,series=dev7/temp,site=north raw=21.5 1795000000000', rawOnly: true, truncated: false });
    expect(normalizedToLine({ ...base, value: NaN, raw: 'x' }, { invalid: 'raw-only' }, 0)).toEqual({ dropped: 'nan' });
  });

  it('uses the write time for a reading without one, and refuses a time that is not finite', () => {
    const { time: _time, ...untimed } = base;
    expect(normalizedToLine(untimed, {}, 1234)).toMatchObject({ line: 'normalized,series=dev7/temp,site=north value=0.5 1234' });
    expect(normalizedToLine({ ...base, time: NaN }, {}, 0)).toEqual({ dropped: 'bad-time' });
    expect(normalizedToLine({ ...base, time: 1.5 }, {}, 0)).toMatchObject({ truncated: true });
    expect(normalizedToLine({ ...base, time: 1.5 }, { precision: 'us' }, 0)).toMatchObject({ line: 'normalized,series=dev7/temp,site=north value=0.5 1500', truncated: false });
  });
});
