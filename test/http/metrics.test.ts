import { from, lastValueFrom, Subject, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SeriesStore, normalize, type Normalized, type Reading } from 'streamnorm';
import { startDashboard } from '../../bin/http/dashboard.js';
import type { DashboardStore } from '../../bin/http/source.js';
import { httpRequest } from './helpers.js';
import { parsePrometheusText, valueOf } from './prom-text.js';

/** A pipeline run to completion that exercises every store counter the metrics expose. */
async function runPipeline(store: SeriesStore, tapped: Subject<Normalized>): Promise<Normalized[]> {
  const readings: Reading[] = [];
  for (let t = 0; t < 12; t++) {
    readings.push({ series: 'a', value: t % 3, time: t * 100 });
    readings.push({ series: 'b', value: ([NaN, null, 'x', Infinity] as unknown[])[t % 4], time: t * 100 }); // all invalid
    readings.push({ series: 'light', value: t === 5 ? -1 : 10 + t, time: t * 100 }); // log: -1 is out of domain
  }
  readings.push({ series: 'a', value: 1, time: 50 }); // out of order while fitting? a froze after 5: passes frozen
  readings.push({ series: 'old', value: 1, time: 0 }); // goes quiet: evicted as idle
  readings.push({ series: 'late', value: 2, time: 5000 });
  readings.push({ series: 'late', value: 3, time: 4000 }); // out of order while fitting: counted
  readings.push({ series: 'late', value: 4, time: 9000 });
  // Stream time moves on (the event-time clock is the median of the latest readings): 'old' goes idle.
  for (let t = 30; t < 90; t++) readings.push({ series: 'a', value: t % 3, time: t * 100 });
  return lastValueFrom(
    from(readings).pipe(
      normalize({ store, freeze: { afterSamples: 5 }, scaler: (s) => (s === 'light' ? { kind: 'standard', pre: 'log' } : { kind: 'standard' }), invalid: 'drop' }),
      tap((n) => tapped.next(n)),
      toArray(),
    ),
  );
}

describe('/metrics (Prometheus text format, parsed strictly)', () => {
  it('store counters are the numbers of store.diagnostics(); outputs and series by phase agree with the pipeline', async () => {
    const store = new SeriesStore({ idleEvictMs: 2000, evictBy: 'event-time' });
    const tapped = new Subject<Normalized>();
    const dashboard = await startDashboard({ source: { store, normalized$: tapped, counters: () => ({ received: 42, malformed: 3, deadLettered: 1 }) } });
    try {
      const outputs = await runPipeline(store, tapped);
      const res = await httpRequest(dashboard.port, '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const m = parsePrometheusText(res.body);
      const d = store.diagnostics().totals;

      expect(d.readings).toBe(101);
      expect(valueOf(m, 'streamnorm_readings_total')).toBe(d.readings);
      for (const [reason, n] of Object.entries(d.invalid)) expect([reason, valueOf(m, 'streamnorm_invalid_total', { reason })]).toEqual([reason, n]);
      expect(d.invalid).toEqual({ nan: 3, null: 3, 'not-a-number': 3, infinite: 3, 'out-of-domain': 1 });
      expect(valueOf(m, 'streamnorm_invalid_dropped_total')).toBe(d.droppedInvalid);
      expect(valueOf(m, 'streamnorm_evictions_total')).toBe(d.evicted);
      expect(d.evicted).toBeGreaterThanOrEqual(1);
      expect(valueOf(m, 'streamnorm_freezes_total')).toBe(d.frozen);
      // Every other counter of the store, whatever it reports, under its own name.
      const others = Object.entries(d).filter(([k, v]) => typeof v === 'number' && !['readings', 'evicted', 'frozen', 'droppedInvalid', 'driftAlarms', 'promotions', 'refits'].includes(k));
      expect(others.length).toBeGreaterThanOrEqual(9);
      // The lifecycle's counters have metrics of their own.
      for (const kind of ['cusum', 'psi', 'stuck'] as const) expect(valueOf(m, 'streamnorm_drift_alarms_total', { kind })).toBe(d.alarms[kind]);
      expect(valueOf(m, 'streamnorm_promotions_total')).toBe(d.promotions);
      expect(valueOf(m, 'streamnorm_refits_total')).toBe(d.refits);
      expect(m.get('streamnorm_diagnostic_events_total')?.samples.length).toBe(others.length);
      for (const [event, n] of others) expect([event, valueOf(m, 'streamnorm_diagnostic_events_total', { event })]).toEqual([event, n]);
      expect(d.outOfOrder).toBe(1);

      const byPhase = (p: string) => outputs.filter((o) => o.phase === p).length;
      for (const phase of ['fitting', 'frozen', 'passthrough']) expect([phase, valueOf(m, 'streamnorm_outputs_total', { phase })]).toEqual([phase, byPhase(phase)]);
      const phases = [...store.keys()].map((k) => store.phase(k));
      expect(valueOf(m, 'streamnorm_series', { phase: 'frozen' })).toBe(phases.filter((p) => p === 'frozen').length);
      expect(valueOf(m, 'streamnorm_series', { phase: 'fitting' })).toBe(phases.filter((p) => p === 'fitting').length);

      expect(valueOf(m, 'streamnorm_received_readings_total')).toBe(42);
      expect(valueOf(m, 'streamnorm_malformed_total')).toBe(3);
      expect(valueOf(m, 'streamnorm_dead_letters_total')).toBe(1);
      expect(m.has('streamnorm_publish_failures_total')).toBe(false); // the source gave no such counter
      expect(m.get('streamnorm_readings_total')?.type).toBe('counter');
      expect(m.get('streamnorm_series')?.type).toBe('gauge');
      expect(m.get('streamnorm_readings_total')?.help).toBe('Readings seen by the normalizing operators (store diagnostics).');
      // Process metrics (prom-client's default collectors).
      expect(valueOf(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(m.get('nodejs_heap_size_total_bytes')?.type).toBe('gauge');
      expect(m.get('nodejs_gc_duration_seconds')?.type).toBe('histogram');

      // More readings: the counters follow the store at the next scrape.
      await runPipeline(store, tapped);
      const again = parsePrometheusText((await httpRequest(dashboard.port, '/metrics')).body);
      expect(valueOf(again, 'streamnorm_readings_total')).toBe(store.diagnostics().totals.readings);
      expect(valueOf(again, 'streamnorm_readings_total')).toBe(202);
    } finally {
      await dashboard.close();
    }
  });

  it('reads store.diagnostics() once per scrape, however many metrics use it', async () => {
    const store = new SeriesStore();
    let reads = 0;
    const counting: DashboardStore = {
      diagnostics: () => (reads++, store.diagnostics()),
      frozen$: store.frozen$,
      phase: (s) => store.phase(s),
      params: (s) => store.params(s),
      keys: () => store.keys(),
      get size() {
        return store.size;
      },
    };
    const dashboard = await startDashboard({ source: { store: counting, normalized$: new Subject<Normalized>() }, processMetrics: false, overviewMs: 3_600_000 });
    try {
      await new Promise((r) => setTimeout(r, 300)); // let the first overview pass
      const before = reads;
      await httpRequest(dashboard.port, '/metrics');
      expect(reads - before).toBe(1);
    } finally {
      await dashboard.close();
    }
  });

  it('lifecycle and delivery metrics plug in as sources (a gauge, a labelled counter), read at each scrape', async () => {
    let unacknowledged = 7;
    const waiting = { a: 2, b: 0 };
    const dashboard = await startDashboard({
      source: { store: new SeriesStore(), normalized$: new Subject<Normalized>() },
      processMetrics: false,
      metrics: [{ name: 'streamnorm_unacknowledged_messages', help: 'Messages taken but not yet acknowledged.', type: 'gauge', read: () => unacknowledged }],
    });
    try {
      dashboard.metrics.add({ name: 'streamnorm_example_waiting', help: 'An example labelled source.', type: 'gauge', labelNames: ['queue'], read: () => Object.entries(waiting).map(([queue, n]) => [{ queue }, n] as const) });
      dashboard.metrics.add({ name: 'streamnorm_checkpoint_age_seconds', help: 'Age of the last checkpoint.', type: 'gauge', read: () => 12.5 });
      let m = parsePrometheusText(await dashboard.metrics.text());
      expect([valueOf(m, 'streamnorm_unacknowledged_messages'), valueOf(m, 'streamnorm_example_waiting', { queue: 'a' }), valueOf(m, 'streamnorm_example_waiting', { queue: 'b' }), valueOf(m, 'streamnorm_checkpoint_age_seconds')]).toEqual([7, 2, 0, 12.5]);
      unacknowledged = 0;
      waiting.a = 5;
      m = parsePrometheusText(await dashboard.metrics.text());
      expect([valueOf(m, 'streamnorm_unacknowledged_messages'), valueOf(m, 'streamnorm_example_waiting', { queue: 'a' })]).toEqual([0, 5]);
      expect(() => dashboard.metrics.add({ name: 'streamnorm_readings_total', help: 'again', type: 'counter', read: () => 0 })).toThrow(/already been registered/);
    } finally {
      await dashboard.close();
    }
  });
});

describe('the strict parser refuses what a scraper would', () => {
  const bad: [string, string][] = [
    ['no final newline', '# TYPE a counter\na 1'],
    ['bad name', '1a 1\n'],
    ['bad value', 'a one\n'],
    ['unquoted label', 'a{b=1} 1\n'],
    ['bad escape', 'a{b="\\x"} 1\n'],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n'],
    ['same series twice', 'a{b="1"} 1\na{b="1"} 2\n'],
    ['not contiguous', 'a 1\nb 1\na{x="2"} 1\n'],
    ['negative counter', '# TYPE a counter\na -1\n'],
    ['bucket without le', '# TYPE h histogram\nh_bucket 1\n'],
  ];
  for (const [name, text] of bad) it(name, () => expect(() => parsePrometheusText(text)).toThrow());
  it('reads escapes, special values and histograms', () => {
    const m = parsePrometheusText('# HELP h a \\\\ b\\nc\n# TYPE h histogram\nh_bucket{le="+Inf"} 3\nh_sum 1.5e0\nh_count 3\nx{l="a\\"b\\\\c"} NaN\ny +Inf 1700000000000\n');
    expect(m.get('h')?.help).toBe('a \\ b\nc');
    expect(valueOf(m, 'h_count')).toBe(3);
    expect(valueOf(m, 'x', { l: 'a"b\\c' })).toBeNaN();
    expect(valueOf(m, 'y')).toBe(Infinity);
  });
});
