import type { Param, Sql } from './sql.js';

/**
 * Building and merging JSON documents in SQL, for writers that patch JSON columns in place (computed traits write
 * into `profiles.traits`). Values are JSON in the engine's JSON column type (DuckDB's `JSON`, ClickHouse's text).
 */
export interface JsonWriteDialect {
  /**
   * A text, number or boolean value as JSON; NULL stays NULL (not JSON `null`). Written in the engine's normal form,
   * the one `jsonValue` reads, so "did the value change?" is a text comparison of the two. The one difference between
   * the forms of the engines: DuckDB writes an integral double with a fraction (`5.0`), ClickHouse without (`5`);
   * both read back as the same number.
   */
  toJson(value: Sql | Param): Sql;
  /**
   * The JSON value at a key path of a JSON column, in the normal form `toJson` writes; NULL when the key is missing
   * (JSON `null` is the JSON value `null`).
   */
  jsonValue(column: Sql | Param, path: readonly string[]): Sql;
  /**
   * Aggregate: one JSON object with a member per row, `key` (text, never NULL) to `value` (JSON; NULL becomes JSON
   * `null`). Keys must be distinct within a group.
   */
  jsonObjectAgg(key: Sql, value: Sql): Sql;
  /**
   * `doc` with the members of the JSON object `patch` applied as RFC 7396 merge patch does for members that are not
   * objects: each replaces the member of `doc` with its key, a JSON `null` removes it, and the other members of `doc`
   * stay, in their order, before the new ones. `doc` (an object) and `patch` must not be NULL: DuckDB then gives the
   * patch, nulls included, or NULL. Patch members that are objects are not supported (DuckDB merges them
   * recursively, ClickHouse replaces them).
   */
  jsonMergePatch(doc: Sql | Param, patch: Sql | Param): Sql;
}
