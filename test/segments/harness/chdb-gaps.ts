import type { Gap } from './engines.js';

/**
 * What the segment suite cannot do on ClickHouse (chDB), with the reason; see docs/adding-an-engine.md. Every other
 * case runs on chDB against the same oracle as on DuckDB.
 */
export const CHDB_GAPS: readonly Gap[] = [
  {
    reason:
      "times finer than a millisecond: ClickHouse's timestamp columns are DateTime64(3, 'UTC') (docs/adding-an-engine.md, " +
      'Types), so a written time keeps only its millisecond; the microsecond fixtures cannot be stored, and generated ' +
      'events carry no microseconds',
    tests: ['capabilities > times finer than a millisecond', 'microseconds > stored times finer than a millisecond'],
  },
];
