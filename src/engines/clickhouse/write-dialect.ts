import { randomUUID } from 'node:crypto';
import type { Table } from '../../store/tables.js';
import { ident, join, type Param, type Sql, sql } from '../sql.js';
import { type RowUpdate, setValue, type TempTable, tempName, type WriteDialect } from '../write-dialect.js';

/**
 * Temporary tables are ordinary `Memory` tables named per process: HTTP requests share no session, so ClickHouse's
 * session-scoped `TEMPORARY` tables would vanish between statements, and two processes on one server must not share.
 */
const processId = randomUUID().replaceAll('-', '').slice(0, 12);

/**
 * ClickHouse has no uniqueness constraints and no cheap `UPDATE`: a table with a primary key is a
 * `ReplacingMergeTree`, where writing a row again is what replacing it means (reads use `final = 1`, settings.ts).
 * So an upsert is a plain INSERT, and an update writes the changed rows as new versions. When that cannot replace the
 * old rows (no primary key, or a key column changes) the old rows are then removed by a lightweight DELETE with the
 * same condition, which by `WriteDialect.update`'s contract no longer matches the new versions. Two statements, not
 * one: a crash between them leaves both versions, which the next write of the same change repairs (the INSERT is
 * idempotent on a `ReplacingMergeTree`, and the DELETE then runs).
 */
export const clickhouseWriteDialect: WriteDialect = {
  unnest(list: Sql | Param): Sql {
    return sql`arrayJoin(${list})`;
  },
  inList(value: Sql, list: Sql | Param): Sql {
    return sql`has(${list}, ${value})`;
  },
  lookup(key: Sql, keys: Sql | Param, values: Sql | Param): Sql {
    // indexOf is 1-based and 0 when absent, where arrayElement would give '' rather than NULL.
    return sql`if(indexOf(${keys}, ${key}) = 0, NULL, arrayElement(${values}, indexOf(${keys}, ${key})))`;
  },
  upsert(table: Table, source: Sql): Sql {
    return sql`INSERT INTO ${ident(table.name)} ${source}`;
  },
  update(table: Table, update: RowUpdate): readonly Sql[] {
    const name = ident(table.name);
    const columns = table.columns.map((c) => {
      const value = Object.hasOwn(update.set, c.name) ? update.set[c.name] : undefined;
      return value === undefined ? sql`${name}.${ident(c.name)}` : setValue(value);
    });
    const from = update.from ? sql`, ${update.from}` : sql``;
    const insert = sql`INSERT INTO ${name} SELECT ${join(columns)} FROM ${name}${from} WHERE ${update.where}`;
    const replaces =
      table.primaryKey !== undefined && !table.primaryKey.some((column) => Object.hasOwn(update.set, column));
    if (replaces) return [insert];
    if (update.from)
      throw new Error(`internal error: an update of ${table.name} that deletes old rows cannot join another relation`);
    return [insert, sql`DELETE FROM ${name} WHERE ${update.where}`];
  },
  temp(name: string): TempTable {
    const ref = ident(`${tempName(name)}_${processId}`);
    return {
      ref,
      create: (query) => sql`CREATE OR REPLACE TABLE ${ref} ENGINE = Memory AS ${query}`,
      // A Memory table takes no lightweight DELETE; a mutation it does (synchronous: `mutations_sync`, settings.ts).
      deleteWhere: (where) => sql`ALTER TABLE ${ref} DELETE WHERE ${where}`,
      drop: sql`DROP TABLE IF EXISTS ${ref}`,
    };
  },
  // Part offsets move when parts merge, and reads are `FINAL`: nothing is a stable row identifier.
  rowId(): null {
    return null;
  },
};
