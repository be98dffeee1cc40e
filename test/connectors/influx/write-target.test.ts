import { HttpError } from '@influxdata/influxdb-client';
import { describe, expect, it } from 'vitest';
import { influxSink } from 'streamnorm/influx';
import { classifyError, writePath } from '../../../connectors/influx/write-target.js';
import { retryDelay, retryPolicy } from '../../../connectors/influx/retry-policy.js';
import { backoffDelay } from 'streamnorm/influx';

describe('write target, error classification, retry policy', () => {
  it('builds v2 and v1 write paths with the precision each API names', () => {
    expect(writePath({ bucket: 'b k', org: 'o' }, 'ns')).toBe('/api/v2/write?org=o&bucket=b+k&precision=ns');
    expect(writePath({ db: 'plant', rp: 'week' }, 'us')).toBe('/write?db=plant&precision=u&rp=week');
    expect(writePath({ db: 'plant' }, 'ms')).toBe('/write?db=plant&precision=ms');
    expect(() => writePath({ db: 'a', bucket: 'b' }, 'ms')).toThrow(/exactly one/);
    expect(() => writePath({}, 'ms')).toThrow(/exactly one/);
    expect(() => influxSink({ bucket: 'b' })).toThrow(/`url` or `client`/);
  });

  it('retries 429, 5xx and network errors, not other 4xx; keeps the server message and Retry-After', () => {
    const e429 = new HttpError(429, 'Too Many Requests', '{"message":"slow down"}', '2', 'application/json', undefined, { 'retry-after': '2' });
    expect(classifyError(e429)).toEqual({ retry: true, status: 429, message: '429 slow down', retryAfter: 2000 });
    expect(classifyError(new HttpError(503, 'Service Unavailable', 'down', null, 'text/plain'))).toMatchObject({ retry: true, status: 503, message: '503 down' });
    expect(classifyError(new HttpError(400, 'Bad Request', '{"error":"partial write: field type conflict"}', null, 'application/json'))).toMatchObject({ retry: false, status: 400, message: '400 partial write: field type conflict' });
    expect(classifyError(new HttpError(401, 'Unauthorized'))).toMatchObject({ retry: false, status: 401 });
    expect(classifyError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toEqual({ retry: true, message: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1' });
  });

  it('backs off as MQTT reconnects do (one backoff), honours Retry-After, checks its options', () => {
    const p = retryPolicy({ initialMs: 100, maxMs: 1000, factor: 3, jitter: 0 });
    expect([1, 2, 3, 4].map((a) => retryDelay(p, a))).toEqual([0, 1, 2, 3].map((a) => backoffDelay(a, { initialMs: 100, maxMs: 1000, factor: 3, jitter: 0 })));
    expect([1, 2, 3, 4].map((a) => retryDelay(p, a))).toEqual([100, 300, 900, 1000]);
    expect(retryDelay(p, 1, 500)).toBe(500); // never sooner than the server asked
    expect(retryDelay(p, 3, 500)).toBe(900); // nor sooner than the backoff
    expect(retryDelay(p, 1, 60_000)).toBe(1000); // capped at maxMs
    const jittered = retryDelay(retryPolicy({ initialMs: 100, jitter: 0.5 }), 1);
    expect(jittered).toBeGreaterThan(50);
    expect(jittered).toBeLessThanOrEqual(100);
    expect(retryDelay(retryPolicy({ initialMs: 100, jitter: 0.5, random: () => 0.5 }), 1)).toBe(75);
    expect(() => retryPolicy({ maxRetries: -1 })).toThrow(RangeError);
    expect(() => retryPolicy({ factor: 0.5 })).toThrow(RangeError);
    expect(() => retryPolicy({ minDelay: 20 } as never)).toThrow(/retry: option 'minDelay' is now called 'initialMs'/);
    expect(() => influxSink({ url: 'http://127.0.0.1:1', bucket: 'b', retry: { maxDelay: 20 } as never })).toThrow(/'maxDelay' is now called 'maxMs'/);
    expect(() => influxSink({ url: 'http://127.0.0.1:1', bucket: 'b', batchSize: 0 })).toThrow(/batchSize/);
  });
});
