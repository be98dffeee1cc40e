import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tsFiles } from './docs/doc-blocks.js';

/** Dependencies point one way: connectors -> operators -> src; src has no RxJS and no I/O. */
const root = fileURLToPath(new URL('../', import.meta.url));
const importsOf = (file: string): string[] => [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1] as string);

function offenders(dir: string, forbidden: RegExp): string[] {
  return tsFiles(join(root, dir)).flatMap((f) => importsOf(f).filter((i) => forbidden.test(i)).map((i) => `${relative(root, f)} imports ${i}`));
}

describe('layers', () => {
  it('src/ imports no RxJS, no Node I/O, no operators or connectors', () => {
    expect(offenders('src', /^rxjs|^node:|^mqtt|^@influxdata|operators\/|connectors\//)).toEqual([]);
  });
  it('operators/ import no connectors and no I/O', () => {
    expect(offenders('operators', /connectors\/|^node:|^mqtt|^@influxdata/)).toEqual([]);
  });
  it('connectors/ do not import the CLI', () => {
    expect(offenders('connectors', /bin\//)).toEqual([]);
  });
});
