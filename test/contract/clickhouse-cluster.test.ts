import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import { createTable, SHARDING } from '../../src/engines/clickhouse/ddl.js';
import type { Engine } from '../../src/engines/engine.js';
import { render, sql } from '../../src/engines/sql.js';
import type { Table } from '../../src/store/tables.js';
import * as tables from '../../src/store/tables.js';

/**
 * The DDL of `--cluster`. No cluster runs in CI (chDB has no server to shard over), so this checks what can be
 * checked without one: every statement parses (`EXPLAIN AST` on the real engine), each per-user table is sharded by
 * a hash of its user over shard-local replicated tables, and every other table is one replicated copy per server.
 */

const allTables = Object.values(tables).filter(
  (value): value is Table => typeof value === 'object' && value !== null && 'columns' in value,
);

describe('ClickHouse cluster DDL', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await openChdbEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  const text = (table: Table): string[] => createTable(table, 'prod').map((s) => render(s, engine.dialect).text);

  it('parses for every table', async () => {
    for (const table of allTables) {
      for (const statement of createTable(table, 'prod')) {
        const ast = await engine.query(sql`EXPLAIN AST ${statement}`);
        expect(ast.length, table.name).toBeGreaterThan(0);
      }
    }
  });

  it('shards the events by user over shard-local replicated tables', () => {
    const [local, distributed] = text(tables.events);
    expect(local).toMatch(/^CREATE TABLE IF NOT EXISTS "events_local" ON CLUSTER "prod" \(/);
    expect(local).toContain(
      `ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/events_local', '{replica}')`,
    );
    expect(local).toContain('PARTITION BY toYYYYMM("ts") ORDER BY ("workspace", "user_id", "ts", "message_id")');
    expect(distributed).toBe(
      `CREATE TABLE IF NOT EXISTS "events" ON CLUSTER "prod" AS "events_local" ` +
        `ENGINE = Distributed('prod', currentDatabase(), 'events_local', cityHash64(coalesce("user_id", "anonymous_id")))`,
    );
  });

  it('shards every table holding per-user rows, and replicates the others whole', () => {
    const perUser = allTables.filter((t) => t.columns.some((c) => c.name === 'user_id')).map((t) => t.name);
    expect(Object.keys(SHARDING).sort()).toEqual(perUser.sort());
    const [accounts, ...rest] = text(tables.accounts);
    expect(rest).toEqual([]);
    expect(accounts).toContain(`"accounts" ON CLUSTER "prod" (` /* the table itself, no local twin */);
    expect(accounts).toContain(
      `ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/accounts', '{replica}')`,
    );
    const [changes] = text(tables.segmentRefreshes);
    expect(changes).toContain(
      `ReplicatedMergeTree('/clickhouse/tables/all/{database}/segment_refreshes', '{replica}')`,
    );
  });

  it('refuses a cluster name that would need escaping', () => {
    expect(() => createTable(tables.events, `prod', 'x`)).toThrow(/cluster name/);
  });
});
