import type { Engine } from '../../../src/engines/engine.js';
import { int, type Sql, sql } from '../../../src/engines/sql.js';

/**
 * The only engine-specific SQL of the harness: how to read back exactly what a store holds, and how to write a time
 * finer than a millisecond (which the engine-neutral `stage` cannot, as it takes a `Date`). Keyed by dialect name,
 * so the seed functions take any `Engine`; an engine without an entry fails loudly.
 */
export interface StoreSql {
  /** A text column, read back exactly as stored. */
  text(column: Sql): Sql;
  /** A timestamp column as epoch microseconds, as text (exact beyond 2^53). */
  epochMicros(column: Sql): Sql;
  /** A timestamp plus whole microseconds. */
  addMicros(timestamp: Sql, micros: number): Sql;
}

const BY_DIALECT: Readonly<Record<string, StoreSql>> = {
  duckdb: {
    // The driver drops a leading U+FEFF from VARCHAR results; JSON text keeps it.
    text: (column) => sql`to_json(${column})`,
    // The driver truncates microseconds of TIMESTAMP results toward zero.
    epochMicros: (column) => sql`CAST(epoch_us(${column}) AS VARCHAR)`,
    addMicros: (timestamp, micros) => sql`(${timestamp} + to_microseconds(${int(micros)}))`,
  },
  clickhouse: {
    text: (column) => column,
    epochMicros: (column) => sql`toString(toUnixTimestamp64Micro(${column}))`,
    addMicros: (timestamp, micros) => sql`addMicroseconds(${timestamp}, ${int(micros)})`,
  },
};

export function storeSql(engine: Engine): StoreSql {
  const found = BY_DIALECT[engine.dialect.name];
  if (!found) throw new Error(`internal error: no read-back SQL for dialect ${engine.dialect.name} in store-sql.ts`);
  return found;
}
