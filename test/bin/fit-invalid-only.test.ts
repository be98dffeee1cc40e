import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeriesStore } from 'streamnorm';
import { readStateFile } from '../../bin/cli/state-file.js';
import { runCli } from './cli-process.js';

/**
 * Issue 12: `fit` wrote a snapshot that `inspect` and a resume refused when a series had only
 * invalid values. (Fixed on main by the store's snapshot format; this keeps it so.)
 */
describe('fit: a series with only invalid values', () => {
  it('is kept fitting in the snapshot, which inspect prints and a resume restores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamnorm-fit-invalid-'));
    const csv = join(dir, 'r.csv');
    writeFileSync(csv, 'series,value,time\na,1,1\na,2,2\nb,x,1\nb,NaN,2\n');
    const out = join(dir, 'snap.json');
    expect((await runCli(['fit', '--input', csv, '--out', out])).code).toBe(0);
    const inspect = await runCli(['inspect', out]);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/^b +standard +fitting +0 +0 /m);
    const state = readStateFile(out);
    const store = new SeriesStore().restore(state?.snapshot as never);
    expect([store.phase('a'), store.phase('b')]).toEqual(['frozen', 'fitting']);
  });
});
