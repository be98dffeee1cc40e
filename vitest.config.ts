import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests, docs examples and examples/ import the package by its public name, as users do.
    alias: [
      { find: /^streamnorm\/core$/, replacement: here('./src/index.ts') },
      { find: /^streamnorm\/mqtt$/, replacement: here('./connectors/mqtt/index.ts') },
      { find: /^streamnorm\/influx$/, replacement: here('./connectors/influx/index.ts') },
      { find: /^streamnorm\/sparkplug$/, replacement: here('./connectors/sparkplug/index.ts') },
      { find: /^streamnorm\/nats$/, replacement: here('./connectors/nats/index.ts') },
      { find: /^streamnorm$/, replacement: here('./index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
