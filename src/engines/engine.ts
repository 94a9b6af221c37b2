import type { Table } from '../store/tables.js';
import type { Dialect } from './dialect.js';
import type { SegmentDialect } from './segment-dialect.js';
import type { Sql } from './sql.js';

/** A result row, normalised by the connection: numbers, strings, booleans, Dates, parsed JSON, arrays, null. */
export type Row = Record<string, unknown>;

/** A value appended in bulk: JSON columns take any serialisable value. */
export type CellValue = string | number | boolean | Date | null | object;

/**
 * Where the analytical data lives. Implementations live in `engines/<name>/`; nothing outside that folder names an
 * engine. Writes are serialised by the engine: DuckDB allows one writer, and ordering matters for idempotency.
 */
export interface Engine {
  readonly dialect: Dialect & SegmentDialect;
  /** Runs a query and returns normalised rows. */
  query(query: Sql): Promise<Row[]>;
  /** Runs a statement and returns the number of rows it changed. */
  run(query: Sql): Promise<number>;
  /**
   * Appends rows to a temporary staging copy of `table` (same columns, emptied first) and returns a reference to
   * it, so the caller can move the rows with one set-based statement (deduplication, upsert).
   */
  stage(table: Table, rows: readonly (readonly CellValue[])[]): Promise<Sql>;
  /** Runs `work` as one transaction with exclusive use of the writer. */
  transaction<T>(work: (tx: Engine) => Promise<T>): Promise<T>;
  /**
   * A second, independent writer for segment membership (evaluation, refresh, the change log), when the engine can
   * write from two connections at once. Ingestion and membership touch different tables, so running them side by
   * side uses both cores instead of queueing one behind the other. Absent: use the engine itself.
   */
  readonly segmentsLane?: Engine;
  /**
   * Reads a query's rows in batches of about `batchRows`, streaming, so a table larger than memory can be read
   * whole (`strata migrate`). Optional: without it, callers read with `query`.
   */
  scan?(query: Sql, batchRows: number): AsyncIterable<Row[]>;
  close(): Promise<void>;
}
