import type { Engine } from '../../engines/engine.js';
import { sql, str } from '../../engines/sql.js';
import { DAY_MS } from '../orders.js';

/**
 * The default as-of time of the user analyses (lifecycle, journey): midnight (UTC) after the latest thing known about
 * a user — an identified event or a profile first seen — so a user who signed up on the last day of data counts.
 * (RFM's default, midnight after the last order, would leave out users who arrived after the last order.) Null when
 * the workspace has neither.
 */
export async function activityAsOf(engine: Engine, workspace: string): Promise<Date | null> {
  const { dialect } = engine;
  const [row] = await engine.query(
    sql`SELECT
        (SELECT count(*) FROM events WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL) AS events,
        (SELECT max(${dialect.epochMs(sql`ts`)}) FROM events
          WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL) AS last_event,
        (SELECT count(*) FROM profiles WHERE workspace = ${str(workspace)} AND first_seen IS NOT NULL) AS profiles,
        (SELECT max(${dialect.epochMs(sql`first_seen`)}) FROM profiles
          WHERE workspace = ${str(workspace)} AND first_seen IS NOT NULL) AS last_seen`,
  );
  // Counted, not read from max(): ClickHouse's max over no rows is 0, not NULL.
  const latest = Math.max(
    Number(row?.['events'] ?? 0) > 0 ? Number(row?.['last_event']) : Number.NEGATIVE_INFINITY,
    Number(row?.['profiles'] ?? 0) > 0 ? Number(row?.['last_seen']) : Number.NEGATIVE_INFINITY,
  );
  if (!Number.isFinite(latest)) return null;
  return new Date((Math.floor(latest / DAY_MS) + 1) * DAY_MS);
}
