import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toModule } from './docs/doc-blocks.js';

/** The README's quick start is code: every ```ts block of its "Quick start" and "When the statistics go stale" sections runs here. */
const root = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const sections = readme.split(/^## /m).filter((s) => s.startsWith('Quick start') || s.startsWith('When the statistics go stale'));
const blocks = sections.flatMap((section) => [...section.matchAll(/```ts\n([\s\S]*?)```/g)]).map((m, i) => ({ code: m[1] as string, line: i }));
// Its own folder: test/docs/examples.test.ts, which may run at the same time, empties .generated/examples.
const outDir = join(root, 'test/docs/.generated/readme');

describe('README quick start', () => {
  it('has runnable blocks', () => expect(blocks.length).toBeGreaterThanOrEqual(3));
  blocks.forEach((b, i) => {
    it(`block ${i + 1} runs and its // => lines hold`, async () => {
      mkdirSync(outDir, { recursive: true });
      const file = join(outDir, `readme-${i}.ts`);
      writeFileSync(file, toModule({ file: 'README.md', line: b.line, code: b.code }));
      const mod = (await import(/* @vite-ignore */ file)) as { default: (ctx: object, check: unknown) => Promise<void> };
      let checks = 0;
      await mod.default({}, (actual: unknown, expected: unknown, where: string, expr: string) => {
        checks++;
        expect(actual, `${where}: ${expr}`).toStrictEqual(expected);
      });
      expect(checks).toBeGreaterThan(0);
    });
  });
});

/** The README's `run` config is a real one: the schema the CLI uses accepts it. */
describe('README run config', () => {
  it('parses as YAML and passes the run config schema', async () => {
    const { parse } = await import('yaml');
    const { substituteEnv } = await import('../bin/cli/env-substitution.js');
    const { readRunConfig } = await import('../bin/cli/run-config.js');
    const cli = readme.split(/^## /m).find((s) => s.startsWith('The CLI')) ?? '';
    const yaml = /```yaml\n([\s\S]*?)```/.exec(cli)?.[1];
    expect(yaml).toBeDefined();
    const doc = substituteEnv(parse(yaml as string), { MQTT_USER: 'u', MQTT_PASSWORD: 'p', INFLUX_TOKEN: 'secret,with{braces}' });
    const config = readRunConfig(doc);
    expect('mqtt' in config.input && config.input.mqtt.connect).toMatchObject({ url: 'mqtt://broker.local:1883', username: 'u', password: 'p', clean: false });
    expect(config.output.influx).toMatchObject({ token: 'secret,with{braces}', bucket: 'normalized', tags: { plant: 'north' } });
    expect(config.fit?.influx).toMatchObject({ query: 'influxql', start: '2026-11-01T00:00:00Z' });
    expect(config.state).toEqual({ file: './streamnorm.state.json', checkpointIntervalMs: 30_000 });
  });

  it("every other YAML block of the README (the http: section, the EWM and perSample config) and of docs/scale-out.md passes the run config schema", async () => {
    const { parse } = await import('yaml');
    const { substituteEnv } = await import('../bin/cli/env-substitution.js');
    const { readRunConfig } = await import('../bin/cli/run-config.js');
    const env = { MQTT_USER: 'u', MQTT_PASSWORD: 'p', INFLUX_TOKEN: 't', STREAMNORM_HTTP_TOKEN: 'a-fixed-token-of-32-characters-xx' };
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1] as string) as Record<string, unknown>);
    const base = blocks[0] as Record<string, unknown>;
    const sections = blocks.slice(1).filter((b) => !('scrape_configs' in b)); // Prometheus' own config is not ours
    expect(sections.map((b) => Object.keys(b)[0])).toEqual(expect.arrayContaining(['http', 'input']));
    for (const section of sections) {
      // A whole config (it has its own input) stands alone; a section goes beside the run config.
      const doc = 'input' in section ? section : { ...base, ...section };
      expect(() => readRunConfig(substituteEnv(doc, env)), JSON.stringify(section).slice(0, 80)).not.toThrow();
    }
    const scaleOut = readFileSync(join(root, 'docs/scale-out.md'), 'utf8');
    const cluster = [...scaleOut.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1] as string) as Record<string, unknown>);
    expect(cluster.length).toBeGreaterThan(0);
    const worker = cluster[0] as { cluster: object };
    for (const block of cluster) {
      // A section (no input of its own) goes into the first block, the worker's config.
      const doc = 'input' in block ? block : { ...worker, ...block, cluster: { ...worker.cluster, ...(block.cluster as object) } };
      expect(() => readRunConfig(substituteEnv(doc, env)), `docs/scale-out.md: ${JSON.stringify(block).slice(0, 80)}`).not.toThrow();
    }
  });
});
