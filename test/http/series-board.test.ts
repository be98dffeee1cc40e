import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SeriesStore, StandardScaler, type Normalized } from 'streamnorm';
import { HistoryRing } from '../../bin/http/history-ring.js';
import { SeriesBoard } from '../../bin/http/series-board.js';
import { wireRaw } from '../../bin/http/wire-values.js';
import type { DriftAlarm } from '../../bin/http/source.js';

const out = (series: string, value: number, extra: Partial<Normalized> = {}): Normalized => ({ series, raw: value, value, phase: 'passthrough', version: 0, ...extra });

describe('SeriesBoard: the dashboard model', () => {
  it('joins the latest output with the store (phase, version), and lists store series that have not spoken yet', () => {
    const store = new SeriesStore();
    store.versions.setFrozen('restored', new StandardScaler().learnMany([1, 2, 3]).freeze(), { kind: 'standard' });
    const tap = new Subject<Normalized>();
    const board = new SeriesBoard({ store, normalized$: tap, driftScore: (s) => (s === 'restored' ? 0.5 : undefined) }).start();
    tap.next(out('raw/only', 7));
    expect(board.rows()).toEqual([
      ['restored', 'frozen', 1, null, null, null, null, 0.5],
      ['raw/only', 'passthrough', 0, 7, 7, null, null, null],
    ]);
    expect(board.takeUpdates().rows.map((r) => r[0])).toEqual(['raw/only']);
    expect(board.changed).toBe(false);
    board.stop();
  });

  it('records versions seen after the start (restored ones are read from the store) and alarms', () => {
    const store = new SeriesStore();
    store.versions.setFrozen('a', new StandardScaler().learnMany([1, 2, 3]).freeze(), { kind: 'standard' });
    const alarms = new Subject<DriftAlarm>();
    let now = 1000;
    const board = new SeriesBoard({ store, normalized$: new Subject(), alarms$: alarms }, { now: () => now }).start();
    expect(board.history('a')?.versions).toEqual([expect.objectContaining({ version: 1, center: 2, at: null })]);
    now = 2000;
    store.versions.setFrozen('a', new StandardScaler().learnMany([10, 20, 30]).freeze(), { kind: 'standard' }); // a refit would do this
    expect(board.history('a')?.versions.map((v) => [v.center, v.at])).toEqual([[20, 2000]]);
    alarms.next({ series: 'a', kind: 'cusum', score: 5.2, version: 1, time: 1500 });
    const u = board.takeUpdates();
    expect(u.alarms).toEqual([{ series: 'a', kind: 'cusum', score: 5.2, version: 1, time: 1500 }]);
    expect(u.rows.map((r) => r[0])).toEqual(['a']);
    expect(board.overview({}).alarms).toBe(1);
    board.stop();
  });

  it('keeps history for the first historySeries series, and for opened ones up to openedSeries (least recently opened dropped)', () => {
    const tap = new Subject<Normalized>();
    const board = new SeriesBoard({ store: new SeriesStore(), normalized$: tap }, { historySeries: 2, openedSeries: 1, historyPoints: 3 }).start();
    for (let k = 0; k < 5; k++) for (const s of ['a', 'b', 'c', 'd']) tap.next(out(s, k, { time: k }));
    expect(board.history('a')?.points.raw).toEqual([2, 3, 4]); // the last 3
    expect(board.history('c')).toMatchObject({ recorded: false, points: { raw: [] } }); // past the budget: recording starts now
    tap.next(out('c', 9, { time: 9 }));
    expect(board.history('c')?.points.raw).toEqual([9]);
    expect(board.history('d')?.recorded).toBe(false); // opening d drops c's history
    tap.next(out('c', 10));
    tap.next(out('d', 11));
    expect(board.history('d')?.points.raw).toEqual([11]);
    const c = board.history('c');
    expect(c?.points.raw).toEqual([]);
    const after = board.history('a')?.last as number;
    tap.next(out('a', 12));
    expect(board.history('a', after)?.points.raw).toEqual([12]);
    board.stop();
  });

  it('forgets series that left the store and went quiet, and says so in the next update', () => {
    const tap = new Subject<Normalized>();
    let now = 0;
    const store = new SeriesStore();
    const board = new SeriesBoard({ store, normalized$: tap }, { forgetAfterMs: 1000, now: () => now }).start();
    tap.next(out('quiet', 1));
    tap.next(out('busy', 1));
    board.takeUpdates();
    now = 1500;
    tap.next(out('busy', 2));
    board.sweep();
    const u = board.takeUpdates();
    expect(u.removed).toEqual(['quiet']);
    expect(u.rows.map((r) => r[0])).toEqual(['busy']);
    expect(board.rows().map((r) => r[0])).toEqual(['busy']);
    board.stop();
  });

  it('raw values on the wire: numbers, text, null, truncated long text', () => {
    expect([wireRaw(1.5), wireRaw(NaN), wireRaw(-Infinity), wireRaw(null), wireRaw(undefined), wireRaw('ERR'), wireRaw({ a: 1 }), wireRaw(true)]).toEqual([1.5, 'NaN', '-Infinity', null, null, 'ERR', '{"a":1}', 'true']);
    expect(wireRaw('x'.repeat(100))).toBe(`${'x'.repeat(63)}…`);
  });

  it('HistoryRing keeps the last points and returns those after an output number', () => {
    const ring = new HistoryRing(3);
    for (let n = 1; n <= 5; n++) ring.push(n, n * 10, n === 4 ? NaN : n, n / 2, n < 3 ? 0 : 1, n < 3 ? 0 : 1);
    expect(ring.last).toBe(5);
    expect(ring.since(0, ['fitting', 'frozen'])).toEqual({ time: [30, 40, 50], raw: [3, null, 5], value: [1.5, 2, 2.5], phase: ['frozen', 'frozen', 'frozen'], version: [1, 1, 1] });
    expect(ring.since(4, ['fitting', 'frozen']).time).toEqual([50]);
  });
});
