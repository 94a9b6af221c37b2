import type { Engine } from '../../engines/engine.js';
import { ident, json, type Sql, sql, str, ts } from '../../engines/sql.js';

/**
 * Set-based writes shared by the event import and the presets: the import stages its rows in a temporary table,
 * then moves them with one statement each, so no row passes through JavaScript.
 */

/** Replaces a temporary table with the rows of a query and returns a reference to it. */
export async function createTemp(engine: Engine, name: string, query: Sql): Promise<Sql> {
  await engine.run(sql`DROP TABLE IF EXISTS ${ident(name)}`);
  await engine.run(sql`CREATE TEMP TABLE ${ident(name)} AS ${query}`);
  return ident(name);
}

export async function dropTemp(engine: Engine, ...names: readonly string[]): Promise<void> {
  for (const name of names) await engine.run(sql`DROP TABLE IF EXISTS ${ident(name)}`);
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
 * known ones, in one upsert. `seen` is a relation with `user_id` (not null) and `ts`.
 */
export function upsertProfiles(engine: Engine, workspace: string, now: Date, seen: Sql): Promise<number> {
  return engine.run(
    sql`INSERT INTO profiles (workspace, user_id, traits, trait_times, account_id, first_seen, last_seen, updated_at)
        SELECT ${str(workspace)}, user_id, ${json({})}, ${json({})}, NULL, min(ts), max(ts), ${ts(now)}
        FROM ${seen} s GROUP BY user_id
        ON CONFLICT (workspace, user_id) DO UPDATE SET
          first_seen = CASE WHEN profiles.first_seen IS NULL OR excluded.first_seen < profiles.first_seen
                            THEN excluded.first_seen ELSE profiles.first_seen END,
          last_seen = CASE WHEN profiles.last_seen IS NULL OR excluded.last_seen > profiles.last_seen
                           THEN excluded.last_seen ELSE profiles.last_seen END,
          updated_at = excluded.updated_at`,
  );
}

/** A count from a one-row query, as a number. */
export async function countOf(engine: Engine, query: Sql, column = 'n'): Promise<number> {
  const [row] = await engine.query(query);
  return Number(row?.[column] ?? 0);
}
