import type { Engine } from '../engines/engine.js';
import { runAll } from '../engines/run-all.js';
import { json, type Sql, sql, str, ts } from '../engines/sql.js';
import { profiles } from '../store/tables.js';

/** Users in `spans` without a profile in the workspace, for a `WHERE` on `spans s`. */
export const missingProfile = (workspace: string): Sql =>
  // Not a correlated NOT EXISTS: the ClickHouse family has no correlated subqueries.
  sql`s.user_id NOT IN (SELECT user_id FROM profiles WHERE workspace = ${str(workspace)})`;

/**
 * Widens `first_seen`/`last_seen` of known profiles to the spans of `spans` (a relation with one row per user:
 * `user_id`, `first_seen`, `last_seen`), and creates the profiles of users seen for the first time, with no traits.
 * Only profiles whose span grows are written, so spans seen before (a retried batch, a re-import) write nothing.
 * Known profiles are updated and new ones inserted in two statements: an engine without `ON CONFLICT … DO UPDATE`
 * cannot do both in one, and rewriting whole rows (an upsert of the merged profile) was slower on DuckDB.
 */
export async function widenProfileSpans(engine: Engine, workspace: string, spans: Sql, now: Date): Promise<void> {
  const w = str(workspace);
  const statements = engine.dialect.update(profiles, {
    set: {
      first_seen: sql`least(coalesce(profiles.first_seen, s.first_seen), s.first_seen)`,
      last_seen: sql`greatest(coalesce(profiles.last_seen, s.last_seen), s.last_seen)`,
      updated_at: ts(now),
    },
    from: sql`${spans} s`,
    where: sql`profiles.workspace = ${w} AND profiles.user_id = s.user_id
               AND (profiles.first_seen IS NULL OR profiles.last_seen IS NULL
                    OR s.first_seen < profiles.first_seen OR s.last_seen > profiles.last_seen)`,
  });
  await runAll(engine, statements);
  await engine.run(
    sql`INSERT INTO profiles
        SELECT ${w}, s.user_id, ${json({})}, ${json({})}, NULL, s.first_seen, s.last_seen, ${ts(now)} FROM ${spans} s
        WHERE ${missingProfile(workspace)}`,
  );
}
