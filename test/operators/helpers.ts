import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { Normalized, Reading } from 'streamnorm';

/** A reading (time optional). */
export function R(series: string, value: unknown, time?: number): Reading {
  return time === undefined ? { series, value } : { series, value, time };
}

/** A test scheduler that compares with vitest's deep equality. */
export function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** A frozen-phase output as the operator builds it. */
export function frozenOut(r: Reading, value: number, version = 1, flag?: Normalized['flag']): Normalized {
  return { series: r.series, raw: r.value, value, time: r.time, tags: r.tags, phase: 'frozen', version, ...(flag ? { flag } : {}) };
}

/** A fitting-phase output. */
export function fittingOut(r: Reading, value: number, flag: Normalized['flag']): Normalized {
  return { series: r.series, raw: r.value, value, time: r.time, tags: r.tags, phase: 'fitting', version: 0, flag };
}
