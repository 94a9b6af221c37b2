import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The dashboard tests' teardown waits for the demo server to stop, up to the server's own watchdog and beyond.
    teardownTimeout: 90_000,
    // DuckDB and the HTTP tests each use real resources; two workers match the two cores we have.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/web/**'] } },
      // The dashboard in Chromium against one real `strata demo` server, started once for every file: on DuckDB, and
      // the same files again on ClickHouse (chDB).
      ...(['web', 'web-chdb'] as const).map((name) => ({
        extends: true as const,
        test: {
          name,
          include: ['test/web/**/*.test.ts'],
          globalSetup: ['test/web/global-setup.ts'],
          hookTimeout: 240_000,
          // A test walks through a page step by step, each waiting on the server; two demo servers and the unit tests
          // share two cores, and the builder's walk took over a minute once on chDB under that load.
          testTimeout: 180_000,
          // Pages load their parts in parallel on a shared two-core machine: wait for what a user would wait for.
          expect: { poll: { timeout: 20_000 } },
        },
      })),
    ],
  },
});
