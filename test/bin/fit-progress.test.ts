import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { progressLine, trackProgress } from '../../bin/cli/progress.js';
import { inTerminal, runCli } from './cli-process.js';

const cli = fileURLToPath(new URL('../../dist/bin/streamnorm.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'streamnorm-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true })); // a 5 MB CSV

describe('streamnorm fit shows progress on a terminal, and nothing when piped', () => {
  const csv = join(dir, 'big.csv');
  const lines = ['series,value,time'];
  for (let i = 0; i < 200_000; i++) lines.push(`s${i % 1000},${(20 + 10 * Math.sin(i)).toFixed(3)},${1_700_000_000_000 + i}`);
  writeFileSync(csv, lines.join('\n'));
  const summary = `fitted 1000 series from 200000 readings (0 invalid values not learned, 0 malformed lines) -> ${join(dir, 'out.json')}`;

  it('on a terminal: a progress line with a bar, readings, series and rate, ending at 100%', async () => {
    const screen = await inTerminal(`${process.execPath} ${cli} fit --input ${csv} --out ${join(dir, 'out.json')}`);
    const draws = screen.split('\r\x1b[K').slice(1);
    expect(draws.length, screen).toBeGreaterThanOrEqual(1);
    expect(draws.at(-1)).toMatch(/^fitting {2}\[#{20}\] 100% {2}200,000 readings {2}1,000 series {2}[\d.]+k? readings\/s {2}[\d.]+ s\r\n/);
    for (const d of draws.slice(0, -1)) expect(d).toMatch(/^fitting {2}\[[#-]{20}\] +\d+% {2}[\d,]+ readings {2}[\d,]+ series/);
    expect(screen).toContain(`${summary}\r\n`);
  });

  it('piped: only the summary, nothing on stderr', async () => {
    const r = await runCli(['fit', '--input', csv, '--out', join(dir, 'out.json')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${summary}\n`);
  });
});

describe('trackProgress', () => {
  async function drain<T>(xs: AsyncIterable<T>): Promise<number> {
    let n = 0;
    for await (const _ of xs) n++;
    return n;
  }
  async function* readings(n: number): AsyncGenerator<{ series: string }> {
    for (let i = 0; i < n; i++) yield { series: `s${i % 7}` };
  }

  it('counts readings and distinct series, and draws a final line on a terminal', async () => {
    const written: string[] = [];
    let t = 1000;
    const tracked = trackProgress(readings(5000), { stream: { isTTY: true, columns: 200, write: (s) => written.push(s) }, now: () => (t += 1), label: 'fitting' });
    expect(await drain(tracked.readings)).toBe(5000);
    expect(tracked.counts()).toEqual({ readings: 5000, series: 7 });
    expect(written.join('').split('\x1b[K').at(-1)).toMatch(/^fitting {2}5,000 readings {2}7 series {2}[\d.]+[kM]? readings\/s {2}[\d.]+ s\n$/);
  });

  it('writes nothing when the stream is not a terminal, and ends its line when the source fails', async () => {
    const quiet: string[] = [];
    const tracked = trackProgress(readings(10), { stream: { isTTY: false, write: (s) => quiet.push(s) } });
    expect(await drain(tracked.readings)).toBe(10);
    expect(quiet).toEqual([]);
    async function* failing(): AsyncGenerator<{ series: string }> {
      yield { series: 'a' };
      throw new Error('connection reset');
    }
    const written: string[] = [];
    await expect(drain(trackProgress(failing(), { stream: { isTTY: true, write: (s) => written.push(s) } }).readings)).rejects.toThrow(/connection reset/);
    expect(written.join('')).toMatch(/1 readings {2}1 series.*\n$/);
  });

  it('counts an Observable too (an InfluxDB history), drawing the last line when it completes', async () => {
    const written: string[] = [];
    const tracked = trackProgress(from(['a', 'b', 'a'].map((series) => ({ series }))), { stream: { isTTY: true, write: (s) => written.push(s) } });
    expect(written).toEqual([]); // nothing before subscription
    expect(await lastValueFrom(tracked.readings.pipe(toArray()))).toHaveLength(3);
    expect(tracked.counts()).toEqual({ readings: 3, series: 2 });
    expect(written.join('')).toMatch(/fitting {2}3 readings {2}2 series.*\n$/);
  });

  it('cuts the line to the terminal width; a bar only when the share done is known', () => {
    expect(progressLine('fitting', 1234567, 89, 2000, 0.5)).toBe('fitting  [##########----------]  50%  1,234,567 readings  89 series  617.3k readings/s  2.0 s');
    expect(progressLine('fitting', 10, 1, 1000, undefined, 31)).toBe('fitting  10 readings  1 series');
    expect(progressLine('fitting', 10, 1, 1000, undefined, 0)).toBe('fitting  10 readings  1 series  10 readings/s  1.0 s');
  });
});
