import type { Gap } from './engines.js';

/**
 * What the segment suite cannot do on ClickHouse (chDB), with the reason; see docs/adding-an-engine.md. Every other
 * case runs on chDB against the same oracle as on DuckDB.
 */
export const CHDB_GAPS: readonly Gap[] = [
  {
    reason:
      'ingestion-path loading: src/ingest/writer.ts uses DuckDB-only statements (INSERT OR REPLACE, UPDATE … FROM, ' +
      'unnest), so ingestMessages cannot write to ClickHouse yet; fixtures load directly instead',
    tests: [
      'capabilities > ingestion-path loading',
      'hostile strings > ingested',
      'properties > data sets through ingestion read back as written directly, and agree',
    ],
  },
  {
    reason:
      "times finer than a millisecond: ClickHouse's timestamp columns are DateTime64(3, 'UTC') (docs/adding-an-engine.md, " +
      'Types), so a written time keeps only its millisecond; the microsecond fixtures cannot be stored, and generated ' +
      'events carry no microseconds',
    tests: ['capabilities > times finer than a millisecond', 'microseconds > stored times finer than a millisecond'],
  },
  {
    reason:
      'segment store: src/segments/store.ts saves definitions with INSERT OR REPLACE (DuckDB only; ClickHouse needs ' +
      'a plain INSERT into the ReplacingMergeTree), and these tests load their users through ingestMessages ' +
      '(ingestion-path loading)',
    tests: ['segment store > segment store and refresh'],
  },
];
