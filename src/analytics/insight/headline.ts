import type { Engine } from '../../engines/engine.js';
import { type Sql, sql } from '../../engines/sql.js';
import { customerOrders, type OrderOptions } from '../orders.js';
import { count, population, ratio } from './population.js';

/** How big and how valuable a segment is, next to the whole workspace. */
export interface Headline {
  /** Members with a profile. */
  readonly size: number;
  /** Every user with a profile. */
  readonly users: number;
  /** size / users; null when the workspace has no users. */
  readonly share: number | null;
  /** The members' revenue up to asOf per `OrderOptions.monetary` (net: orders minus refunds). */
  readonly revenue: number;
  /** The same over every user. */
  readonly totalRevenue: number;
  readonly revenueShare: number | null;
  /** The members' orders. */
  readonly orders: number;
  /** Average order value: revenue / orders (net of refunds by default); null without orders. */
  readonly aov: number | null;
  readonly ordersPerMember: number | null;
  /** Members with at least one order. */
  readonly buyers: number;
  readonly buyersShare: number | null;
}

/**
 * One query: the population (profiles, member flag) joined to the shared per-customer order summary
 * (`customerOrders`), so revenue and orders mean exactly what they mean in every other customer analysis.
 */
export async function headline(
  engine: Engine,
  workspace: string,
  members: Sql,
  asOf: Date,
  orders: OrderOptions,
): Promise<Headline> {
  const [row] = await engine.query(
    sql`SELECT count(*) AS users,
          coalesce(sum(b.member), 0) AS size,
          coalesce(sum(CASE WHEN b.member = 1 AND c.user_id IS NOT NULL THEN 1 ELSE 0 END), 0) AS buyers,
          coalesce(sum(coalesce(c.monetary, 0)), 0) AS total_revenue,
          coalesce(sum(CASE WHEN b.member = 1 THEN coalesce(c.monetary, 0) ELSE 0 END), 0) AS revenue,
          coalesce(sum(CASE WHEN b.member = 1 THEN coalesce(c.orders, 0) ELSE 0 END), 0) AS member_orders
        FROM (${population(workspace, members)}) AS b
        LEFT JOIN (${customerOrders(engine.dialect, workspace, asOf, orders)}) AS c ON c.user_id = b.user_id`,
  );
  const users = count(row?.['users']);
  const size = count(row?.['size']);
  const revenue = count(row?.['revenue']);
  const totalRevenue = count(row?.['total_revenue']);
  const memberOrders = count(row?.['member_orders']);
  const buyers = count(row?.['buyers']);
  return {
    size,
    users,
    share: ratio(size, users),
    revenue,
    totalRevenue,
    revenueShare: ratio(revenue, totalRevenue),
    orders: memberOrders,
    aov: ratio(revenue, memberOrders),
    ordersPerMember: ratio(memberOrders, size),
    buyers,
    buyersShare: ratio(buyers, size),
  };
}
