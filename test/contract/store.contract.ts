import { expect } from 'vitest';
import type { CellValue, Row } from '../../src/engines/engine.js';
import { ident, join, sql, str } from '../../src/engines/sql.js';
import { compareText } from '../../src/segments/evaluate.js';
import { migrations } from '../../src/store/migrations.js';
import type { Table } from '../../src/store/tables.js';
import * as tables from '../../src/store/tables.js';
import type { ContractContext } from './engine.contract.js';

/** The store side of the contract: schema, staging, set-based writes, row counts, transactions. */

const allTables = Object.values(tables).filter(
  (value): value is Table => typeof value === 'object' && value !== null && 'columns' in value,
);

const HOSTILE_TEXT = `it's "quoted" \\ back -- $1 {p1:String} 😀 é`;

/** A row exercising every column type; variant 1 holds nulls where allowed and awkward values elsewhere. */
function sampleRow(table: Table, variant: 0 | 1, workspace: string): CellValue[] {
  return table.columns.map((column) => {
    if (column.name === 'workspace') return workspace;
    if (variant === 1 && column.nullable) return null;
    switch (column.type) {
      case 'string':
        return variant === 0 ? `${table.name}.${column.name}` : `${column.name} ${HOSTILE_TEXT}`;
      case 'double':
        return variant === 0 ? 1.25 : -2.5e-7;
      case 'bigint':
        return variant === 0 ? 9007199254740991 : -7;
      case 'boolean':
        return variant === 0;
      case 'timestamp':
        return new Date(Date.UTC(2024, 4, 1, 10, 0, 0, 123 + variant));
      case 'json':
        return variant === 0 ? {} : { nested: { list: [1, 'two', null, true, 2.5] }, [`key ${HOSTILE_TEXT}`]: null };
      default:
        throw new Error(`internal error: no sample for column type ${String(column.type)}`);
    }
  });
}

/** What a sample row reads back as: the same values, JSON parsed, as an object by column name. */
function expectedRow(table: Table, row: readonly CellValue[]): Row {
  return Object.fromEntries(table.columns.map((column, i) => [column.name, row[i]]));
}

/** Orders rows as `ORDER BY` does in both engines: code points for text, NULLs last. */
function bySortKey(table: Table) {
  const rank = (value: unknown): number | string =>
    value instanceof Date ? value.getTime() : (value as number | string);
  return (a: Row, b: Row): number => {
    for (const name of table.sortKey) {
      const [x, y] = [a[name], b[name]];
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const [rx, ry] = [rank(x), rank(y)];
      if (typeof rx === 'string' && typeof ry === 'string') return compareText(rx, ry);
      return (rx as number) - (ry as number);
    }
    return 0;
  };
}

function eventRow(workspace: string, id: string, properties: CellValue, user: string | null = 'u1'): CellValue[] {
  return [
    workspace,
    id,
    'track',
    `Name ${id}`,
    user,
    null,
    new Date(Date.UTC(2024, 4, 1)),
    new Date(0),
    properties,
    null,
    9.5,
  ];
}

export function registerStoreTests({ engine, test }: ContractContext): void {
  test('migrations record every version', async () => {
    const rows = await engine().query(sql`SELECT version FROM schema_migrations ORDER BY version`);
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version })));
  });

  test('every table holds every column type and reads it back normalised', async () => {
    const w = 'contract-tables';
    for (const table of allTables.filter((t) => t.columns.some((c) => c.name === 'workspace'))) {
      // A table keyed by the workspace alone (settings) holds one row per workspace.
      const perWorkspace = table.primaryKey?.length === 1 && table.primaryKey[0] === 'workspace';
      const rows = perWorkspace ? [sampleRow(table, 0, w)] : [sampleRow(table, 0, w), sampleRow(table, 1, w)];
      const staging = await engine().stage(table, rows);
      expect(await engine().run(sql`INSERT INTO ${ident(table.name)} SELECT * FROM ${staging}`)).toBe(rows.length);
      const order = join(table.sortKey.map((name) => ident(name)));
      const read = await engine().query(
        sql`SELECT * FROM ${ident(table.name)} WHERE workspace = ${str(w)} ORDER BY ${order}`,
      );
      const expected = rows.map((row) => expectedRow(table, row)).sort(bySortKey(table));
      expect(read, table.name).toEqual(expected);
    }
  });

  test('stage + INSERT … SELECT moves rows and reports the count', async () => {
    const w = 'contract-stage';
    const rows = [eventRow(w, 'm1', { a: HOSTILE_TEXT }), eventRow(w, 'm2', {}, null), eventRow(w, 'm3', [1, 2])];
    const staging = await engine().stage(tables.events, rows);
    expect(await engine().run(sql`INSERT INTO events SELECT * FROM ${staging}`)).toBe(3);
    const read = await engine().query(
      sql`SELECT message_id, user_id, properties, revenue FROM events WHERE workspace = ${str(w)} ORDER BY message_id`,
    );
    expect(read).toEqual([
      { message_id: 'm1', user_id: 'u1', properties: { a: HOSTILE_TEXT }, revenue: 9.5 },
      { message_id: 'm2', user_id: null, properties: {}, revenue: 9.5 },
      { message_id: 'm3', user_id: 'u1', properties: [1, 2], revenue: 9.5 },
    ]);
  });

  test('stage empties the staging table first', async () => {
    // Read through `run`: a staging table may be visible to the writer only (DuckDB's is a temporary table).
    const w = 'contract-restage';
    await engine().stage(tables.events, [eventRow(w, 'a', {}), eventRow(w, 'b', {})]);
    const staging = await engine().stage(tables.events, [eventRow(w, 'c', {})]);
    expect(await engine().run(sql`INSERT INTO events SELECT * FROM ${staging}`)).toBe(1);
    const empty = await engine().stage(tables.events, []);
    expect(await engine().run(sql`INSERT INTO events SELECT * FROM ${empty}`)).toBe(0);
    const ids = await engine().query(sql`SELECT message_id FROM events WHERE workspace = ${str(w)}`);
    expect(ids).toEqual([{ message_id: 'c' }]);
  });

  test('INSERT … WHERE NOT EXISTS (correlated) skips stored rows', async () => {
    const w = 'contract-dedup';
    const insertNew = async (ids: string[]) => {
      const staging = await engine().stage(
        tables.events,
        ids.map((id) => eventRow(w, id, {})),
      );
      return engine().run(
        sql`INSERT INTO events SELECT s.* FROM ${staging} s
            WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.workspace = s.workspace AND e.message_id = s.message_id)`,
      );
    };
    expect(await insertNew(['d1', 'd2'])).toBe(2);
    expect(await insertNew(['d2', 'd3'])).toBe(1);
    const ids = await engine().query(
      sql`SELECT message_id FROM events WHERE workspace = ${str(w)} ORDER BY message_id`,
    );
    expect(ids.map((r) => r['message_id'])).toEqual(['d1', 'd2', 'd3']);
  });

  test('DELETE reports the rows it removed', async () => {
    const w = 'contract-delete';
    const staging = await engine().stage(tables.events, [
      eventRow(w, 'x1', {}),
      eventRow(w, 'x2', {}),
      eventRow(w, 'x3', {}),
    ]);
    await engine().run(sql`INSERT INTO events SELECT * FROM ${staging}`);
    expect(
      await engine().run(
        sql`DELETE FROM events WHERE workspace = ${str(w)} AND message_id IN (${str('x1')}, ${str('x2')})`,
      ),
    ).toBe(2);
    expect(await engine().query(sql`SELECT message_id FROM events WHERE workspace = ${str(w)}`)).toEqual([
      { message_id: 'x3' },
    ]);
  });

  test('a transaction has the writer to itself', async () => {
    const w = 'contract-exclusive';
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tx = engine().transaction(async (t) => {
      order.push('tx start');
      await gate;
      const staging = await t.stage(tables.events, [eventRow(w, 't1', {})]);
      await t.run(sql`INSERT INTO events SELECT * FROM ${staging}`);
      order.push('tx end');
    });
    const outside = engine()
      .run(sql`DELETE FROM events WHERE workspace = ${str(w)}`)
      .then((n) => order.push(`outside deleted ${n}`));
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await Promise.all([tx, outside]);
    expect(order).toEqual(['tx start', 'tx end', 'outside deleted 1']);
  });

  test('a failed transaction leaves nothing behind', async () => {
    const w = 'contract-rollback';
    await expect(
      engine().transaction(async (t) => {
        const staging = await t.stage(tables.events, [eventRow(w, 'r1', {})]);
        await t.run(sql`INSERT INTO events SELECT * FROM ${staging}`);
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await engine().query(sql`SELECT message_id FROM events WHERE workspace = ${str(w)}`)).toEqual([]);
  });

  test('LEFT JOIN gives NULL, not a default, for unmatched rows', async () => {
    const rows = await engine().query(
      sql`SELECT p.id, ev.n, ev.t, ev.s FROM (SELECT ${str('a')} AS id) AS p
          LEFT JOIN (SELECT ${str('b')} AS id, count(*) AS n, max(ts) AS t, sum(revenue) AS s FROM events) AS ev
          ON ev.id = p.id`,
    );
    expect(rows).toEqual([{ id: 'a', n: null, t: null, s: null }]);
  });
}
