import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../bin/cli/args.js';
import { readRunConfig } from '../../bin/cli/run-config.js';

/**
 * Property tests of the config reader (fast-check): any document, and a valid config with one key
 * set to any value, either reads or is refused with a CliError (exit 2) whose every line names a
 * key path under `config`, the changed key's section among them; never another exception, and
 * never a password in the message.
 */
const VALID = {
  input: { mqtt: { url: 'mqtt://127.0.0.1:1883', password: 'pw-SECRET', topics: 'plant/+site/+device', codec: { kind: 'json', fields: '*', time: 'time' } } },
  normalize: { freeze: { afterSamples: 5 }, whileFitting: 'hold', holdLimit: 10, plausibleTime: { maxAhead: '1d' } },
  output: { mqtt: { topic: 'out/{site}/{device}/{field}' }, influx: { url: 'http://127.0.0.1:8086', bucket: 'b', retry: { maxRetries: 3 } } },
  state: { file: './s.json', checkpointInterval: '30s' },
  delivery: { maxUnacknowledged: 100, drainTimeout: '5s' },
};

const PATHS: string[][] = [];
(function walk(node: unknown, path: string[]): void {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  for (const [k, v] of Object.entries(node)) {
    PATHS.push([...path, k]);
    walk(v, [...path, k]);
  }
})(VALID, []);

function withValue(path: string[], value: unknown): unknown {
  const doc = structuredClone(VALID) as Record<string, unknown>;
  let node = doc;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[path.at(-1) as string] = value;
  return doc;
}

function read(doc: unknown): string[] | undefined {
  try {
    readRunConfig(doc);
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(2);
    const lines = (e as Error).message.split('\n');
    for (const line of lines) {
      expect(line).toMatch(/^config(\.|\[|:)/);
      expect(line).not.toContain('pw-SECRET');
    }
    return lines;
  }
}

describe('config reader: property tests (fast-check)', () => {
  it('the valid base reads', () => expect(read(VALID)).toBeUndefined());

  it('one key set to any value: reads, or every line names a key path, the changed section among them', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.anything({ maxDepth: 2 }), (path, value) => {
        const lines = read(withValue(path, value));
        if (lines === undefined) return;
        const section = `config.${path[0]}`;
        expect(lines.some((l) => l.startsWith(section) || l.startsWith('config:') || l.startsWith('config.output') || l.startsWith('config.normalize'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('any document: reads or is refused line by line, never another exception', () => {
    fc.assert(fc.property(fc.anything({ maxDepth: 3 }), (doc) => void read(doc)), { numRuns: 500 });
  });

  it('an unknown key anywhere is refused, naming it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.stringMatching(/^[a-z]{3,10}X$/), (path, key) => {
        const parent = path.slice(0, -1);
        const doc = structuredClone(VALID) as Record<string, unknown>;
        let node = doc;
        for (const k of parent) node = node[k] as Record<string, unknown>;
        if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
        node[key] = 1;
        const lines = read(doc) ?? [];
        expect(lines.some((l) => l.startsWith(`config${parent.map((k) => `.${k}`).join('')}.${key}: unknown key`))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
