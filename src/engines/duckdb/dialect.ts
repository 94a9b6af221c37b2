import type { ColumnType, Table } from '../../store/tables.js';
import type { Dialect } from '../dialect.js';
import { join, type Param, type Sql, sql, str, trusted } from '../sql.js';

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
  jsonObject(fields: readonly (readonly [string, Sql])[]): Sql {
    return sql`json_object(${join(fields.map(([key, value]) => sql`${str(key)}, ${value}`))})`;
  },
};
