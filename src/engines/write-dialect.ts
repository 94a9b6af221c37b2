import type { Table } from '../store/tables.js';
import { type Param, type Sql, sql } from './sql.js';

/** A change to the rows of a table that match `where`: see `WriteDialect.update`. */
export interface RowUpdate {
  /** New values by column name. Expressions name the table's own columns qualified (`profiles.first_seen`). */
  readonly set: Readonly<Record<string, Sql | Param>>;
  /**
   * Which rows change; may name columns of `from`. Without `from`, name the table's columns unqualified and avoid
   * subqueries (use `inList`): ClickHouse then deletes old versions without waiting (clickhouse/settings.ts).
   */
  readonly where: Sql;
  /** A relation with an alias (`${staging} s`) joined in by `where`, as in `UPDATE … FROM`. */
  readonly from?: Sql;
}

/** A temporary table private to this process: created from a query, read by `ref`, dropped when done. */
export interface TempTable {
  readonly ref: Sql;
  create(query: Sql): Sql;
  /** Deletes the rows that match `where` (columns unqualified). */
  deleteWhere(where: Sql): Sql;
  readonly drop: Sql;
}

/**
 * The statements that write, where engines differ in form. The embedded store has constraints and `UPDATE`; the
 * ClickHouse family has neither, and writes a changed row as a new version of it instead (see each implementation).
 * Callers run the statements in order inside one `transaction`.
 */
export interface WriteDialect {
  /** One row per element of a list, for `x IN (SELECT ${unnest(list)})`. */
  unnest(list: Sql | Param): Sql;
  /**
   * Whether `value` is an element of a list, without a subquery: a condition ClickHouse can apply to reads while a
   * DELETE using it is still pending (see clickhouse/settings.ts). Prefer it in a DELETE's condition.
   */
  inList(value: Sql, list: Sql | Param): Sql;
  /** The element of `values` at the position of `key` in `keys` (two lists of equal length), NULL when absent. */
  lookup(key: Sql, keys: Sql | Param, values: Sql | Param): Sql;
  /**
   * Writes the rows of `source` (a query giving every column of `table` in order), replacing the rows with the same
   * primary key.
   */
  upsert(table: Table, source: Sql): Sql;
  /**
   * Changes the rows that match `update.where`. Contract for every caller: after the change, a changed row no longer
   * matches `where` unless the table has a primary key and no key column is set (the ClickHouse form may write new
   * versions of rows and then delete the old ones by `where`). `from` is allowed only when nothing is deleted, that
   * is, on a table with a primary key whose key columns are not set.
   */
  update(table: Table, update: RowUpdate): readonly Sql[];
  /**
   * A temporary table named after `name` (lower-case letters, digits and `_`: it is part of a table name, and chDB
   * reads braces in a table name as a file glob), private to this process and, on DuckDB, to the connection.
   */
  temp(name: string): TempTable;
  /**
   * A cheap identifier of each stored row of `relation` (a table name or alias), stable within one writing
   * transaction, or null when the engine has none (callers then find rows by their columns). DuckDB's `rowid` lets a
   * delete touch only the rows a diff names instead of scanning for them.
   */
  rowId(relation: Sql): Sql | null;
}

/** An update's value as an expression. */
export const setValue = (value: Sql | Param): Sql => sql`${value}`;

/** Checks a temporary table's name (see `WriteDialect.temp`). */
export function tempName(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`internal error: temporary table name "${name}" is not [a-z0-9_]+`);
  return `strata_tmp_${name}`;
}
