import { lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InfluxQueryError, pollTail, type TimedReading } from 'streamnorm/influx';

const point = (series: string, ms: number, value: unknown = ms): TimedReading => ({ reading: { series, value, time: ms }, timeUs: ms * 1000 });

describe('pollTail: the cursor and lag rule, errors, unsubscription', () => {
  it('emits each point once in time order per poll, late points within the lag, never points before start', async () => {
    const store = [point('a', 1000), point('b', 1000), point('a', 900)];
    const froms: number[] = [];
    let polls = 0;
    const tail = pollTail(async (fromUs) => {
      froms.push(fromUs);
      polls++;
      if (polls === 2) store.push(point('a', 3000), point('b', 2000));
      if (polls === 3) store.push(point('b', 2500), point('a', 2001)); // both within 1000 ms of the cursor (3000)
      if (polls === 4) store.push(point('b', 1500), point('a', 4000)); // b@1500 is 1500 ms late: outside the lag
      return store.filter((p) => p.timeUs >= fromUs);
    }, { start: 950, lag: 1000, interval: 1 });
    const got = await lastValueFrom(tail.pipe(take(7), toArray()));
    expect(got.map((r) => `${r.series}@${r.time}`)).toEqual(['a@1000', 'b@1000', 'b@2000', 'a@3000', 'a@2001', 'b@2500', 'a@4000']);
    expect(froms.slice(0, 4)).toEqual([950_000, 950_000, 2_000_000, 2_000_000]);
  });

  it('retries failed polls (429, 5xx, network), reporting each to onError, even a throwing one', async () => {
    let polls = 0;
    const seen: unknown[] = [];
    const tail = pollTail(async () => {
      polls++;
      if (polls === 1) throw new InfluxQueryError('503 busy', 503, true);
      if (polls === 2) throw new TypeError('fetch failed');
      return [point('a', 5)];
    }, { start: 0, interval: 1, onError: (e) => {
      seen.push(e);
      throw new Error('callback bug');
    } });
    const got = await lastValueFrom(tail.pipe(take(1), toArray()));
    expect(got.map((r) => r.value)).toEqual([5]);
    expect(seen).toHaveLength(2);
  });

  it('errors at once on a non-retryable error, and after maxConsecutiveFailures retryable ones', async () => {
    const fatal = new InfluxQueryError('400 bad query', 400, false);
    await expect(lastValueFrom(pollTail(async () => Promise.reject(fatal), { interval: 1 }))).rejects.toBe(fatal);
    let polls = 0;
    const busy = pollTail(async () => {
      polls++;
      throw new InfluxQueryError('503', 503, true);
    }, { interval: 1, maxConsecutiveFailures: 4 });
    await expect(lastValueFrom(busy)).rejects.toMatchObject({ status: 503 });
    expect(polls).toBe(4);
  });

  it('aborts the request in flight and stops polling when unsubscribed', async () => {
    let signal: AbortSignal | undefined;
    let polls = 0;
    const sub = pollTail((_from, s) => {
      polls++;
      signal = s;
      return new Promise<TimedReading[]>(() => undefined); // never answers
    }, { interval: 1 }).subscribe();
    await new Promise((r) => setTimeout(r, 20));
    expect(signal?.aborted).toBe(false);
    sub.unsubscribe();
    expect(signal?.aborted).toBe(true);
    expect(polls).toBe(1);
  });

  it('checks its options', () => {
    expect(() => pollTail(async () => [], { lag: -1 })).toThrow(RangeError);
    expect(() => pollTail(async () => [], { interval: NaN })).toThrow(RangeError);
  });
});
