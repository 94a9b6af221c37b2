import type { Table } from '../../store/tables.js';
import { ident, join, type Param, type Sql, sql } from '../sql.js';
import { type RowUpdate, setValue, type TempTable, tempName, type WriteDialect } from '../write-dialect.js';

/** DuckDB writes with its constraints: `INSERT OR REPLACE` on the primary key, `UPDATE … FROM`, temp tables. */
export const duckdbWriteDialect: WriteDialect = {
  unnest(list: Sql | Param): Sql {
    return sql`unnest(${list})`;
  },
  lookup(key: Sql, keys: Sql | Param, values: Sql | Param): Sql {
    // list_position is 1-based and NULL when absent; indexing with NULL gives NULL.
    return sql`(${values})[list_position(${keys}, ${key})]`;
  },
  upsert(table: Table, source: Sql): Sql {
    return sql`INSERT OR REPLACE INTO ${ident(table.name)} ${source}`;
  },
  update(table: Table, update: RowUpdate): readonly Sql[] {
    const set = join(Object.entries(update.set).map(([column, value]) => sql`${ident(column)} = ${setValue(value)}`));
    const from = update.from ? sql` FROM ${update.from}` : sql``;
    return [sql`UPDATE ${ident(table.name)} SET ${set}${from} WHERE ${update.where}`];
  },
  temp(name: string): TempTable {
    const ref = ident(tempName(name));
    return {
      ref,
      create: (query) => sql`CREATE OR REPLACE TEMP TABLE ${ref} AS ${query}`,
      drop: sql`DROP TABLE IF EXISTS ${ref}`,
    };
  },
};
