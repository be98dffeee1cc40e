import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './chromium.js';

/**
 * Smoke test of bench/browser.ts (built): a one-second run writes figures of the documented
 * shape. Never a time assertion: the numbers of a tiny run on a shared machine mean nothing.
 */
const script = fileURLToPath(new URL('../../dist/bench/browser.js', import.meta.url));

describe.skipIf(!hasChromium())('bench/browser.ts', () => {
  it('runs and writes its figures', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'streamnorm-bench-browser-')), 'browser.json');
    const r = spawnSync(process.execPath, [script, '--duration=1s', '--rate=200', '--series=50', `--out=${out}`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { figures: { name: string; unit: string; median: number; pass: boolean | null }[]; series: number };
    expect(result.series).toBe(50);
    expect(result.figures.map((f) => f.name)).toEqual(
      ['list', 'series'].flatMap((v) => ['longtasks', 'lag.p50', 'lag.p99', 'transport.p99', 'apply.p99', 'events', 'rows'].map((k) => `browser.${v}.${k}`)),
    );
    for (const f of result.figures) expect(Number.isFinite(f.median), f.name).toBe(true);
  }, 90_000);
});
