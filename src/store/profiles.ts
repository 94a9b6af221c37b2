import type { Engine } from '../engines/engine.js';
import { int, sql, str } from '../engines/sql.js';

export interface Profile {
  readonly userId: string;
  readonly traits: Record<string, unknown>;
  readonly accountId: string | null;
  readonly firstSeen: Date | null;
  readonly lastSeen: Date | null;
}

export interface StoredEvent {
  readonly messageId: string;
  readonly type: string;
  readonly name: string;
  readonly userId: string | null;
  readonly anonymousId: string | null;
  readonly ts: Date;
  readonly properties: Record<string, unknown>;
  readonly revenue: number | null;
}

/** One user's profile, or null when the user is unknown. */
export async function getProfile(engine: Engine, workspace: string, userId: string): Promise<Profile | null> {
  const [row] = await engine.query(
    sql`SELECT user_id, traits, account_id, first_seen, last_seen FROM profiles
        WHERE workspace = ${str(workspace)} AND user_id = ${str(userId)}`,
  );
  if (!row) return null;
  return {
    userId: String(row['user_id']),
    traits: row['traits'] as Record<string, unknown>,
    accountId: (row['account_id'] as string | null) ?? null,
    firstSeen: (row['first_seen'] as Date | null) ?? null,
    lastSeen: (row['last_seen'] as Date | null) ?? null,
  };
}

/** One account's traits, or null. */
export async function getAccount(
  engine: Engine,
  workspace: string,
  accountId: string,
): Promise<Record<string, unknown> | null> {
  const [row] = await engine.query(
    sql`SELECT traits FROM accounts WHERE workspace = ${str(workspace)} AND account_id = ${str(accountId)}`,
  );
  return row ? (row['traits'] as Record<string, unknown>) : null;
}

/** A user's events, oldest first, or the newest ones first with `newestFirst`. */
export async function listEvents(
  engine: Engine,
  workspace: string,
  userId: string,
  limit = 1000,
  options: { newestFirst?: boolean } = {},
): Promise<StoredEvent[]> {
  const order = options.newestFirst ? sql`ts DESC, message_id DESC` : sql`ts, message_id`;
  const rows = await engine.query(
    sql`SELECT message_id, type, name, user_id, anonymous_id, ts, properties, revenue FROM events
        WHERE workspace = ${str(workspace)} AND user_id = ${str(userId)} ORDER BY ${order} LIMIT ${int(limit)}`,
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
