import type { Table } from '../store/tables.js';
import type { JsonWriteDialect } from './json-write-dialect.js';
import type { Sql, SqlRenderer } from './sql.js';
import type { WriteDialect } from './write-dialect.js';

/** The broad kind of a column's type, enough to choose how to read a value (see `Dialect.valueKind`). */
export type ValueKind = 'text' | 'number' | 'timestamp' | 'boolean' | 'other';

/** A member of a JSON object being built: key, value, and `'json'` when the value is JSON already. */
export type JsonField = readonly [key: string, value: Sql, kind?: 'json'];

/** How to read a CSV file; everything left out is detected by the engine. */
export interface CsvReadOptions {
  readonly header?: boolean;
  /** Lines before the header (or the first row) to skip. */
  readonly skipRows?: number;
  /** Column types by position, as `describe` names them or `textType`; later columns are detected. */
  readonly types?: readonly string[];
  /**
   * The column names by position, as `describe` gave them: an engine that takes column types by name (ClickHouse)
   * needs them with `types`, and then reads every column with the type given.
   */
  readonly names?: readonly string[];
}

/**
 * Everything that differs between engines as SQL text, and nothing else: no I/O, no driver imports, so SQL can be
 * compiled and read anywhere (`strata segment sql`).
 */
export interface Dialect extends SqlRenderer, WriteDialect, JsonWriteDialect {
  readonly name: string;
  /** DDL that creates the table if it does not exist. */
  createTable(table: Table): readonly Sql[];
  /** A JSON value's field as text (null when missing): `properties.address.city`. */
  jsonText(column: Sql, path: readonly string[]): Sql;
  /** A JSON value's field as a double (null when missing or not a number). */
  jsonNumber(column: Sql, path: readonly string[]): Sql;
  /**
   * Builds a JSON object from named expressions. A value marked `'json'` is JSON already (from `jsonObject` or
   * `jsonArrayAgg`) and is embedded as it is; the others are scalars.
   */
  jsonObject(fields: readonly JsonField[]): Sql;

  // Bulk import: reading files as relations. The file path is always a bound parameter.

  /** The column type name that reads a value as plain text (for `CsvReadOptions.types`). */
  readonly textType: string;
  /** A CSV file as a relation; delimiter, quoting, header and column types are detected unless given. */
  readCsv(file: string, options?: CsvReadOptions): Sql;
  /** What the engine detects in a CSV file: one row `{ has_header, skip_rows }`. */
  sniffCsv(file: string): Sql;
  /** A Parquet file as a relation. */
  readParquet(file: string): Sql;
  /** A file of newline-delimited JSON objects as a relation, one column per key. */
  readJsonLines(file: string): Sql;
  /**
   * A text file as rows `(line_no, line)`: one per physical line in file order, numbered from 1, without the line
   * ending; a blank line is an empty or null `line`. Compressed files (`.gz`) are decompressed.
   */
  readLines(file: string): Sql;
  /**
   * The rows of a table made by `CREATE TEMP TABLE … AS` from a file scan, in the file's order, with their 1-based
   * position as `row_no` before the table's columns. Numbering after the (parallel) scan instead of during it keeps
   * the scan parallel: `row_number() OVER ()` in the scan serialises everything computed with it. Optional: without
   * it, callers number rows with `row_number() OVER ()` during the scan.
   */
  numberedRows?(table: Sql): Sql;
  /** The columns of a query, as rows `{ name, type }` in order. */
  describe(query: Sql): Sql;
  /** The kind of a type name returned by `describe`. */
  valueKind(type: string): ValueKind;

  // Bulk import: reading values.

  /**
   * A value of the given kind as a UTC timestamp, or null when it cannot be read as one: text as ISO-8601 (an offset
   * is honoured, none means UTC), numbers as Unix epoch seconds (milliseconds when ≥ 1e11), dates at midnight.
   */
  toTimestamp(value: Sql, kind: ValueKind): Sql;
  /** Text in a strftime-style format (`%m/%d/%Y %H:%M`) as a timestamp, or null when it does not match. */
  parseTimestamp(text: Sql, format: string): Sql;
  /** A value as a double, or null when it is not a number. */
  toNumber(value: Sql): Sql;
  /** A value as text, NULL staying NULL (ClickHouse refuses `CAST(NULL AS String)`): also a typed NULL of text. */
  toText(value: Sql): Sql;
  /** The lowercase hex MD5 digest of text: stable across engines and versions, for content-derived ids. */
  md5Hex(text: Sql): Sql;
  /**
   * A fast 64-bit hash of text, for grouping only: it may change between engine versions, so it is never stored and
   * a collision must only cost time (e.g. a pre-filter before an exact comparison). Optional: without it, callers
   * group by the text itself, which is correct but slower.
   */
  hash64?(text: Sql): Sql;
  /** Text split into fields at runs of whitespace and commas, ignoring leading and trailing ones; a 1-based array. */
  splitFields(text: Sql): Sql;
  /** Aggregate: the values (JSON) as one JSON array, in the given order. */
  jsonArrayAgg(value: Sql, orderBy: Sql): Sql;

  // Analytics: reading JSON documents whose keys are not known in advance (catalog, insight, data quality).

  /** One row per top-level key of a JSON object column (a set-returning expression for a select list). */
  jsonKeysUnnested(column: Sql): Sql;
  /**
   * The JSON type of the value at a key path: 'string', 'number', 'boolean', 'object', 'array' or 'null' (JSON
   * null); NULL when the key is missing.
   */
  jsonTypeName(column: Sql, path: readonly string[]): Sql;
  /**
   * `jsonTypeName` of a top-level member whose key is an expression, such as a key from `jsonKeysUnnested`: the
   * path form binds its keys as parameters, so it cannot follow a key read from the data. NULL when the key is
   * missing or the document is not an object.
   */
  jsonMemberTypeName(column: Sql, key: Sql): Sql;
}
