import { describe, expect, it } from 'vitest';
import { compileTopicPattern } from 'streamnorm/mqtt';

describe('compileTopicPattern', () => {
  it('strips names to derive the subscription filter and captures named levels', () => {
    const p = compileTopicPattern('sensors/+site/+device/#field');
    expect(p.filter).toBe('sensors/+/+/#');
    expect(p.names).toEqual(['site', 'device', 'field']);
    expect(p.shareGroup).toBeUndefined();
    expect(p.match('sensors/a/b/c')).toEqual({ site: 'a', device: 'b', field: 'c' });
    expect(p.match('sensors/a/b/c/d/e')).toEqual({ site: 'a', device: 'b', field: 'c/d/e' });
  });

  it('lets # match the parent level, giving no capture for an empty rest', () => {
    const p = compileTopicPattern('sensors/+site/#field');
    expect(p.match('sensors/a')).toEqual({ site: 'a' });
    expect(p.match('sensors')).toBeUndefined();
  });

  it('refuses topics of another shape', () => {
    const p = compileTopicPattern('sensors/+site/temp');
    expect(p.match('sensors/a/temp')).toEqual({ site: 'a' });
    expect(p.match('sensors/a/hum')).toBeUndefined();
    expect(p.match('sensors/a/temp/x')).toBeUndefined();
    expect(p.match('sensors/a')).toBeUndefined();
    expect(p.match('other/a/temp')).toBeUndefined();
  });

  it('matches bare wildcards without capturing', () => {
    const p = compileTopicPattern('+/x/#');
    expect(p.filter).toBe('+/x/#');
    expect(p.match('a/x/b/c')).toEqual({});
    expect(compileTopicPattern('#').match('any/thing')).toEqual({});
  });

  it('keeps $share in the filter and strips it for matching', () => {
    const p = compileTopicPattern('$share/workers/sensors/+site/#field');
    expect(p.filter).toBe('$share/workers/sensors/+/#');
    expect(p.shareGroup).toBe('workers');
    expect(p.match('sensors/s1/temp')).toEqual({ site: 's1', field: 'temp' });
    expect(p.match('$share/workers/sensors/s1/temp')).toBeUndefined();
  });

  it('does not match $-topics with a leading wildcard, as MQTT', () => {
    expect(compileTopicPattern('#').match('$SYS/broker/uptime')).toBeUndefined();
    expect(compileTopicPattern('+x/broker').match('$SYS/broker')).toBeUndefined();
    expect(compileTopicPattern('$SYS/#rest').match('$SYS/broker/uptime')).toEqual({ rest: 'broker/uptime' });
  });

  it('matches empty levels like any other level', () => {
    expect(compileTopicPattern('a/+x/b').match('a//b')).toEqual({ x: '' });
  });

  it.each([
    ['a/b+/c', /wildcard inside/],
    ['a/#rest/c', /# must be the last level/],
    ['a/+x/+x', /used twice/],
    ['a/+1x', /not a wildcard name/],
    ['$share//a', /\$share needs a group/],
    ['$share/g', /\$share needs a group/],
    ['$share/g+/a', /\$share needs a group/],
  ])('rejects the malformed pattern %s', (pattern, message) => {
    expect(() => compileTopicPattern(pattern)).toThrow(message);
  });
});
