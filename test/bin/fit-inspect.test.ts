import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { restoreSnapshot } from 'streamnorm';
import { main } from '../../bin/main.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../dist/bin/streamnorm.js', import.meta.url));

async function capture(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await main(argv, (l) => lines.push(l));
  return { code, lines };
}

describe('streamnorm fit / inspect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'streamnorm-fit-'));

  it('fits a CSV file: invalid cells counted not learned, malformed lines reported, snapshot frozen', async () => {
    const csv = join(dir, 'readings.csv');
    writeFileSync(csv, ['series,value,time,site', 'temp,20,1000,a', 'temp,22,2000,a', 'temp,,3000,a', 'temp,abc,4000,a', 'press,101000,1000,b', 'press,101300,2000,b', 'broken,line', 'temp,NaN,5000,a'].join('\n'));
    const snap = join(dir, 'snap.json');
    const { code, lines } = await capture(['fit', '--input', csv, '--out', snap]);
    expect(code).toBe(0);
    expect(lines[0]).toBe(`fitted 2 series from 7 readings (3 invalid values not learned, 1 malformed lines) -> ${snap}`);
    const doc = JSON.parse(readFileSync(snap, 'utf8'));
    const keyed = restoreSnapshot(doc);
    expect(keyed.get('temp')!.phase).toBe('frozen');
    // The store's counters of the series, as run's diagnostics would show them.
    expect(doc.series.temp.counters.invalid).toMatchObject({ null: 1, 'not-a-number': 1, nan: 1 });
    expect(keyed.transform('temp', 22)).toBe(1);
    expect(keyed.transform('press', 101150)).toBe(0);
  });

  it('a series with only invalid values stays fitting, and the snapshot stays valid for inspect and resume', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, ['series,value', 'ok,1', 'ok,3', 'dead,', 'dead,NaN'].join('\n'));
    const snap = join(dir, 'bad.json');
    expect((await capture(['fit', '--input', csv, '--out', snap])).code).toBe(0);
    const keyed = restoreSnapshot(JSON.parse(readFileSync(snap, 'utf8')));
    expect([keyed.get('ok')!.phase, keyed.get('dead')!.phase]).toEqual(['frozen', 'fitting']);
    const { code, lines } = await capture(['inspect', snap]);
    expect(code).toBe(0);
    expect(lines.join('\n')).toMatch(/dead\s+standard\s+fitting/);
  });

  it('fits NDJSON with another scaler and prints it with inspect', async () => {
    const nd = join(dir, 'r.ndjson');
    writeFileSync(nd, ['{"series":"vib","value":1}', '{"series":"vib","value":3}', 'not json', '{"series":"vib","value":null}'].join('\n'));
    const snap = join(dir, 'snap2.json');
    expect((await capture(['fit', '--input', nd, '--out', snap, '--scaler', 'minmax', '--feature-range', '-1,1'])).code).toBe(0);
    const { lines } = await capture(['inspect', snap]);
    const text = lines.join('\n');
    expect(text).toMatch(/1 series/);
    expect(text).toMatch(/vib\s+minmax\s+frozen\s+1\s+2\s+1\s+1\s+1/);
    const json = JSON.parse((await capture(['inspect', snap, '--json'])).lines[0]!) as { series: string; invalid: number }[];
    expect(json[0]).toMatchObject({ series: 'vib', invalid: 1 });
  });

  it('clear errors: missing options, unknown scaler, missing file, corrupt snapshot', async () => {
    await expect(capture(['fit', '--out', 'x.json'])).rejects.toThrow(/fit: --input FILE or --config FILE is required/);
    await expect(capture(['fit', '--input', 'a.csv'])).rejects.toThrow(/fit: --out FILE is required/);
    await expect(capture(['fit', '--input', 'a.csv', '--out', 'x.json', '--scaler', 'zscore'])).rejects.toThrow(/--scaler: expected one of standard, minmax, maxabs, robust/);
    await expect(capture(['fit', '--input', join(dir, 'nope.csv'), '--out', join(dir, 'x.json')])).rejects.toThrow(/no such file/);
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"schema": "streamnorm/snapshot", ');
    await expect(capture(['inspect', corrupt])).rejects.toThrow(/corrupt \(not JSON/);
    expect(readFileSync(corrupt, 'utf8')).toBe('{"schema": "streamnorm/snapshot", ');
  });

  it('runs as a process: --help, unknown command exit code 2 with one-line error', async () => {
    const help = await run(process.execPath, [cli, '--help']);
    expect(help.stdout).toMatch(/Usage: streamnorm <command>/);
    const fitHelp = await run(process.execPath, [cli, 'fit', '--help']);
    expect(fitHelp.stdout).toMatch(/--input FILE/);
    const bad = (await run(process.execPath, [cli, 'frobnicate']).catch((e: { code: number; stderr: string }) => e)) as { code: number; stderr: string };
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('streamnorm: unknown command "frobnicate"; expected one of demo, run, fit, inspect, help (see streamnorm --help)\n');
  });
});

describe('streamnorm fit: every kind from the command line', () => {
  it('a quantile scaler with its options and a clip range', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamnorm-fitq-'));
    const csv = join(dir, 'q.csv');
    writeFileSync(csv, ['series,value', 'a,1', 'a,2', 'a,3', 'a,10'].join('\n'));
    const snap = join(dir, 'q.json');
    expect((await capture(['fit', '--input', csv, '--out', snap, '--scaler', 'quantile', '--n-quantiles', '3', '--output-distribution', 'normal', '--clip-range', '-2,2'])).code).toBe(0);
    const keyed = restoreSnapshot(JSON.parse(readFileSync(snap, 'utf8')));
    const s = keyed.get('a')!;
    expect(s.kind).toBe('quantile');
    expect(s.frozen?.quantileMap?.quantiles).toEqual([1, 2.5, 10]);
    expect(keyed.transform('a', 100)).toBe(2); // the normal tail, clipped at 2
    await expect(capture(['fit', '--input', csv, '--out', snap, '--scaler', 'quantile', '--n-quantiles', 'many'])).rejects.toThrow(/--n-quantiles/);
  });
});
