import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChdbEngine, openChdbEngine } from '../../src/engines/chdb/connection.js';
import type { Engine } from '../../src/engines/engine.js';
import { sql, str } from '../../src/engines/sql.js';
import { UserError } from '../../src/errors.js';
import { migrate } from '../../src/store/migrations.js';
import { profiles } from '../../src/store/tables.js';

/**
 * What only the ClickHouse engines do: upserts through ReplacingMergeTree, a data directory that persists, and
 * chDB's one-directory-per-process rule. The engine contract covers everything both engines share.
 */

const dir = mkdtempSync(join(tmpdir(), 'strata-chdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const profile = (user: string, traits: Record<string, unknown>) => [
  'w',
  user,
  traits,
  {},
  null,
  null,
  null,
  new Date('2024-05-01T00:00:00Z'),
];

async function upsert(engine: Engine, rows: ReturnType<typeof profile>[]): Promise<void> {
  const staging = await engine.stage(profiles, rows);
  await engine.run(sql`INSERT INTO profiles SELECT * FROM ${staging}`);
}

describe('chDB engine', () => {
  it('keeps one row per primary key: the last written', async () => {
    const engine = await openChdbEngine({ path: join(dir, 'upsert') });
    try {
      await upsert(engine, [profile('u1', { plan: 'free' }), profile('u2', { plan: 'free' })]);
      await upsert(engine, [profile('u1', { plan: 'pro' })]);
      const rows = await engine.query(
        sql`SELECT user_id, traits FROM profiles WHERE workspace = ${str('w')} ORDER BY user_id`,
      );
      expect(rows).toEqual([
        { user_id: 'u1', traits: { plan: 'pro' } },
        { user_id: 'u2', traits: { plan: 'free' } },
      ]);
      // FINAL applies inside joins and subqueries too (settings.ts: final = 1).
      const joined = await engine.query(
        sql`SELECT count(*) AS n FROM profiles AS p JOIN (SELECT user_id FROM profiles) AS q ON q.user_id = p.user_id`,
      );
      expect(joined).toEqual([{ n: 2 }]);
    } finally {
      await engine.close();
    }
  });

  it('persists a data directory across opens, and migrates it once', async () => {
    const path = join(dir, 'persist');
    const first = await openChdbEngine({ path });
    await upsert(first, [profile('kept', {})]);
    await first.close();
    const second = await ChdbEngine.open({ path });
    try {
      expect(await migrate(second)).toEqual([]);
      expect(await second.query(sql`SELECT user_id FROM profiles`)).toEqual([{ user_id: 'kept' }]);
      // Staging tables are this engine's own and dropped on close: none is left from the first one.
      const stages = await second.query(sql`SELECT name FROM system.tables WHERE name LIKE 'strata_stage_%'`);
      expect(stages).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('refuses a second data directory while one is open, and shares the same one', async () => {
    const path = join(dir, 'one');
    const engine = await ChdbEngine.open({ path });
    try {
      const other = ChdbEngine.open({ path: join(dir, 'two') });
      await expect(other).rejects.toBeInstanceOf(UserError);
      await expect(other).rejects.toMatchObject({ code: 'database_locked' });
      const same = await ChdbEngine.open({ path });
      await same.close();
    } finally {
      await engine.close();
    }
  });
});
