import type { Dialect } from '../../engines/dialect.js';
import type { SegmentDialect } from '../../engines/segment-dialect.js';
import { int, type Sql, sql, str, ts } from '../../engines/sql.js';
import type { OrderOptions } from '../orders.js';
import { DAY, orderDays } from './order-days.js';
import type { LifecycleThresholds } from './thresholds.js';

/** Every lifecycle stage, in the order reports list them. */
export const LIFECYCLE_STAGES = [
  'new',
  'active',
  'first_time_buyer',
  'repeat_buyer',
  'at_risk',
  'dormant',
  'churned',
  'reactivated',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

type Thresholds = Pick<LifecycleThresholds, 'newDays' | 'activeDays' | 'atRiskDays' | 'dormantDays'>;

/**
 * What the stage rules read, per user with a profile who existed at `asOf` (first seen — the profile's first_seen or
 * an earlier event — at or before it; users first seen later get no row): `user_id`, `seen_days` (whole days since
 * first seen), `purchase_days` (UTC days with an order, 0 without), `days_since_order` (t, whole days since the last
 * order, as RFM's recency), `days_since_event` (a, whole days since the last event of any kind), `last_gap_days`
 * (days between the last two purchase days). Days are rounded down; only events at or before `asOf` count.
 */
export function lifecycleFacts(
  dialect: Dialect & SegmentDialect,
  workspace: string,
  asOf: Date,
  orders: OrderOptions,
): Sql {
  const asOfMs = dialect.epochMs(sql`${ts(asOf)}`);
  // No CAST: ClickHouse cannot cast a NULL (no order, no event) to a non-Nullable BIGINT.
  const daysSince = (ms: Sql) => sql`floor((${asOfMs} - ${ms}) / ${DAY})`;
  const at = dialect.epochMs(sql`ts`);
  const purchases = sql`SELECT user_id, count(*) AS purchase_days, max(last_at) AS last_order, max(day) AS last_day,
      ${dialect.aggregateIf('max', sql`day`, sql`day_no = 2`)} AS previous_day
    FROM (
      SELECT user_id, day, last_at, row_number() OVER (PARTITION BY user_id ORDER BY day DESC) AS day_no
      FROM (${orderDays(dialect, workspace, asOf, orders)}) purchase_days
    ) ranked
    GROUP BY user_id`;
  const activity = sql`SELECT user_id, max(${at}) AS last_event, min(${at}) AS first_event
    FROM events
    WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL AND ts <= ${ts(asOf)}
    GROUP BY user_id`;
  // The earlier of the profile's first_seen and the first event (CASE: least() treats NULL differently per engine).
  const seen = sql`(CASE WHEN e.first_event IS NOT NULL AND (p.first_seen IS NULL OR e.first_event < ${dialect.epochMs(sql`p.first_seen`)})
                    THEN e.first_event ELSE ${dialect.epochMs(sql`p.first_seen`)} END)`;
  return sql`SELECT user_id, seen_days, purchase_days, days_since_order, days_since_event, last_gap_days
    FROM (
      SELECT p.user_id AS user_id, ${seen} AS seen_ms,
        ${daysSince(seen)} AS seen_days,
        coalesce(o.purchase_days, 0) AS purchase_days,
        ${daysSince(sql`o.last_order`)} AS days_since_order,
        ${daysSince(sql`e.last_event`)} AS days_since_event,
        o.last_day - o.previous_day AS last_gap_days
      FROM profiles p
      LEFT JOIN (${purchases}) o ON o.user_id = p.user_id
      LEFT JOIN (${activity}) e ON e.user_id = p.user_id
      WHERE p.workspace = ${str(workspace)}
    ) facts
    WHERE seen_ms IS NULL OR seen_ms <= ${asOfMs}`;
}

/**
 * The stage of each user, the first rule that holds (t = days since the last order, a = days since the last event,
 * n = purchase days; every comparison is inclusive, so t = activeDays is still active):
 *
 * 1. `new`: first seen at most newDays ago, no order;
 * 2. `reactivated`: n ≥ 2, t ≤ activeDays, and the last two purchase days more than atRiskDays apart;
 * 3. `first_time_buyer`: n = 1, t ≤ activeDays;
 * 4. `repeat_buyer`: n ≥ 2, t ≤ activeDays;
 * 5. `active`: a ≤ activeDays (browsing, or a buyer whose last order is older but who is still around);
 * 6. `at_risk`: n ≥ 1, t ≤ atRiskDays;
 * 7. `dormant`: a ≤ dormantDays;
 * 8. `churned`: everyone else (also users with no event at all, first seen long ago).
 */
export function stageCase(thresholds: Thresholds): Sql {
  const { newDays, activeDays, atRiskDays, dormantDays } = thresholds;
  // A fact is NULL when it does not apply (no order, no event): the test is then false, on both engines alike.
  const rule = (test: Sql, name: LifecycleStage) => sql`WHEN coalesce(${test}, false) THEN ${str(name)}`;
  return sql`(CASE
      ${rule(sql`seen_days <= ${int(newDays)} AND purchase_days = 0`, 'new')}
      ${rule(sql`purchase_days >= 2 AND days_since_order <= ${int(activeDays)} AND last_gap_days > ${int(atRiskDays)}`, 'reactivated')}
      ${rule(sql`purchase_days = 1 AND days_since_order <= ${int(activeDays)}`, 'first_time_buyer')}
      ${rule(sql`purchase_days >= 2 AND days_since_order <= ${int(activeDays)}`, 'repeat_buyer')}
      ${rule(sql`days_since_event <= ${int(activeDays)}`, 'active')}
      ${rule(sql`purchase_days >= 1 AND days_since_order <= ${int(atRiskDays)}`, 'at_risk')}
      ${rule(sql`days_since_event <= ${int(dormantDays)}`, 'dormant')}
      ELSE ${str('churned')} END)`;
}

/** `user_id, lifecycle_stage` for every user who existed at `asOf` (see `lifecycleFacts` and `stageCase`). */
export function lifecycleStages(
  dialect: Dialect & SegmentDialect,
  workspace: string,
  asOf: Date,
  orders: OrderOptions,
  thresholds: Thresholds,
): Sql {
  return sql`SELECT user_id, ${stageCase(thresholds)} AS lifecycle_stage
    FROM (${lifecycleFacts(dialect, workspace, asOf, orders)}) facts`;
}
