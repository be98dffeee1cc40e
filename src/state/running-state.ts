import { BatchNormStats, type BatchNormState } from '../batchnorm.js';
import { ExpMoments, type ExpMomentsState } from '../stats/exp-moments.js';
import { fail, isRecord } from './validate.js';

/** Running statistics of one series: exponential moments (`ewmNormalize`) or BatchNorm's (`batchNorm`). */
export type RunningStats = ExpMoments | BatchNormStats;

/** Schema version of {@link RunningState}. */
export const RUNNING_STATE_VERSION = 1;

/** The saved running statistics of one series: a versioned JSON document. */
export interface RunningState {
  schema: 'streamnorm/running';
  schemaVersion: number;
  kind: 'ewm' | 'batchnorm';
  state: ExpMomentsState | BatchNormState;
}

/**
 * Saves running statistics as plain JSON-safe data.
 *
 * @example
 * ```ts
 * import { ExpMoments, restoreRunning, saveRunning } from 'streamnorm';
 * const m = new ExpMoments({ alpha: 0.5 }).update(10).update(20);
 * const copy = restoreRunning(JSON.parse(JSON.stringify(saveRunning(m)))) as ExpMoments;
 * copy.mean; // => 15
 * ```
 */
export function saveRunning(stats: RunningStats): RunningState {
  const kind = stats instanceof ExpMoments ? 'ewm' : 'batchnorm';
  return { schema: 'streamnorm/running', schemaVersion: RUNNING_STATE_VERSION, kind, state: stats.toState() };
}

/**
 * Restores running statistics from {@link saveRunning}'s output; refuses a wrong schema, version or
 * kind, or bad statistics, with an `Error` naming the field (prefixed by `where`).
 *
 * @example
 * ```ts
 * import { BatchNormStats, restoreRunning, saveRunning } from 'streamnorm';
 * const bn = new BatchNormStats({ momentum: null });
 * bn.train([1, 3]);
 * (restoreRunning(saveRunning(bn)) as BatchNormStats).runningMean; // => 2
 * ```
 */
export function restoreRunning(doc: unknown, where = 'running state'): RunningStats {
  if (!isRecord(doc)) fail(where, 'must be an object');
  if (doc.schema !== 'streamnorm/running') fail(`${where}.schema`, `must be "streamnorm/running", got ${JSON.stringify(doc.schema)}`);
  if (doc.schemaVersion !== RUNNING_STATE_VERSION) fail(`${where}.schemaVersion`, `must be ${RUNNING_STATE_VERSION}, got ${JSON.stringify(doc.schemaVersion)}`);
  if (!isRecord(doc.state)) fail(`${where}.state`, 'must be an object');
  try {
    if (doc.kind === 'ewm') return ExpMoments.fromState(doc.state as unknown as ExpMomentsState);
    if (doc.kind === 'batchnorm') return BatchNormStats.fromState(doc.state as unknown as BatchNormState);
  } catch (e) {
    fail(`${where}.state`, (e as Error).message);
  }
  fail(`${where}.kind`, `must be "ewm" or "batchnorm", got ${JSON.stringify(doc.kind)}`);
}
