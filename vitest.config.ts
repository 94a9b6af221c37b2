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
      {
        extends: true,
        // The dashboard in Chromium against one real `strata demo` server, started once for every file.
        test: {
          name: 'web',
          include: ['test/web/**/*.test.ts'],
          globalSetup: ['test/web/global-setup.ts'],
          hookTimeout: 240_000,
          // Pages load their parts in parallel on a shared two-core machine: wait for what a user would wait for.
          expect: { poll: { timeout: 20_000 } },
        },
      },
    ],
  },
});
