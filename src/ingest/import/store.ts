import type { Engine } from '../../engines/engine.js';
import { json, type Sql, sql, str, ts } from '../../engines/sql.js';
import { profiles } from '../../store/tables.js';

/**
 * Set-based writes shared by the event import and the presets: the import stages its rows in a temporary table,
 * then moves them with one statement each, so no row passes through JavaScript.
 */

/**
 * Replaces a temporary table with the rows of a query and returns a reference to it. `name`: lower-case letters,
 * digits and `_` (see `WriteDialect.temp`).
 */
export async function createTemp(engine: Engine, name: string, query: Sql): Promise<Sql> {
  const temp = engine.dialect.temp(name);
  await engine.run(temp.create(query));
  return temp.ref;
}

export async function dropTemp(engine: Engine, ...names: readonly string[]): Promise<void> {
  for (const name of names) await engine.run(engine.dialect.temp(name).drop);
}

/**
 * Inserts candidate events that are not stored yet and returns how many it stored. `candidates` is a relation with
 * `message_id, name, user_id, anonymous_id, ts, properties, revenue`, one row per message id. Deduplication is an
 * anti-join on (workspace, message_id): the events table has no key because one made bulk inserts 3–4× slower.
 */
export function storeEvents(engine: Engine, workspace: string, now: Date, candidates: Sql): Promise<number> {
  const w = str(workspace);
  return engine.run(
    sql`INSERT INTO events (workspace, message_id, type, name, user_id, anonymous_id, ts, received_at, properties,
          context, revenue)
        SELECT ${w}, c.message_id, 'track', c.name, c.user_id, c.anonymous_id, c.ts, ${ts(now)}, c.properties,
          NULL, c.revenue
        FROM ${candidates} c
        LEFT JOIN (SELECT message_id FROM events WHERE workspace = ${w}) stored ON stored.message_id = c.message_id
        WHERE stored.message_id IS NULL`,
  );
}

/**
 * Creates the profiles of users seen for the first time (no traits yet) and widens `first_seen`/`last_seen` of
 * known ones. `seen` is a relation with `user_id` (not null) and `ts`. Each user's span is staged once, then known
 * profiles are updated and new ones inserted: an engine without `ON CONFLICT … DO UPDATE` cannot do both in one
 * statement, and rewriting whole rows (an upsert of the merged profile) was slower on DuckDB for existing users.
 */
export async function upsertProfiles(engine: Engine, workspace: string, now: Date, seen: Sql): Promise<void> {
  const d = engine.dialect;
  const w = str(workspace);
  const spans = d.temp('import_spans');
  await engine.run(
    spans.create(sql`SELECT user_id, min(ts) AS first_ts, max(ts) AS last_ts FROM ${seen} seen GROUP BY user_id`),
  );
  const update = d.update(profiles, {
    set: {
      first_seen: sql`CASE WHEN profiles.first_seen IS NULL OR s.first_ts < profiles.first_seen
                      THEN s.first_ts ELSE profiles.first_seen END`,
      last_seen: sql`CASE WHEN profiles.last_seen IS NULL OR s.last_ts > profiles.last_seen
                     THEN s.last_ts ELSE profiles.last_seen END`,
      updated_at: ts(now),
    },
    from: sql`${spans.ref} s`,
    where: sql`profiles.workspace = ${w} AND profiles.user_id = s.user_id`,
  });
  for (const statement of update) await engine.run(statement);
  await engine.run(
    sql`INSERT INTO profiles
        SELECT ${w}, s.user_id, ${json({})}, ${json({})}, NULL, s.first_ts, s.last_ts, ${ts(now)} FROM ${spans.ref} s
        WHERE s.user_id NOT IN (SELECT user_id FROM profiles WHERE workspace = ${w})`,
  );
  await engine.run(spans.drop);
}

/** A count from a one-row query, as a number. */
export async function countOf(engine: Engine, query: Sql, column = 'n'): Promise<number> {
  const [row] = await engine.query(query);
  return Number(row?.[column] ?? 0);
}
