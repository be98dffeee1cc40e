import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleBlocks, toModule, tsFiles } from './doc-blocks.js';

/**
 * Docs are code: every ```ts block in an `@example` of src/, operators/ and connectors/ runs here,
 * and its `// =>` lines are assertions. Blocks that mention `brokerUrl` get an embedded aedes
 * broker; blocks that mention `influxUrl` get a VictoriaMetrics server, blocks that mention `natsUrl`
 * a nats-server with JetStream (each skipped, and said so, only when its binary is not installed).
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
// Its own folder: readme.test.ts, which may run at the same time, writes into .generated/readme.
const outDir = join(root, 'test/docs/.generated/examples');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const blocks = ['src', 'operators', 'connectors'].flatMap((d) => tsFiles(join(root, d))).flatMap((f) => exampleBlocks(f, root));

const services: { close: () => Promise<void> }[] = [];
let broker: Promise<string> | undefined;
let influx: Promise<string | undefined> | undefined;
let nats: Promise<string | undefined> | undefined;

async function natsUrl(): Promise<string | undefined> {
  nats ??= (async () => {
    const { natsServerPath, startNats } = await import('../helpers/nats.js');
    if (natsServerPath() === undefined) return undefined;
    const server = await startNats();
    services.push({ close: () => server.stop() });
    return server.url;
  })();
  return nats;
}

async function brokerUrl(): Promise<string> {
  broker ??= (async () => {
    const { startAedes } = await import('../helpers/aedes.js');
    const b = await startAedes();
    services.push({ close: () => b.close() });
    return b.url;
  })();
  return broker;
}

async function influxUrl(): Promise<string | undefined> {
  influx ??= (async () => {
    const { hasVictoriaMetrics, startVictoriaMetrics } = await import('../helpers/victoria.js');
    if (!hasVictoriaMetrics()) return undefined;
    const vm = await startVictoriaMetrics();
    services.push({ close: () => vm.stop() });
    return vm.url;
  })();
  return influx;
}

afterAll(async () => {
  await Promise.all(services.map((s) => s.close()));
});

describe('TSDoc @example blocks run and their // => lines hold', () => {
  it('finds examples in every layer', () => {
    expect(blocks.filter((b) => b.file.startsWith('src/')).length).toBeGreaterThan(20);
  });

  blocks.forEach((block, n) => {
    it(`${block.file}:${block.line}`, async () => {
      const ctx: Record<string, unknown> = {};
      if (block.code.includes('brokerUrl')) ctx.brokerUrl = await brokerUrl();
      if (block.code.includes('influxUrl')) {
        ctx.influxUrl = await influxUrl();
        if (ctx.influxUrl === undefined) {
          console.warn(`${block.file}:${block.line} not run: victoria-metrics is not installed (.ci/run installs it)`);
          return;
        }
      }
      if (block.code.includes('natsUrl')) {
        ctx.natsUrl = await natsUrl();
        if (ctx.natsUrl === undefined) {
          console.warn(`${block.file}:${block.line} not run: nats-server is not installed (.ci/run installs it)`);
          return;
        }
      }
      const file = join(outDir, `example-${n}.ts`);
      writeFileSync(file, toModule(block));
      const mod = (await import(/* @vite-ignore */ file)) as { default: (ctx: Record<string, unknown>, check: unknown) => Promise<void> };
      let checks = 0;
      await mod.default(ctx, (actual: unknown, expected: unknown, where: string, expr: string) => {
        checks++;
        expect(actual, `${where}: ${expr}`).toStrictEqual(expected);
      });
      expect(checks, `${block.file}:${block.line} has no // => line`).toBeGreaterThan(0);
    });
  });
});
