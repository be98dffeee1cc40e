/**
 * Smoke test of the benchmark suite: the pure-CPU sections run in-process with tiny sizes and the
 * results have the documented shape. Never a time assertion: the numbers of a tiny run mean nothing.
 */
import { describe, expect, it } from 'vitest';
import { TINY } from '../../bench/config.js';
import { completeFigures, judge, median, quantile, type Figure } from '../../bench/figure.js';
import { measureSeriesMemory } from '../../bench/memory.js';
import { inProcessRunner } from '../../bench/bytes-jobs.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { otherScripts } from '../../bench/others.js';
import { machine, toMarkdown } from '../../bench/report.js';
import { runSuite } from '../../bench/suite.js';

const UNITS = ['values/s', 'readings/s', 'points/s', 'bytes', 'bytes/series', 'ms', 'µs', 'rank', 'tasks'];

describe('bench figures', () => {
  it('takes medians of odd and even counts, and nearest-rank quantiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(quantile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(quantile(Array.from({ length: 100 }, (_, i) => i + 1), 0.99)).toBe(99);
  });

  it('judges ratio, median and delta targets, and refuses non-finite quantities', () => {
    expect(judge({ on: 'ratio', min: 1, text: '' }, 10, 1.2, 2)).toBe(true);
    expect(judge({ on: 'ratio', min: 1, text: '' }, 10, 0.8, -2)).toBe(false);
    expect(judge({ on: 'median', max: 64, text: '' }, 65, 1, 0)).toBe(false);
    expect(judge({ on: 'delta', max: 1, text: '' }, 3, 1.5, 0.5)).toBe(true);
    expect(judge({ on: 'ratio', min: 1, text: '' }, 1, NaN, NaN)).toBe(false);
    expect(judge(null, 1, 1, 0)).toBeNull();
  });

  it('completes figures against their baseline by name; a missing baseline is a MISS', () => {
    const [base, sub, orphan] = completeFigures([
      { name: 'b', section: 's', label: 'base', unit: 'values/s', runs: [1, 3, 2], baseline: 'b' },
      { name: 'x', section: 's', label: 'subject', unit: 'values/s', runs: [4, 5, 6], baseline: 'b', target: { on: 'ratio', min: 2, text: '≥ 2×' } },
      { name: 'y', section: 's', label: 'orphan', unit: 'values/s', runs: [1], baseline: 'nope', target: { on: 'ratio', min: 0, text: '' } },
    ]);
    expect(base).toMatchObject({ median: 2, ratio: 1, delta: 0, pass: null, target: null });
    expect(sub).toMatchObject({ median: 5, ratio: 2.5, delta: 3, pass: true });
    expect(orphan?.ratio).toBeNaN();
    expect(orphan?.pass).toBe(false);
  });
});

describe('bench suite (tiny, in-process, CPU sections)', () => {
  it('produces every CPU figure with finite medians and ratios, and a Markdown table', async () => {
    const results = await runSuite({ cfg: TINY, memoryRunner: inProcessRunner });
    expect(results.schema).toBe('streamnorm/bench');
    expect(results.mode).toBe('tiny');
    expect(results.machine.node).toBe(process.version);
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.skipped.map((s) => s.section)).toEqual(['mqtt', 'influx']);

    const names = results.figures.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const expected of [
      'limit.10.round-robin',
      'limit.100.random',
      'keyed.frozen.10.round-robin.operator',
      'keyed.frozen.100.random.hand',
      'keyed.frozen.100.random.operator-no-drift',
      'keyed.fit.100.random.operator',
      'keyed.fit.10.round-robin.hand',
      'keyed.fit.10.round-robin.plain-welford',
      'chunked.frozen.100.round-robin.chunks',
      'chunked.frozen.100.random.chunk-columns',
      'chunked.frozen.100.random.columns',
      'chunked.fit.10.random.chunks',
      'chunked.fit.10.round-robin.chunk-columns',
      'latency.frozen.operator.p999',
      'latency.fit.hand.p50',
      'growth.operator.worst-outside-gc',
      'freeze.notifier-hold.longest-wait-outside-gc',
      'freeze.store-freeze.duration',
      'memory.size.1000.store',
      'memory.size.1000.evict',
      'memory.frozen.standard',
      'memory.fitting.robust',
      'memory.frozen.hand-map',
      'peers.meanstdev.100.scaler.learn-transform',
      'peers.bytes.scaler',
      'peers.sketch.robust.rank-error',
      'batchnorm.32.operator',
      'batchnorm.1024.groupby-buffer',
    ]) {
      expect(names).toContain(expected);
    }

    for (const f of results.figures) {
      expect(UNITS, f.name).toContain(f.unit);
      expect(f.runs.length, f.name).toBeGreaterThan(0);
      expect(Number.isFinite(f.median), `${f.name} median ${f.median}`).toBe(true);
      expect(Number.isFinite(f.ratio), `${f.name} ratio ${f.ratio}`).toBe(true);
      expect(names, `${f.name} baseline`).toContain(f.baseline);
      if (f.target === null) expect(f.pass).toBeNull();
      else expect(typeof f.pass).toBe('boolean');
    }
    const withTarget = (n: string): Figure | undefined => results.figures.find((f) => f.name === n);
    expect(withTarget('keyed.frozen.100.random.operator')?.target).toMatchObject({ on: 'ratio', min: 1 });
    expect(withTarget('keyed.frozen.100.random.operator-no-drift')).toMatchObject({ baseline: 'keyed.frozen.100.random.hand', target: null });
    expect(withTarget('keyed.fit.100.random.operator')?.baseline).toBe('keyed.fit.100.random.hand');
    expect(withTarget('chunked.frozen.100.random.columns')?.baseline).toBe('limit.100.random');
    for (const output of ['chunks', 'chunk-columns']) expect(withTarget(`chunked.fit.10.random.${output}`)?.target).toMatchObject({ on: 'ratio', min: 2 });
    expect(withTarget('memory.size.1000.store')?.target).toMatchObject({ on: 'median', max: 72 });
    expect(withTarget('freeze.notifier.longest-wait-outside-gc')?.target).toMatchObject({ on: 'median', max: 10 });
    expect(withTarget('growth.operator.worst')?.target).toMatchObject({ on: 'ratio', max: 2 });

    const md = toMarkdown(results);
    expect(md).toContain('| figure | median | min–max | unit | runs | baseline | ratio | target | result |');
    expect(md).toContain('mqtt: server sections not run in-process');
    for (const f of results.figures) expect(md).toContain(f.label);
  }, 300_000);

  it("folds other scripts' figures into the report, and names the ones not run", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-others-'));
    try {
      writeFileSync(join(dir, 'browser-results.json'), JSON.stringify({ date: '2026-01-01', figures: [{ name: 'browser.x', label: 'a browser figure', unit: 'ms', median: 12, runs: [12], target: { on: 'median', max: 100, text: '≤ 100 ms' }, pass: true }] }));
      writeFileSync(join(dir, 'cluster-results.json'), '{ not json');
      const others = otherScripts(dir);
      expect(others.map((o) => o.file)).toEqual(['browser-results.json', 'delivery.json', 'cluster-results.json']);
      const md = toMarkdown({ schema: 'streamnorm/bench', mode: 'tiny', machine: machine(), drift: true, seconds: 1, skipped: [], figures: [], others });
      expect(md).toContain('## Figures from other scripts');
      expect(md).toContain('| a browser figure | 12.0 | ms | 1 | ≤ 100 ms | PASS |');
      expect(md).toMatch(/Delivery .*\n\nNot here: not run on this branch \(no file\)/);
      expect(md).toContain('Not here: unreadable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the committed files of the other scripts (the cluster's single values, the delivery run's figures)", () => {
    const others = otherScripts(fileURLToPath(new URL('../../bench/', import.meta.url)));
    for (const o of others) {
      expect(o.missing, o.file).toBeUndefined();
      expect(o.figures.length, o.file).toBeGreaterThan(0);
      for (const f of o.figures) expect(Number.isFinite(f.median) && f.runs.length > 0, `${o.file}: ${f.name}`).toBe(true);
    }
    expect(others.find((o) => o.file === 'delivery.json')?.figures.find((f) => f.name === 'delivery.sustained.lost')?.pass).toBe(true);
  });

  it('measures memory per series as a positive, plausible size', async () => {
    const bytes = await measureSeriesMemory({ subject: 'store', kind: 'standard', phase: 'fitting', series: 2000 });
    expect(bytes).toBeGreaterThan(8);
    expect(bytes).toBeLessThan(100_000);
  });
});
