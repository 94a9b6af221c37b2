import { z } from 'zod';
import type { Dialect } from '../engines/dialect.js';
import type { Engine } from '../engines/engine.js';
import type { SegmentDialect } from '../engines/segment-dialect.js';
import { num, type Sql, sql } from '../engines/sql.js';
import { customerOrders, defaultAsOf, defaultOrderOptions, type OrderOptions } from './orders.js';

/**
 * Value tiers (Pareto / ABC analysis). Customers are ordered by monetary DESC, then user_id ASC (so ties are
 * deterministic); each customer's `cumulative_share` is the share of the total positive revenue brought by the
 * customers before them. Below `a` (0.8) the customer is `A`, below `b` (0.95) `B`, else `C`. Customers with
 * monetary ≤ 0 add nothing to the running total and are always `C`; without any positive revenue everyone is `C`
 * and `cumulative_share` is NULL.
 *
 * The first customer is always A (nothing before them), and the customer whose revenue crosses 80 % is still A: the
 * A tier is the smallest set of top customers that makes at least 80 % of revenue.
 */

export const valueTiersConfigSchema = z
  .strictObject({
    a: z.number().gt(0).lt(1).default(0.8).describe('cumulative revenue share before the customer below which: A'),
    b: z.number().gt(0).lte(1).default(0.95).describe('… below which: B; at or above: C'),
  })
  .refine((config) => config.a < config.b, {
    message: 'b must be greater than a',
    path: ['b'],
    params: { code: 'invalid_order' },
  });
export type ValueTiersConfig = z.infer<typeof valueTiersConfigSchema>;
export const defaultValueTiers: ValueTiersConfig = { a: 0.8, b: 0.95 };

export const VALUE_TIERS = ['A', 'B', 'C'] as const;
export type ValueTier = (typeof VALUE_TIERS)[number];

/** `user_id, monetary, cumulative_share, value_tier` for every customer (see the rules above). */
export function valueTiers(
  dialect: Dialect & SegmentDialect,
  workspace: string,
  asOf: Date,
  orders: OrderOptions,
  config: ValueTiersConfig = defaultValueTiers,
): Sql {
  const positive = sql`(CASE WHEN monetary > 0 THEN monetary ELSE 0 END)`;
  // An empty frame sums to NULL on DuckDB and 0 on ClickHouse: coalesce makes both 0. Amounts are ordered rounded to
  // 6 decimals, as RFM ranks them: parallel sums of the same amounts differ in their last bits from run to run, which
  // would let equal customers swap tiers instead of being ordered by user id.
  const before = sql`coalesce(sum(${positive}) OVER (ORDER BY round(monetary, 6) DESC, user_id ASC
    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)`;
  const shared = sql`SELECT user_id, monetary,
      (CASE WHEN total > 0 THEN running / total END) AS cumulative_share
    FROM (
      SELECT user_id, monetary, ${before} AS running, sum(${positive}) OVER () AS total
      FROM (${customerOrders(dialect, workspace, asOf, orders)}) customers
    ) running_totals`;
  return sql`SELECT user_id, monetary, cumulative_share,
      (CASE WHEN monetary <= 0 OR cumulative_share IS NULL THEN 'C'
            WHEN cumulative_share < ${num(config.a)} THEN 'A'
            WHEN cumulative_share < ${num(config.b)} THEN 'B'
            ELSE 'C' END) AS value_tier
    FROM (${shared}) shares`;
}

export interface ValueTierSummary {
  /** Null when the workspace has no orders. */
  readonly asOf: Date | null;
  readonly thresholds: ValueTiersConfig;
  readonly customers: number;
  /** Net revenue of all customers. */
  readonly revenue: number;
  readonly tiers: readonly {
    readonly tier: ValueTier;
    readonly customers: number;
    readonly customerShare: number;
    readonly revenue: number;
    /** The tier's share of net revenue; null when net revenue is not positive. */
    readonly revenueShare: number | null;
  }[];
  /** The share of customers that make 80 % of the revenue (the A tier at the default cut-off). */
  readonly paretoShare: number | null;
}

/** Customers and revenue per tier, and the Pareto share. */
export async function valueTierSummary(
  engine: Engine,
  workspace: string,
  options: { readonly asOf?: Date; readonly orders?: OrderOptions; readonly config?: ValueTiersConfig } = {},
): Promise<ValueTierSummary> {
  const orders = options.orders ?? defaultOrderOptions;
  const config = options.config ?? defaultValueTiers;
  const asOf = options.asOf ?? (await defaultAsOf(engine, workspace, orders));
  const rows =
    asOf === null
      ? []
      : await engine.query(
          sql`SELECT value_tier, count(*) AS customers, sum(monetary) AS revenue,
                ${engine.dialect.countIf(sql`monetary > 0 AND cumulative_share < 0.8`)} AS pareto
              FROM (${valueTiers(engine.dialect, workspace, asOf, orders, config)}) v
              GROUP BY value_tier`,
        );
  const byTier = new Map(rows.map((row) => [String(row['value_tier']), row]));
  const customers = rows.reduce((sum, row) => sum + Number(row['customers']), 0);
  const revenue = rows.reduce((sum, row) => sum + Number(row['revenue']), 0);
  const pareto = rows.reduce((sum, row) => sum + Number(row['pareto']), 0);
  return {
    asOf,
    thresholds: config,
    customers,
    revenue,
    tiers: VALUE_TIERS.map((tier) => {
      const row = byTier.get(tier);
      const n = Number(row?.['customers'] ?? 0);
      const tierRevenue = Number(row?.['revenue'] ?? 0);
      return {
        tier,
        customers: n,
        customerShare: customers > 0 ? n / customers : 0,
        revenue: tierRevenue,
        revenueShare: revenue > 0 ? tierRevenue / revenue : null,
      };
    }),
    paretoShare: customers > 0 ? pareto / customers : null,
  };
}
