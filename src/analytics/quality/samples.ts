import type { Engine, Row } from '../../engines/engine.js';
import { int, type Sql, sql, str } from '../../engines/sql.js';
import { orderValue } from './event-scan.js';
import type { QualitySample } from './types.js';

/** Epoch milliseconds (as the engines return them) as ISO-8601 text. */
export const isoOf = (ms: unknown): string | null =>
  ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();

export const textOf = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/**
 * Up to `limit` events matching `condition`: the oldest first, or the newest first (for times in the future, the
 * most extreme). Ties are broken by message id so that the examples are the same on every run and engine.
 */
export async function eventSamples(
  engine: Engine,
  workspace: string,
  condition: Sql,
  order: 'oldest' | 'newest',
  limit: number,
): Promise<QualitySample[]> {
  if (limit <= 0) return [];
  const d = engine.dialect;
  const direction = order === 'oldest' ? sql`ASC` : sql`DESC`;
  const rows = await engine.query(
    sql`SELECT message_id, name, user_id, ${d.epochMs(sql`ts`)} AS ts_ms, ${d.epochMs(sql`received_at`)} AS received_ms,
          ${orderValue(d)} AS value
        FROM events WHERE workspace = ${str(workspace)} AND ${condition}
        ORDER BY ts ${direction}, message_id LIMIT ${int(limit)}`,
  );
  return rows.map((row: Row) => ({
    message_id: String(row['message_id']),
    name: String(row['name']),
    user_id: textOf(row['user_id']),
    ts: isoOf(row['ts_ms']),
    received_at: isoOf(row['received_ms']),
    revenue: row['value'] === null || row['value'] === undefined ? null : Number(row['value']),
  }));
}
