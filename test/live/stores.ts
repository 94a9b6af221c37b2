import { describe } from 'vitest';
import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import type { Engine } from '../../src/engines/engine.js';
import { sql, str } from '../../src/engines/sql.js';
import { memoryEngine } from '../helpers.js';

/** An engine the live tests run on: DuckDB in memory, and ClickHouse in-process (chDB) in a temporary directory. */
export interface StoreTarget {
  readonly name: 'duckdb' | 'chdb';
  /** A fresh, empty store with the current schema. */
  readonly open: () => Promise<Engine>;
}

export const STORES: readonly StoreTarget[] = [
  { name: 'duckdb', open: memoryEngine },
  { name: 'chdb', open: () => openChdbEngine() },
];

/**
 * Registers `body` once per engine, inside `describe('on <engine>')`, so every test checks the same stored results
 * on both. chDB holds one data directory per process: a test closes its store before the next one opens.
 */
export function forEachStore(body: (target: StoreTarget) => void): void {
  for (const target of STORES) describe(`on ${target.name}`, () => body(target));
}

/** The change log of a workspace as `seq change segment user` lines, segments named as first saved. */
export async function changeLog(engine: Engine, workspace: string): Promise<string[]> {
  const rows = await engine.query(
    sql`SELECT c.seq, s.name, c.user_id, c.change FROM segment_changes AS c
        JOIN segment_versions AS s ON s.workspace = c.workspace AND s.segment_id = c.segment_id AND s.version = 1
        WHERE c.workspace = ${str(workspace)} ORDER BY c.seq`,
  );
  return rows.map((r) => `${r['seq']} ${r['change']} ${r['name']} ${r['user_id']}`);
}
