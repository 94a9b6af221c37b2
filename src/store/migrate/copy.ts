import type { CellValue, Engine, Row } from '../../engines/engine.js';
import { ident, join, sql } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import type { Table } from '../tables.js';
import * as tables from '../tables.js';

/** Every table of the store but the schema's own record, which each store keeps for itself. */
export const copiedTables: readonly Table[] = Object.values(tables).filter(
  (value): value is Table =>
    typeof value === 'object' && value !== null && 'columns' in value && value !== tables.schemaMigrations,
);

export interface TableCopy {
  readonly table: string;
  /** Rows read from the source. */
  readonly read: number;
  /** Rows the target holds afterwards (fewer when it collapses duplicates the source kept: see `Table.dedupKey`). */
  readonly stored: number;
}

export interface CopyOptions {
  /** Rows per write; default 50,000. */
  readonly batchRows?: number;
  readonly onProgress?: (table: string, rows: number) => void;
}

const count = async (engine: Engine, table: Table): Promise<number> => {
  const [row] = await engine.query(sql`SELECT count(*) AS n FROM ${ident(table.name)}`);
  return Number(row?.['n'] ?? 0);
};

/**
 * Copies every row of every table from one store to another (both with the current schema), table by table in
 * batches: the source is streamed when its engine can (`Engine.scan`), so a table larger than memory moves too.
 * The target must be empty: merging two stores would mix their change-log sequences and ids.
 */
export async function copyStore(source: Engine, target: Engine, options: CopyOptions = {}): Promise<TableCopy[]> {
  const batchRows = options.batchRows ?? 50_000;
  for (const table of copiedTables) {
    const rows = await count(target, table);
    if (rows > 0) {
      throw new UserError(
        'target_not_empty',
        `the target already holds ${rows.toLocaleString('en-US')} rows in ${table.name}; migrate into an empty store`,
        'to',
        409,
      );
    }
  }
  const copies: TableCopy[] = [];
  for (const table of copiedTables) {
    const columns = join(table.columns.map((c) => ident(c.name)));
    const query = sql`SELECT ${columns} FROM ${ident(table.name)}`;
    const batches: AsyncIterable<Row[]> = source.scan
      ? source.scan(query, batchRows)
      : (async function* () {
          yield await source.query(query);
        })();
    let read = 0;
    for await (const batch of batches) {
      const cells = batch.map((row) => table.columns.map((c): CellValue => (row[c.name] ?? null) as CellValue));
      await target.transaction(async (tx) => {
        await tx.run(sql`INSERT INTO ${ident(table.name)} SELECT * FROM ${await tx.stage(table, cells)}`);
      });
      read += batch.length;
      options.onProgress?.(table.name, read);
    }
    copies.push({ table: table.name, read, stored: await count(target, table) });
  }
  return copies;
}
