/**
 * Smoke test of the benchmark suite: the pure-CPU sections run in-process with tiny sizes and the
 * results have the documented shape. Never a time assertion: the numbers of a tiny run mean nothing.
 */
import { describe, expect, it } from 'vitest';
import { TINY } from '../../bench/config.js';
import { completeFigures, judge, median, quantile, type Figure } from '../../bench/figure.js';
import { inProcessRunner, measureSeriesMemory } from '../../bench/memory.js';
import { toMarkdown } from '../../bench/report.js';
import { runSuite } from '../../bench/suite.js';

const UNITS = ['values/s', 'readings/s', 'points/s', 'bytes', 'bytes/series', 'ms'];

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
      'limit.transform-loop',
      'limit.welford-loop',
      'keyed.frozen.10.operator',
      'keyed.frozen.100.map-map',
      'keyed.frozen.100.groupby',
      'keyed.fit.100.operator',
      'keyed.fit.10.operator.peak-heap',
      'chunked.frozen.100.chunks',
      'chunked.frozen.100.chunk-columns',
      'chunked.frozen.100.columns',
      'chunked.fit.10.chunks',
      'chunked.fit.10.chunk-columns',
      'memory.frozen.standard',
      'memory.fitting.robust',
      'memory.frozen.hand-map',
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
    expect(withTarget('keyed.frozen.100.operator')?.target).toMatchObject({ on: 'ratio', min: 1 });
    expect(withTarget('chunked.frozen.100.columns')?.baseline).toBe('limit.transform-loop');
    for (const output of ['chunks', 'chunk-columns']) expect(withTarget(`chunked.fit.10.${output}`)?.target).toMatchObject({ on: 'ratio', min: 2 });
    expect(withTarget('memory.frozen.standard')?.target).toMatchObject({ on: 'median', max: 64 });

    const md = toMarkdown(results);
    expect(md).toContain('| figure | median | unit | runs | baseline | ratio | target | result |');
    expect(md).toContain('mqtt: server sections not run in-process');
    for (const f of results.figures) expect(md).toContain(f.label);
  }, 120_000);

  it('measures memory per series as a positive, plausible size', async () => {
    const bytes = await measureSeriesMemory({ subject: 'store', kind: 'standard', phase: 'fitting', series: 2000 });
    expect(bytes).toBeGreaterThan(8);
    expect(bytes).toBeLessThan(100_000);
  });
});
