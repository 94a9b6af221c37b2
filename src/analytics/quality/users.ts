import type { Engine } from '../../engines/engine.js';
import { int, sql, str } from '../../engines/sql.js';
import { textOf } from './samples.js';
import type { QualitySample } from './types.js';

export interface UnknownUsers {
  readonly events: number;
  readonly users: number;
  /** The users with the most events, most first. */
  readonly samples: readonly QualitySample[];
}

/**
 * Events whose `user_id` has no profile row. Ingestion creates a profile for every user it sees, so these come from
 * imports or deleted profiles; segments read profiles as the universe of users and never see them.
 */
export async function unknownUsers(engine: Engine, workspace: string, limit: number): Promise<UnknownUsers> {
  const w = str(workspace);
  const unknown = sql`workspace = ${w} AND user_id IS NOT NULL
    AND user_id NOT IN (SELECT user_id FROM profiles WHERE workspace = ${w})`;
  const [row] = await engine.query(
    sql`SELECT count(*) AS event_count, count(DISTINCT user_id) AS user_count FROM events WHERE ${unknown}`,
  );
  const events = Number(row?.['event_count'] ?? 0);
  const samples =
    events > 0 && limit > 0
      ? await engine.query(
          sql`SELECT user_id, count(*) AS event_count FROM events WHERE ${unknown}
              GROUP BY user_id ORDER BY event_count DESC, user_id LIMIT ${int(limit)}`,
        )
      : [];
  return {
    events,
    users: Number(row?.['user_count'] ?? 0),
    samples: samples.map((r) => ({ user_id: textOf(r['user_id']), events: Number(r['event_count']) })),
  };
}

/** The anonymous ids with the most events that never got a user id, most first. */
export async function anonymousSamples(engine: Engine, workspace: string, limit: number): Promise<QualitySample[]> {
  if (limit <= 0) return [];
  const rows = await engine.query(
    sql`SELECT anonymous_id, count(*) AS event_count FROM events
        WHERE workspace = ${str(workspace)} AND user_id IS NULL
        GROUP BY anonymous_id ORDER BY event_count DESC, anonymous_id LIMIT ${int(limit)}`,
  );
  return rows.map((r) => ({ anonymous_id: textOf(r['anonymous_id']), events: Number(r['event_count']) }));
}
