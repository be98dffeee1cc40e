/**
 * The byte measurements as the full benchmark runs them: each job in a fresh node process
 * (`bench/memory-child.ts`, built), with tiny sizes. Never an exact figure: only that each kind of job
 * comes back as a plausible size, and that a job the child does not know is refused, not measured as
 * nothing.
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
    const series = await run({ job: 'series', config: { subject: 'store', kind: 'standard', phase: 'frozen', series: 2000, drift: false } });
    expect(series).toBeGreaterThan(24); // at least the 24-byte record
    expect(series).toBeLessThan(10_000);
    const scaler = await run({ job: 'peer-object', peer: 'scaler', objects: 2000 });
    expect(scaler).toBeGreaterThan(48);
    expect(scaler).toBeLessThan(5_000);
    const sketch = await run({ job: 'peer-sketch', peer: 'ddsketch', series: 5, values: 2000, copies: 4 });
    expect(sketch).toBeGreaterThan(100);
    expect(sketch).toBeLessThan(100_000);
  }, 60_000);

  it('refuses a job it does not know, naming it', async () => {
    const run = await runner();
    await expect(run({ job: 'bogus' } as never)).rejects.toThrow(/unknown bytes job \{"job":"bogus"\}/);
  }, 30_000);
});
