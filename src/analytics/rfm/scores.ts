import type { Dialect } from '../../engines/dialect.js';
import type { SegmentDialect } from '../../engines/segment-dialect.js';
import { type Sql, sql } from '../../engines/sql.js';
import { customerOrders, type OrderOptions } from '../orders.js';
import { groupCase, type RfmGroups } from './groups.js';

/**
 * RFM scores: one row per customer (a user with at least one order at or before `asOf`, see `customerOrders`) with
 * `user_id, recency_days, frequency, monetary, r, f, m, segment`.
 *
 * - `recency_days`: whole days from the last order to `asOf`, rounded down (an order one second before `asOf` is 0).
 * - `frequency`: the number of orders; `monetary`: revenue per `OrderOptions.monetary` (net by default).
 * - `r`, `f`, `m`: quintile scores 1–5, 5 best; fewer days since the last order is better.
 *
 * **The tie rule.** Equal values always get the same score, and the score does not depend on row order or on the
 * engine: with n customers, each value's `rank()` (1-based; ties share the lowest rank) in the "worse first" order
 * (recency_days DESC, frequency ASC, monetary ASC) gives `score = floor(5 · (rank − 1) / n) + 1`. Without ties this
 * is the plain quintile of the position; a tie block takes the score of its first position, so a large block (many
 * one-order customers) can leave higher scores empty rather than split equal customers. Monetary is compared rounded
 * to 6 decimals, so sums of the same amounts added in another order (floating-point noise) count as equal.
 *
 * `segment` is the named group of the (r, f) cell (`groups.ts`).
 */
export function rfmScores(
  dialect: Dialect & SegmentDialect,
  workspace: string,
  asOf: Date,
  orders: OrderOptions,
  groups: RfmGroups,
): Sql {
  const score = (rank: Sql) => sql`CAST(floor(5 * (${rank} - 1) / n) + 1 AS BIGINT)`;
  const scored = sql`SELECT user_id, recency_days, frequency, monetary,
      ${score(sql`r_rank`)} AS r, ${score(sql`f_rank`)} AS f, ${score(sql`m_rank`)} AS m
    FROM (
      SELECT user_id, recency_days, orders AS frequency, monetary,
        rank() OVER (ORDER BY recency_days DESC) AS r_rank,
        rank() OVER (ORDER BY orders ASC) AS f_rank,
        rank() OVER (ORDER BY round(monetary, 6) ASC) AS m_rank,
        count(*) OVER () AS n
      FROM (${customerOrders(dialect, workspace, asOf, orders)}) customers
    ) ranked`;
  return sql`SELECT user_id, recency_days, frequency, monetary, r, f, m,
      ${groupCase(groups, sql`r`, sql`f`)} AS segment
    FROM (${scored}) scored`;
}

/** The columns of `rfmScores`, in order. */
export const RFM_COLUMNS = ['user_id', 'recency_days', 'frequency', 'monetary', 'r', 'f', 'm', 'segment'] as const;

/** The quintile score of a 1-based rank among n values (the tie rule above), for tests and explanations. */
export function quintile(rank: number, n: number): number {
  return Math.floor((5 * (rank - 1)) / n) + 1;
}
