import type { Table } from '../store/tables.js';
import type { Sql, SqlRenderer } from './sql.js';

/**
 * Everything that differs between engines as SQL text, and nothing else: no I/O, no driver imports, so SQL can be
 * compiled and read anywhere (`strata segment sql`).
 */
export interface Dialect extends SqlRenderer {
  readonly name: string;
  /** DDL that creates the table if it does not exist. */
  createTable(table: Table): readonly Sql[];
  /** A JSON value's field as text (null when missing): `properties.address.city`. */
  jsonText(column: Sql, path: readonly string[]): Sql;
  /** A JSON value's field as a double (null when missing or not a number). */
  jsonNumber(column: Sql, path: readonly string[]): Sql;
  /** Builds a JSON object from named expressions. */
  jsonObject(fields: readonly (readonly [string, Sql])[]): Sql;
}
