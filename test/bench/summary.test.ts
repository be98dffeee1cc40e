/**
 * The README's benchmark summary is the one bench/results.json makes: the same figures, medians,
 * ratios and verdicts as bench/results.md (npm run bench writes both).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Results } from '../../bench/report.js';
import { SUMMARY_END, SUMMARY_START, summaryMarkdown } from '../../bench/summary.js';

describe('README benchmark summary', () => {
  it('quotes bench/results.json exactly', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const results = JSON.parse(readFileSync(new URL('../../bench/results.json', import.meta.url), 'utf8')) as Results;
    const block = readme.slice(readme.indexOf(SUMMARY_START), readme.indexOf(SUMMARY_END) + SUMMARY_END.length);
    expect(block).toBe(summaryMarkdown(results));
  });
});
