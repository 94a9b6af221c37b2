import { expect } from 'vitest';
import type { CellValue, Engine } from '../../src/engines/engine.js';
import { type Sql, sql, str, strList, ts } from '../../src/engines/sql.js';
import { events, profiles } from '../../src/store/tables.js';
import type { ContractContext } from './engine.contract.js';

/**
 * The write statements whose form differs between engines (`WriteDialect`): upsert, update (in place, joined, and
 * one that changes a key column), temporary tables, list expansion and lookup. Hostile text travels as values.
 */

const HOSTILE = `it's "x" \\ -- $1 {p1:String} 😀`;
const T0 = new Date(Date.UTC(2024, 0, 10, 12));

const profileRow = (workspace: string, user: string, first: Date | null): CellValue[] => [
  workspace,
  user,
  { name: user },
  {},
  null,
  first,
  first,
  T0,
];

const eventRow = (workspace: string, id: string, user: string | null, anon: string | null, at: Date): CellValue[] => [
  workspace,
  id,
  'track',
  'Viewed',
  user,
  anon,
  at,
  at,
  {},
  null,
  null,
];

async function runAll(engine: Engine, statements: readonly Sql[]): Promise<void> {
  await engine.transaction(async (tx) => {
    for (const statement of statements) await tx.run(statement);
  });
}

export function registerWriteTests({ engine, test }: ContractContext): void {
  test('upsert replaces rows by primary key and keeps the others', async () => {
    const e = engine();
    const w = 'write-upsert';
    const d = e.dialect;
    await e.run(
      d.upsert(
        profiles,
        sql`SELECT * FROM ${await e.stage(profiles, [profileRow(w, 'a', T0), profileRow(w, HOSTILE, T0)])}`,
      ),
    );
    const later = new Date(T0.getTime() + 86_400_000);
    await e.run(d.upsert(profiles, sql`SELECT * FROM ${await e.stage(profiles, [profileRow(w, HOSTILE, later)])}`));
    const rows = await e.query(
      sql`SELECT user_id, first_seen FROM profiles WHERE workspace = ${str(w)} ORDER BY user_id`,
    );
    expect(rows).toEqual([
      { user_id: 'a', first_seen: T0 },
      { user_id: HOSTILE, first_seen: later },
    ]);
  });

  test('update changes the matching rows of a keyed table, alone or joined to a relation', async () => {
    const e = engine();
    const w = 'write-update';
    const d = e.dialect;
    await e.run(
      d.upsert(
        profiles,
        sql`SELECT * FROM ${await e.stage(profiles, [profileRow(w, 'a', T0), profileRow(w, 'b', T0)])}`,
      ),
    );
    await runAll(
      e,
      d.update(profiles, {
        set: { account_id: str(HOSTILE) },
        where: sql`profiles.workspace = ${str(w)} AND profiles.user_id = 'a'`,
      }),
    );
    const later = new Date(T0.getTime() + 3_600_000);
    const staged = await e.stage(profiles, [profileRow(w, 'b', later)]);
    await runAll(
      e,
      d.update(profiles, {
        set: { last_seen: sql`s.last_seen`, updated_at: ts(later) },
        from: sql`${staged} s`,
        where: sql`profiles.workspace = ${str(w)} AND profiles.user_id = s.user_id`,
      }),
    );
    const rows = await e.query(
      sql`SELECT user_id, account_id, first_seen, last_seen, updated_at FROM profiles WHERE workspace = ${str(w)} ORDER BY user_id`,
    );
    expect(rows).toEqual([
      { user_id: 'a', account_id: HOSTILE, first_seen: T0, last_seen: T0, updated_at: T0 },
      { user_id: 'b', account_id: null, first_seen: T0, last_seen: later, updated_at: later },
    ]);
  });

  test('update can move rows to another key: anonymous events to their user, looked up from two lists', async () => {
    const e = engine();
    const w = 'write-move';
    const d = e.dialect;
    const rows = [
      eventRow(w, 'm1', null, 'anon-1', T0),
      eventRow(w, 'm2', null, `anon-${HOSTILE}`, T0),
      eventRow(w, 'm3', null, 'anon-3', T0),
      eventRow(w, 'm4', 'u9', 'anon-1', T0),
    ];
    await e.run(sql`INSERT INTO events SELECT * FROM ${await e.stage(events, rows)}`);
    const ids = ['anon-1', `anon-${HOSTILE}`];
    const users = ['u1', HOSTILE];
    await runAll(
      e,
      d.update(events, {
        set: { user_id: d.lookup(sql`anonymous_id`, strList(ids), strList(users)) },
        where: sql`workspace = ${str(w)} AND user_id IS NULL AND ${d.inList(sql`anonymous_id`, strList(ids))}`,
      }),
    );
    const after = await e.query(
      sql`SELECT message_id, user_id, anonymous_id FROM events WHERE workspace = ${str(w)} ORDER BY message_id`,
    );
    expect(after).toEqual([
      { message_id: 'm1', user_id: 'u1', anonymous_id: 'anon-1' },
      { message_id: 'm2', user_id: HOSTILE, anonymous_id: `anon-${HOSTILE}` },
      { message_id: 'm3', user_id: null, anonymous_id: 'anon-3' },
      { message_id: 'm4', user_id: 'u9', anonymous_id: 'anon-1' },
    ]);
  });

  test('unnest gives one row per element, and inList tests membership without a subquery', async () => {
    const e = engine();
    const d = e.dialect;
    const list = strList([HOSTILE, 'b', '']);
    const rows = await e.query(sql`SELECT v FROM (SELECT ${d.unnest(list)} AS v) AS t ORDER BY v`);
    expect(rows.map((r) => r['v'])).toEqual(['', 'b', HOSTILE].sort());
    const [hit] = await e.query(
      sql`SELECT ${d.countIf(d.inList(sql`x`, list))} AS n FROM (SELECT ${d.unnest(strList([HOSTILE, 'a', 'b']))} AS x) AS t`,
    );
    expect(Number(hit?.['n'])).toBe(2);
  });

  test('an event written twice is one row', async () => {
    const e = engine();
    const w = 'write-dedup';
    const row = eventRow(w, 'm1', 'u1', null, T0);
    await e.run(sql`INSERT INTO events SELECT * FROM ${await e.stage(events, [row])}`);
    await e.run(sql`INSERT INTO events SELECT * FROM ${await e.stage(events, [row])}`);
    expect(await e.query(sql`SELECT count(*) AS n FROM events WHERE workspace = ${str(w)}`)).toEqual([{ n: 1 }]);
  });

  test('a temporary table holds a query result until dropped', async () => {
    const e = engine();
    const temp = e.dialect.temp('contract_values');
    const rows = await e.transaction(async (tx) => {
      await tx.run(temp.create(sql`SELECT ${str(HOSTILE)} AS v UNION ALL SELECT 'b' AS v`));
      await tx.run(temp.create(sql`SELECT ${str(HOSTILE)} AS v`));
      const read = await tx.query(sql`SELECT v FROM ${temp.ref}`);
      await tx.run(temp.drop);
      return read;
    });
    expect(rows).toEqual([{ v: HOSTILE }]);
  });

  test('rows of a temporary table can be deleted by a condition', async () => {
    const e = engine();
    const temp = e.dialect.temp('contract_delete');
    const rows = await e.transaction(async (tx) => {
      await tx.run(temp.create(sql`SELECT ${str(HOSTILE)} AS v UNION ALL SELECT 'b' AS v UNION ALL SELECT 'c' AS v`));
      await tx.run(temp.deleteWhere(sql`v <> ${str(HOSTILE)} AND v <> 'c'`));
      const read = await tx.query(sql`SELECT v FROM ${temp.ref} ORDER BY v`);
      await tx.run(temp.drop);
      return read;
    });
    expect(rows).toEqual([{ v: 'c' }, { v: HOSTILE }]);
  });

  test('a row id, where the engine has one, tells stored rows apart and deletes exactly the rows it names', async () => {
    const e = engine();
    const w = 'write-rowid';
    const d = e.dialect;
    const rowId = d.rowId(sql`p`);
    const rows = [profileRow(w, 'a', T0), profileRow(w, HOSTILE, T0), profileRow(w, 'c', T0)];
    const distinct = await e.transaction(async (tx) => {
      await tx.run(d.upsert(profiles, sql`SELECT * FROM ${await tx.stage(profiles, rows)}`));
      const own = d.rowId(sql`profiles`);
      if (rowId === null || own === null) return null;
      // Row ids stay in SQL, as callers use them: inside a transaction they may exceed 2^53.
      const ids = sql`SELECT p.user_id, ${rowId} AS rid FROM profiles AS p WHERE p.workspace = ${str(w)}`;
      const [count] = await tx.query(sql`SELECT count(DISTINCT rid) AS n FROM (${ids}) AS i`);
      await tx.run(sql`DELETE FROM profiles WHERE ${own} IN (SELECT rid FROM (${ids}) AS i WHERE user_id <> 'c')`);
      return Number(count?.['n']);
    });
    const left = await e.query(sql`SELECT user_id FROM profiles WHERE workspace = ${str(w)} ORDER BY user_id`);
    if (rowId === null) {
      // No row ids (ClickHouse): callers find rows by their columns; the rows are untouched.
      expect(left.map((row) => row['user_id'])).toEqual(['a', 'c', HOSTILE]);
      return;
    }
    expect(distinct).toBe(3);
    expect(left).toEqual([{ user_id: 'c' }]);
  });

  test('lookup gives the value at the first position of the key in a list, NULL when absent', async () => {
    const d = engine().dialect;
    const keys = strList(['a', HOSTILE, 'a']);
    const values = strList(['first', 'hostile', 'second']);
    const rows = await engine().query(
      sql`SELECT k, ${d.lookup(sql`k`, keys, values)} AS v
          FROM (SELECT ${d.unnest(strList(['a', HOSTILE, 'missing']))} AS k) AS t ORDER BY k`,
    );
    expect(rows).toEqual(
      [
        { k: 'a', v: 'first' },
        { k: HOSTILE, v: 'hostile' },
        { k: 'missing', v: null },
      ].sort((x, y) => (x.k < y.k ? -1 : 1)),
    );
  });
}
