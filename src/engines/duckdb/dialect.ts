import type { ColumnType, Table } from '../../store/tables.js';
import type { CsvReadOptions, Dialect, JsonField, ValueKind } from '../dialect.js';
import { bool, int, join, type Param, type Sql, sql, str, strList, trusted } from '../sql.js';
import { duckdbWriteDialect } from './write-dialect.js';

const columnTypes: Record<ColumnType, string> = {
  string: 'VARCHAR',
  double: 'DOUBLE',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
  json: 'JSON',
};

/** JSON pointer (RFC 6901) for a key path; passed as a parameter so keys never become SQL text. */
export function jsonPointer(path: readonly string[]): string {
  return path.map((key) => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Type names as `DESCRIBE` prints them, by kind; `DECIMAL(18,3)` and friends match on their prefix. */
const numberTypes =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;
const timestampTypes = /^(DATE|TIMESTAMP)/;

function csvOptions(options: CsvReadOptions): Sql[] {
  const out: Sql[] = [];
  if (options.header !== undefined) out.push(sql`, header := ${bool(options.header)}`);
  if (options.skipRows !== undefined) out.push(sql`, skip := ${int(options.skipRows)}`);
  if (options.types !== undefined) out.push(sql`, types := ${strList(options.types)}`);
  return out;
}

/**
 * Line reading through the CSV reader (it decompresses `.gz`, handles CRLF and keeps blank lines as null rows):
 * one text column, no quoting, and a delimiter that text files do not contain. A line holding that control
 * character (U+0001) is cut at it; `strict_mode` off keeps the read going instead of failing.
 */
const lineReaderOptions = trusted(
  `columns := {'line': 'VARCHAR'}, header := false, quote := '', escape := '', auto_detect := false, strict_mode := false`,
);

/** DuckDB's SQL: `$n` placeholders, timestamps as UTC `TIMESTAMP`, JSON through the json extension. */
export const duckdbDialect: Dialect = {
  name: 'duckdb',
  quoteIdent,
  placeholder(index: number, param: Param): string {
    switch (param.type) {
      case 'timestamp':
        return `CAST($${index} AS TIMESTAMP)`;
      case 'json':
        return `CAST($${index} AS JSON)`;
      default:
        return `$${index}`;
    }
  },
  createTable(table: Table): readonly Sql[] {
    const columns = table.columns.map((c) =>
      trusted(`${quoteIdent(c.name)} ${columnTypes[c.type]}${c.nullable ? '' : ' NOT NULL'}`),
    );
    if (table.primaryKey) columns.push(trusted(`PRIMARY KEY (${table.primaryKey.map(quoteIdent).join(', ')})`));
    return [sql`CREATE TABLE IF NOT EXISTS ${trusted(quoteIdent(table.name))} (${join(columns)})`];
  },
  jsonText(column: Sql, path: readonly string[]): Sql {
    return sql`json_extract_string(${column}, ${str(jsonPointer(path))})`;
  },
  jsonNumber(column: Sql, path: readonly string[]): Sql {
    return sql`TRY_CAST(json_extract(${column}, ${str(jsonPointer(path))}) AS DOUBLE)`;
  },
  jsonObject(fields: readonly JsonField[]): Sql {
    // A JSON-typed value is embedded as JSON by json_object itself.
    return sql`json_object(${join(fields.map(([key, value]) => sql`${str(key)}, ${value}`))})`;
  },

  textType: 'VARCHAR',
  readCsv(file: string, options: CsvReadOptions = {}): Sql {
    return sql`read_csv(${str(file)}${join(csvOptions(options), '')})`;
  },
  sniffCsv(file: string): Sql {
    return sql`SELECT HasHeader AS has_header, SkipRows AS skip_rows FROM sniff_csv(${str(file)})`;
  },
  readParquet(file: string): Sql {
    return sql`read_parquet(${str(file)})`;
  },
  readJsonLines(file: string): Sql {
    return sql`read_json(${str(file)}, format := 'newline_delimited')`;
  },
  readLines(file: string): Sql {
    // row_number() OVER () over a CSV scan follows file order (insertion order is preserved by default).
    return sql`(SELECT row_number() OVER () AS line_no, line
      FROM read_csv(${str(file)}, delim := ${str('\u0001')}, ${lineReaderOptions}))`;
  },
  numberedRows(table: Sql): Sql {
    // A table created from a scan keeps the scan's order (insertion order is preserved by default) and numbers its
    // rows with consecutive rowids in that order. They start at 0 once committed but at a large base inside the
    // creating transaction, hence the offset from the first.
    return sql`(SELECT t.rowid - base.first_rowid + 1 AS row_no, t.*
      FROM ${table} t, (SELECT min(rowid) AS first_rowid FROM ${table}) base)`;
  },
  describe(query: Sql): Sql {
    return sql`SELECT column_name AS name, column_type AS type FROM (DESCRIBE ${query})`;
  },
  valueKind(type: string): ValueKind {
    const upper = type.toUpperCase();
    if (upper === 'VARCHAR') return 'text';
    if (upper === 'BOOLEAN') return 'boolean';
    if (numberTypes.test(upper)) return 'number';
    if (timestampTypes.test(upper)) return 'timestamp';
    return 'other';
  },

  toTimestamp(value: Sql, kind: ValueKind): Sql {
    switch (kind) {
      case 'text':
        // Through TIMESTAMPTZ so an offset is honoured; the session time zone is UTC (see connection.ts).
        return sql`CAST(TRY_CAST(${value} AS TIMESTAMPTZ) AS TIMESTAMP)`;
      case 'number':
        // Microseconds since the epoch; TRY turns an out-of-range number into null instead of an error.
        return sql`TRY(make_timestamp(CAST(
          CASE WHEN abs(${value}) >= 1e11 THEN ${value} * 1e3 ELSE ${value} * 1e6 END AS BIGINT)))`;
      case 'timestamp':
        return sql`CAST(${value} AS TIMESTAMP)`;
      case 'boolean':
      case 'other':
        return sql`CAST(NULL AS TIMESTAMP)`;
    }
  },
  parseTimestamp(text: Sql, format: string): Sql {
    return sql`try_strptime(${text}, ${str(format)})`;
  },
  toNumber(value: Sql): Sql {
    return sql`TRY_CAST(${value} AS DOUBLE)`;
  },
  toText(value: Sql): Sql {
    return sql`CAST(${value} AS VARCHAR)`;
  },
  md5Hex(text: Sql): Sql {
    return sql`md5(${text})`;
  },
  hash64(text: Sql): Sql {
    return sql`hash(${text})`;
  },
  splitFields(text: Sql): Sql {
    return sql`regexp_split_to_array(regexp_replace(${text}, '^[\\s,]+|[\\s,]+$', '', 'g'), '[\\s,]+')`;
  },
  jsonArrayAgg(value: Sql, orderBy: Sql): Sql {
    return sql`to_json(list(${value} ORDER BY ${orderBy}))`;
  },
  jsonKeysUnnested(column: Sql): Sql {
    return sql`unnest(json_keys(${column}))`;
  },
  jsonTypeName(column: Sql, path: readonly string[]): Sql {
    return jsonTypeNameOf(sql`json_type(${column}, ${str(jsonPointer(path))})`);
  },
  jsonMemberTypeName(column: Sql, key: Sql): Sql {
    // The key as a one-segment JSON pointer, escaped as `jsonPointer` escapes it, built in SQL from the key's value.
    // Objects only: on an array the pointer `/0` would read an element, where ClickHouse (and a key) reads none. The
    // document's own type is read only for keys that look like an index: reading it for every key doubled the cost.
    const pointer = sql`'/' || replace(replace(${key}, '~', '~0'), '/', '~1')`;
    const member = jsonTypeNameOf(sql`json_type(${column}, ${pointer})`);
    return sql`(CASE WHEN NOT regexp_full_match(${key}, '[0-9]+') OR json_type(${column}) = 'OBJECT' THEN ${member} END)`;
  },
  // JsonWriteDialect: the JSON extension does it all (`json_extract` re-serialises, so forms compare as text).
  toJson: (value: Sql | Param): Sql => sql`to_json(${value})`,
  jsonValue: (column: Sql | Param, path: readonly string[]): Sql =>
    sql`json_extract(${column}, ${str(jsonPointer(path))})`,
  jsonObjectAgg: (key: Sql, value: Sql): Sql => sql`json_group_object(${key}, ${value})`,
  jsonMergePatch: (doc: Sql | Param, patch: Sql | Param): Sql => sql`json_merge_patch(${doc}, ${patch})`,
  ...duckdbWriteDialect,
};

/**
 * DuckDB's `json_type` names as `Dialect.jsonTypeName` names them. A map lookup, not `CASE kind WHEN …`: that form
 * evaluated `kind` (a JSON parse) once per branch, and made the quality report's key typing 4× slower.
 */
function jsonTypeNameOf(kind: Sql): Sql {
  return sql`MAP {'VARCHAR': 'string', 'BOOLEAN': 'boolean', 'OBJECT': 'object', 'ARRAY': 'array', 'NULL': 'null',
              'BIGINT': 'number', 'UBIGINT': 'number', 'DOUBLE': 'number', 'HUGEINT': 'number'}[${kind}]`;
}
