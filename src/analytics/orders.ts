import { z } from 'zod';
import type { Dialect } from '../engines/dialect.js';
import type { Engine } from '../engines/engine.js';
import type { SegmentDialect } from '../engines/segment-dialect.js';
import { type Sql, sql, str, ts } from '../engines/sql.js';
import { defaultConventions } from '../ingest/revenue.js';

export const DAY_MS = 86_400_000;

/**
 * What an order is, shared by every customer analysis (RFM, lifecycle, value tiers, insight). Defaults follow the
 * Segment e-commerce spec the ingestion pipeline uses: `Order Completed` is an order, `Order Refunded` a refund
 * stored with negative revenue.
 */
export const orderOptionsSchema = z.strictObject({
  orderEvents: z
    .array(z.string().min(1))
    .min(1)
    .max(20)
    .default([defaultConventions.purchaseEvent])
    .describe('events that count as orders'),
  refundEvents: z
    .array(z.string().min(1))
    .max(20)
    .default([defaultConventions.refundEvent])
    .describe('events whose revenue is subtracted when monetary is net'),
  monetary: z
    .enum(['net', 'gross'])
    .default('net')
    .describe('net: order revenue minus refunds (the store-wide meaning of revenue); gross: order revenue only'),
});
export type OrderOptions = z.infer<typeof orderOptionsSchema>;
export const defaultOrderOptions: OrderOptions = orderOptionsSchema.parse({});

type AnalyticsDialect = Dialect & SegmentDialect;
const DAY = sql`86400000`;

/** `name IN (…)` for a list of event names, each a bound parameter. */
export function nameIn(names: readonly string[]): Sql {
  if (names.length === 0) return sql`false`;
  const items = names.map((name) => sql`${str(name)}`);
  let list = items[0] as Sql;
  for (const item of items.slice(1)) list = sql`${list}, ${item}`;
  return sql`name IN (${list})`;
}

/**
 * The revenue of an order or refund event: the stored `revenue` column (set by ingestion for the purchase and refund
 * events), else the `revenue` property, so orders under a custom event name still carry a value. A refund counts as
 * negative whatever sign its property has.
 *
 * One row per customer — a user with at least one order at or before `asOf` — with `user_id`, `orders`,
 * `monetary` (revenue per `options.monetary`, 0 when no order carries a value), `first_order`, `last_order`
 * (epoch milliseconds) and `recency_days`: whole days from the last order to `asOf`, rounded down.
 */
export function customerOrders(dialect: AnalyticsDialect, workspace: string, asOf: Date, options: OrderOptions): Sql {
  const isOrder = nameIn(options.orderEvents);
  const isRefund = options.monetary === 'net' ? nameIn(options.refundEvents) : sql`false`;
  const property = dialect.jsonNumber(sql`properties`, ['revenue']);
  const value = sql`(CASE WHEN ${isOrder} THEN coalesce(revenue, ${property})
                     WHEN ${isRefund} THEN coalesce(revenue, -abs(${property})) END)`;
  const at = dialect.epochMs(sql`ts`);
  const asOfMs = dialect.epochMs(sql`${ts(asOf)}`);
  return sql`SELECT user_id, orders, coalesce(monetary, 0) AS monetary, first_order, last_order,
      CAST(floor((${asOfMs} - last_order) / ${DAY}) AS BIGINT) AS recency_days
    FROM (
      SELECT user_id,
        ${dialect.countIf(isOrder)} AS orders,
        ${dialect.aggregateIf('sum', value, sql`${isOrder} OR ${isRefund}`)} AS monetary,
        ${dialect.aggregateIf('min', at, isOrder)} AS first_order,
        ${dialect.aggregateIf('max', at, isOrder)} AS last_order
      FROM events
      WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL AND ts <= ${ts(asOf)}
        AND (${isOrder} OR ${isRefund})
      GROUP BY user_id
    ) per_user
    WHERE orders > 0`;
}

/**
 * The default as-of time of the customer analyses: midnight (UTC) after the last order in the workspace, so the
 * last day of data counts whole and recency is 0 for a customer who ordered that day. Null when there is no order.
 */
export async function defaultAsOf(engine: Engine, workspace: string, options: OrderOptions): Promise<Date | null> {
  const [row] = await engine.query(
    sql`SELECT count(*) AS orders, max(${engine.dialect.epochMs(sql`ts`)}) AS last FROM events
        WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL AND ${nameIn(options.orderEvents)}`,
  );
  // Counted, not read from max(): ClickHouse's max over no rows is 0, not NULL.
  if (Number(row?.['orders'] ?? 0) === 0) return null;
  return new Date((Math.floor(Number(row?.['last']) / DAY_MS) + 1) * DAY_MS);
}
