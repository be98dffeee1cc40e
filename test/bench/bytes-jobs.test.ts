/**
 * The byte measurements as the full benchmark runs them: each job in a fresh node process
 * (`bench/memory-child.ts`, built), with small sizes. Never an exact figure: only that each kind of job
 * comes back as a plausible size, and that a job the child does not know is refused by name. Each
 * state is megabytes: a heap after GC moves by a few hundred kilobytes from process to process (at
 * 2,000 frozen series, 130 KB of state, a CI run measured −106 bytes a series).
 */
import { describe, expect, it } from 'vitest';
import type { BytesRunner } from '../../bench/bytes-jobs.js';

const child = new URL('../../dist/bench/memory-child.js', import.meta.url).href;

async function runner(): Promise<BytesRunner> {
  return ((await import(child)) as { childProcessRunner: BytesRunner }).childProcessRunner;
}

describe('byte jobs in a fresh process', () => {
  it('measures a store, a fitting object and a sketch, each in a child', async () => {
    const run = await runner();
    const series = await run({ job: 'series', config: { subject: 'store', kind: 'standard', phase: 'frozen', series: 50_000, drift: false } });
    expect(series).toBeGreaterThan(24); // at least the 24-byte record (about 66 with the index)
    expect(series).toBeLessThan(1_000);
    const scaler = await run({ job: 'peer-object', peer: 'scaler', objects: 20_000 });
    expect(scaler).toBeGreaterThan(100); // about 312
    expect(scaler).toBeLessThan(2_000);
    const sketch = await run({ job: 'peer-sketch', peer: 'ddsketch', series: 100, values: 2000, copies: 20 });
    expect(sketch).toBeGreaterThan(200); // about 2 KB
    expect(sketch).toBeLessThan(50_000);
  }, 60_000);

  it('refuses a job it does not know, naming it', async () => {
    const run = await runner();
    await expect(run({ job: 'bogus' } as never)).rejects.toThrow(/unknown bytes job \{"job":"bogus"\}/);
  }, 30_000);
});
