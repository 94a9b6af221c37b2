import type { Engine } from '../engines/engine.js';
import { sql, str, ts } from '../engines/sql.js';
import type { UserData } from './evaluate.js';

/** Everything the reference evaluator needs about one user, read from the store (events up to `asOf`). */
export async function loadUserData(
  engine: Engine,
  workspace: string,
  userId: string,
  asOf: Date,
): Promise<UserData | null> {
  const w = str(workspace);
  const u = str(userId);
  const [profile] = await engine.query(
    sql`SELECT p.traits, a.traits AS account FROM profiles AS p
        LEFT JOIN accounts AS a ON a.workspace = p.workspace AND a.account_id = p.account_id
        WHERE p.workspace = ${w} AND p.user_id = ${u}`,
  );
  if (!profile) return null;
  const events = await engine.query(
    sql`SELECT message_id, name, ts, properties FROM events
        WHERE workspace = ${w} AND user_id = ${u} AND ts <= ${ts(asOf)} ORDER BY ts, message_id`,
  );
  const statics = await engine.query(
    sql`SELECT segment_id FROM static_members WHERE workspace = ${w} AND user_id = ${u}`,
  );
  return {
    userId,
    traits: (profile['traits'] ?? {}) as Record<string, unknown>,
    account: (profile['account'] as Record<string, unknown> | null) ?? null,
    events: events.map((row) => ({
      messageId: String(row['message_id']),
      name: String(row['name']),
      ts: (row['ts'] as Date).getTime(),
      properties: (row['properties'] ?? {}) as Record<string, unknown>,
    })),
    staticSegments: new Set(statics.map((row) => String(row['segment_id']))),
  };
}
