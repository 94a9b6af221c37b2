import type { Dialect } from '../../engines/dialect.js';
import type { SegmentDialect } from '../../engines/segment-dialect.js';
import { type Sql, sql, str, ts } from '../../engines/sql.js';
import { nameIn, type OrderOptions } from '../orders.js';

/** Milliseconds in a day, as SQL text. */
export const DAY = sql`86400000`;

/**
 * Purchase days: one row per customer and UTC day with at least one order at or before `asOf` — `user_id`, `day`
 * (days since 1970-01-01) and `last_at` (the day's last order, epoch milliseconds). Lifecycle counts purchase days,
 * not orders: two orders on one day are one purchase occasion, so the gaps between purchases are never 0.
 */
export function orderDays(dialect: Dialect & SegmentDialect, workspace: string, asOf: Date, orders: OrderOptions): Sql {
  const at = dialect.epochMs(sql`ts`);
  return sql`SELECT user_id, day, max(order_ms) AS last_at
    FROM (
      SELECT user_id, CAST(floor(${at} / ${DAY}) AS BIGINT) AS day, ${at} AS order_ms
      FROM events
      WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL AND ts <= ${ts(asOf)} AND ${nameIn(orders.orderEvents)}
    ) order_times
    GROUP BY user_id, day`;
}

/**
 * The gaps between consecutive purchase days of each customer as a histogram: rows `gap_days, gaps`. The previous
 * day comes from a one-row window frame (ClickHouse has no `lag`); a customer's first day has no gap and is dropped
 * by its number, not by a NULL test, because ClickHouse's max over an empty frame is 0, not NULL.
 */
export function gapHistogram(
  dialect: Dialect & SegmentDialect,
  workspace: string,
  asOf: Date,
  orders: OrderOptions,
): Sql {
  return sql`SELECT gap_days, count(*) AS gaps
    FROM (
      SELECT day - max(day) OVER (PARTITION BY user_id ORDER BY day ROWS BETWEEN 1 PRECEDING AND 1 PRECEDING) AS gap_days,
        row_number() OVER (PARTITION BY user_id ORDER BY day) AS day_no
      FROM (${orderDays(dialect, workspace, asOf, orders)}) purchase_days
    ) consecutive
    WHERE day_no > 1
    GROUP BY gap_days`;
}
