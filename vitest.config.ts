import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB and the HTTP tests each use real resources; two workers match the two cores we have.
    maxWorkers: 2,
  },
});
