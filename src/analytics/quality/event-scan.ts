import type { Engine, Row } from '../../engines/engine.js';
import { int, join, type Sql, sql, str, trusted } from '../../engines/sql.js';
import { nameIn } from '../orders.js';
import type { ResolvedQualityOptions } from './options.js';

type Dialect = Engine['dialect'];

/**
 * The row conditions of the event checks, shared by the counting scan and the sample queries so that an example is
 * always one of the rows counted. Each is a condition on an `events` row that is never NULL.
 */
export interface EventConditions {
  readonly anonymous: Sql;
  readonly unnamed: Sql;
  readonly afterReceipt: Sql;
  readonly afterNow: Sql;
  readonly future: Sql;
  readonly ancient: Sql;
  readonly order: Sql;
  readonly refund: Sql;
  readonly missingRevenue: Sql;
  readonly negativeOrder: Sql;
  readonly positiveRefund: Sql;
  readonly negativeRevenue: Sql;
  readonly zeroRevenue: Sql;
  readonly withoutOrderId: Sql;
}

/** An order's value as the analyses read it: the stored column, else a numeric `revenue` property. */
export const orderValue = (d: Dialect): Sql => sql`coalesce(revenue, ${d.jsonNumber(sql`properties`, ['revenue'])})`;

/** The order id as text; NULL when missing or JSON null. */
export const orderId = (d: Dialect): Sql => d.jsonText(sql`properties`, ['order_id']);

export function eventConditions(d: Dialect, o: ResolvedQualityOptions): EventConditions {
  const at = d.epochMs(sql`ts`);
  const tolerance = int(o.futureToleranceMs);
  const order = nameIn(o.orders.orderEvents);
  const refund = nameIn(o.orders.refundEvents);
  const value = orderValue(d);
  const afterReceipt = sql`${at} - ${d.epochMs(sql`received_at`)} > ${tolerance}`;
  const afterNow = sql`${at} > ${int(o.now.getTime() + o.futureToleranceMs)}`;
  const negativeOrder = sql`(${order} AND coalesce(${value}, 0) < 0)`;
  // Ingestion stores refunds negative; a positive stored refund is added to revenue instead of taken off it.
  const positiveRefund = sql`(${refund} AND coalesce(revenue, 0) > 0)`;
  return {
    anonymous: sql`user_id IS NULL`,
    unnamed: sql`trim(name) = ''`,
    afterReceipt,
    afterNow,
    future: sql`(${afterReceipt} OR ${afterNow})`,
    ancient: sql`${at} < ${int(o.ancientBefore.getTime())}`,
    order,
    refund,
    missingRevenue: sql`(${order} AND ${value} IS NULL)`,
    negativeOrder,
    positiveRefund,
    negativeRevenue: sql`(${negativeOrder} OR ${positiveRefund})`,
    // coalesce: a missing value is counted as missing, not as zero.
    zeroRevenue: sql`(${order} AND coalesce(${value}, 1) = 0)`,
    withoutOrderId: sql`(${order} AND coalesce(${orderId(d)}, '') = '')`,
  };
}

export interface EventCounts {
  readonly events: number;
  readonly anonymous: number;
  readonly anonymousIds: number;
  readonly unnamed: number;
  readonly afterReceipt: number;
  readonly afterNow: number;
  readonly future: number;
  readonly ancient: number;
  readonly orders: number;
  readonly refunds: number;
  readonly missingRevenue: number;
  readonly negativeOrders: number;
  readonly positiveRefunds: number;
  readonly negativeRevenue: number;
  readonly zeroRevenue: number;
  readonly withoutOrderId: number;
}

/** The conditions counted, each under its name in snake case (text this module wrote). */
const COUNTED: readonly (readonly [keyof EventConditions, string])[] = [
  ['anonymous', 'anonymous'],
  ['unnamed', 'unnamed'],
  ['afterReceipt', 'after_receipt'],
  ['afterNow', 'after_now'],
  ['future', 'future'],
  ['ancient', 'ancient'],
  ['missingRevenue', 'missing_revenue'],
  ['negativeOrder', 'negative_order'],
  ['positiveRefund', 'positive_refund'],
  ['negativeRevenue', 'negative_revenue'],
  ['zeroRevenue', 'zero_revenue'],
  ['withoutOrderId', 'without_order_id'],
];

const n = (row: Row | undefined, column: string) => Number(row?.[column] ?? 0);

/** Every per-event count of the report in one scan of the workspace's events. */
export async function scanEvents(engine: Engine, workspace: string, c: EventConditions): Promise<EventCounts> {
  const d = engine.dialect;
  const counted = COUNTED.map(([name, alias]) => sql`${d.countIf(c[name])} AS ${trusted(alias)}`);
  const [row] = await engine.query(
    sql`SELECT count(*) AS events,
          ${d.countIf(c.order)} AS orders,
          ${d.countIf(c.refund)} AS refunds,
          ${d.aggregateIf('count_distinct', sql`anonymous_id`, c.anonymous)} AS anonymous_ids,
          ${join(counted)}
        FROM events WHERE workspace = ${str(workspace)}`,
  );
  return {
    events: n(row, 'events'),
    anonymous: n(row, 'anonymous'),
    anonymousIds: n(row, 'anonymous_ids'),
    unnamed: n(row, 'unnamed'),
    afterReceipt: n(row, 'after_receipt'),
    afterNow: n(row, 'after_now'),
    future: n(row, 'future'),
    ancient: n(row, 'ancient'),
    orders: n(row, 'orders'),
    refunds: n(row, 'refunds'),
    missingRevenue: n(row, 'missing_revenue'),
    negativeOrders: n(row, 'negative_order'),
    positiveRefunds: n(row, 'positive_refund'),
    negativeRevenue: n(row, 'negative_revenue'),
    zeroRevenue: n(row, 'zero_revenue'),
    withoutOrderId: n(row, 'without_order_id'),
  };
}
