import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { WireRow, WireSnapshot, WireUpdates } from '../../bin/http/wire.js';
import { openEvents, readingsFor, startTestPipeline, type SseEvent, type TestPipeline } from './helpers.js';

/** The page's state after applying events in order (what live.js does). */
function apply(state: Map<string, WireRow>, events: readonly SseEvent[]): Map<string, WireRow> {
  for (const e of events) {
    if (e.event === 'snapshot') {
      state.clear();
      for (const r of (JSON.parse(e.data) as WireSnapshot).rows) state.set(r[0], r);
    } else if (e.event === 'updates') {
      const u = JSON.parse(e.data) as WireUpdates;
      for (const r of u.rows) state.set(r[0], r);
      for (const id of u.removed ?? []) state.delete(id);
    }
  }
  return state;
}

const seqOf = (e: SseEvent): number => Number(e.id?.split(':')[1]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('event stream: one multiplexed SSE stream, conflated, replayable', () => {
  let p: TestPipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('sends a snapshot of every series on connect, then conflated updates: the latest value per series, at a bounded rate', async () => {
    p = await startTestPipeline({ dashboard: { intervalMs: 100, overviewMs: 60_000 } });
    for (const r of readingsFor(10, (i) => i)) p.input.next(r);
    const sse = openEvents(p.dashboard.port, p.dashboard.token);
    expect(await sse.status).toBe(200);
    const first = await sse.next(() => true);
    expect(first.event).toBe('snapshot');
    expect(first.id).toMatch(new RegExp(`^${p.dashboard.stream.run}:\\d+$`));
    const snap = JSON.parse(first.data) as WireSnapshot;
    expect(snap.rows.map((r) => r[0]).sort()).toEqual(readingsFor(10, () => 0).map((r) => r.series).sort());
    expect(snap.overview.series).toEqual({ fitting: 10, frozen: 0, passthrough: 0 });

    // 1000 outputs for 10 series within one interval: one event with 10 rows, the latest values.
    const from = sse.events.length;
    for (let k = 1; k <= 100; k++) for (const r of readingsFor(10, (i) => i * 1000 + k)) p.input.next(r);
    const updates = await sse.next((e) => e.event === 'updates', from);
    const u = JSON.parse(updates.data) as WireUpdates;
    expect(u.rows.length).toBe(10);
    expect(u.rows.map((r) => r[3]).sort((a, b) => Number(a) - Number(b))).toEqual(readingsFor(10, (i) => i * 1000 + 100).map((r) => r.value));
    expect(seqOf(updates)).toBe(seqOf(first) + 1);

    // Outputs every millisecond for a second: at most one event per interval.
    const before = sse.events.length;
    const t0 = Date.now();
    while (Date.now() - t0 < 1000) {
      for (const r of readingsFor(10, (i) => i + Math.random())) p.input.next(r);
      await sleep(1);
    }
    const elapsed = Date.now() - t0;
    await sleep(150);
    const sent = sse.events.length - before;
    expect(sent).toBeGreaterThanOrEqual(5);
    expect(sent).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    // The page's state equals the board's after the last event.
    const state = apply(new Map(), sse.events);
    expect([...state.values()].sort()).toEqual(p.dashboard.board.rows().sort());
    sse.close();
  });

  it('a page that reconnects with Last-Event-ID gets exactly the events it missed, and then has every series latest state', async () => {
    p = await startTestPipeline({ dashboard: { intervalMs: 50, overviewMs: 60_000 } });
    for (const r of readingsFor(20, (i) => i)) p.input.next(r);
    const a = openEvents(p.dashboard.port, p.dashboard.token);
    await a.next((e) => e.event === 'snapshot');
    p.input.next({ series: 's3', value: 33 });
    await a.next((e) => e.event === 'updates');
    a.close();
    const seen = [...a.events];
    const lastId = seen[seen.length - 1]?.id as string;

    // While the page is away: updates of some series over several intervals, and a new series.
    for (let k = 0; k < 5; k++) {
      p.input.next({ series: `s${k}`, value: 100 + k });
      p.input.next({ series: 'new/one', value: k });
      await sleep(70);
    }
    const stats0 = p.dashboard.stream.stats();
    const b = openEvents(p.dashboard.port, p.dashboard.token, lastId);
    await b.next((e) => e.event === 'updates');
    await sleep(120);
    expect(b.events[0]?.event).toBe('updates'); // no snapshot: a replay
    expect(seqOf(b.events[0] as SseEvent)).toBe(seqOf(seen[seen.length - 1] as SseEvent) + 1);
    const seqs = b.events.map(seqOf);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i)); // no gap, no repeat
    expect(p.dashboard.stream.stats()).toMatchObject({ replays: stats0.replays + 1, snapshots: stats0.snapshots });

    const state = apply(apply(new Map(), seen), b.events);
    expect(state.get('s4')?.[3]).toBe(104);
    expect(state.get('new/one')?.[3]).toBe(4);
    expect([...state.values()].sort()).toEqual(p.dashboard.board.rows().sort());
    b.close();
  });

  it('sends a fresh snapshot when the missed events are gone, or the id is from another run or malformed', async () => {
    p = await startTestPipeline({ dashboard: { intervalMs: 30, overviewMs: 60_000, replayEvents: 3 } });
    const a = openEvents(p.dashboard.port, p.dashboard.token);
    const snap = await a.next((e) => e.event === 'snapshot');
    a.close();
    for (let k = 0; k < 8; k++) {
      p.input.next({ series: 'x', value: k });
      await sleep(45);
    }
    for (const id of [snap.id as string, `otherRun:${seqOf(snap)}`, 'garbage', `${p.dashboard.stream.run}:999999`]) {
      const b = openEvents(p.dashboard.port, p.dashboard.token, id);
      const first = await b.next(() => true);
      expect([id, first.event]).toEqual([id, 'snapshot']);
      expect((JSON.parse(first.data) as WireSnapshot).rows.find((r) => r[0] === 'x')?.[3]).toBe(7);
      b.close();
    }
  });

  it('a page whose socket stops reading skips events and gets a snapshot once it drains', async () => {
    p = await startTestPipeline({ dashboard: { intervalMs: 20, overviewMs: 60_000 } });
    const { port, token } = p.dashboard;
    const long = 'x'.repeat(200);
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) => request({ host: '127.0.0.1', port, path: `/events?token=${token}`, headers: { host: `127.0.0.1:${port}` } }, resolve).end());
    let text = '';
    let snapshots = 0;
    res.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      snapshots += text.split('event: snapshot\n').length - 1;
      text = text.slice(-20);
    });
    res.pause(); // the page stops reading: the server's socket buffer fills
    for (let k = 0; k < 400 && p.dashboard.stream.stats().resyncs === 0; k++) {
      for (const r of readingsFor(2000, (i) => i + k)) p.input.next({ ...r, series: `${long}/${r.series}` });
      await sleep(20);
      if (k % 20 === 19) {
        res.resume(); // read a little now and then, so the full buffer drains
        await sleep(2);
        res.pause();
      }
    }
    res.resume();
    expect(p.dashboard.stream.stats().resyncs).toBeGreaterThan(0);
    for (let i = 0; i < 100 && snapshots < 2; i++) await sleep(20);
    expect(snapshots).toBeGreaterThanOrEqual(2); // the one on connect, and the resync
    res.destroy();
  });
});
