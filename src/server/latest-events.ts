import type { Engine } from '../engines/engine.js';
import { int, sql, str } from '../engines/sql.js';
import type { StoredEvent } from '../store/profiles.js';

/**
 * A user's newest events, newest first. `listEvents` in the store reads oldest first, which would need the whole
 * history to find the tail; this belongs next to it in `src/store/profiles.ts` once that file grows the option.
 */
export async function latestEvents(
  engine: Engine,
  workspace: string,
  userId: string,
  limit: number,
): Promise<StoredEvent[]> {
  const rows = await engine.query(
    sql`SELECT message_id, type, name, user_id, anonymous_id, ts, properties, revenue FROM events
        WHERE workspace = ${str(workspace)} AND user_id = ${str(userId)}
        ORDER BY ts DESC, message_id DESC LIMIT ${int(limit)}`,
  );
  return rows.map((row) => ({
    messageId: String(row['message_id']),
    type: String(row['type']),
    name: String(row['name']),
    userId: (row['user_id'] as string | null) ?? null,
    anonymousId: (row['anonymous_id'] as string | null) ?? null,
    ts: row['ts'] as Date,
    properties: row['properties'] as Record<string, unknown>,
    revenue: (row['revenue'] as number | null) ?? null,
  }));
}
