import type { Engine } from '../../engines/engine.js';
import { type Sql, sql, str, ts } from '../../engines/sql.js';
import { widenProfileSpans } from '../profile-spans.js';

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
 * known ones (`widenProfileSpans`). `seen` is a relation with `user_id` (not null) and `ts`; each user's span is
 * staged once.
 */
export async function upsertProfiles(engine: Engine, workspace: string, now: Date, seen: Sql): Promise<void> {
  const spans = engine.dialect.temp('import_spans');
  await engine.run(
    spans.create(sql`SELECT user_id, min(ts) AS first_seen, max(ts) AS last_seen FROM ${seen} seen GROUP BY user_id`),
  );
  await widenProfileSpans(engine, workspace, spans.ref, now);
  await engine.run(spans.drop);
}

/** A count from a one-row query, as a number. */
export async function countOf(engine: Engine, query: Sql, column = 'n'): Promise<number> {
  const [row] = await engine.query(query);
  return Number(row?.[column] ?? 0);
}
