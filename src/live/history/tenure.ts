import type { Engine, Row } from '../../engines/engine.js';
import { ident, int, sql, str, ts } from '../../engines/sql.js';
import { getSegment } from '../../segments/store.js';
import { validTime, wholeNumber } from './membership-at.js';

export interface UserTenure {
  readonly user_id: string;
  /** How many times the user entered. */
  readonly entries: number;
  /** entries − 1, at least 0. */
  readonly re_entries: number;
  /** A member at `now` (the rule of `membersAt`). */
  readonly member: boolean;
  readonly first_entered_at: Date;
  /** The time of the user's latest change by `seq`: the one that decides the state at `now`. */
  readonly last_change_at: Date;
  /** The time spent in the segment: the sum of the in-segment intervals, the open one counted up to `now`. */
  readonly total_ms: number;
}

export interface TenureSummary {
  /** Users who ever entered (up to `now`). */
  readonly users: number;
  readonly members_now: number;
  /** The share of those users who entered more than once (0 when there are none). */
  readonly re_entry_rate: number;
  /** Mean and median of `total_ms` over those users (0 when there are none). */
  readonly mean_ms: number;
  readonly median_ms: number;
}

export interface TenureResult {
  readonly segment: { readonly id: string; readonly name: string };
  readonly now: Date;
  /** Users matching the `user` filter (all users who ever entered without it), for paging. */
  readonly total: number;
  /** A page of users, longest time in the segment first, then by user id. */
  readonly users: readonly UserTenure[];
  /** Over every user of the segment, whatever the `user` filter and the page. */
  readonly summary: TenureSummary;
}

export const TENURE_LIMIT = 10_000;
/** `at` is a keyword in some SQL dialects (DuckDB's `AT TIME ZONE`): always quoted. */
const AT = ident('at');

/**
 * Time spent in a segment and re-entries per user, from the change log up to `now`, computed in SQL.
 *
 * Changes with `at <= now` are read in `seq` order per user; each `entered` is paired with the user's next change
 * (by `seq`) and the interval runs from the entered's `at` to that change's `at` (to `now` when there is none).
 * Intervals are clamped at 0: a refresh run with an `asOf` in the past can write an exit whose `at` precedes the
 * entry it closes.
 */
export async function segmentTenure(
  engine: Engine,
  workspace: string,
  idOrName: string,
  options: { now: Date; user?: string; limit?: number; offset?: number },
): Promise<TenureResult> {
  const now = validTime(options.now, 'now');
  const limit = wholeNumber(options.limit, 'limit', 100, 0, TENURE_LIMIT);
  const offset = wholeNumber(options.offset, 'offset', 0, 0, 1_000_000_000);
  const segment = await getSegment(engine, workspace, idOrName);
  const d = engine.dialect;
  const end = sql`coalesce(next_at, ${ts(now)})`;
  // The next change's time: an aggregate over a one-row frame, not `lead` (which ClickHouse lacks). It must be NULL
  // after the last change, and a plain `min` over an empty frame gives 1970 on ClickHouse: `aggregateIf` keeps SQL's
  // NULL there.
  const nextAt = sql`${d.aggregateIf('min', AT, sql`true`)}
                     OVER (PARTITION BY user_id ORDER BY seq ROWS BETWEEN 1 FOLLOWING AND 1 FOLLOWING)`;
  const perUser = sql`
    WITH log AS (
      SELECT user_id, change, ${AT},
             ${nextAt} AS next_at,
             row_number() OVER (PARTITION BY user_id ORDER BY seq DESC) AS latest
      FROM segment_changes
      WHERE workspace = ${str(workspace)} AND segment_id = ${str(segment.id)} AND ${AT} <= ${ts(now)}),
    per_user AS (
      SELECT user_id,
             sum(CASE WHEN change = 'entered' THEN 1 ELSE 0 END) AS entries,
             max(CASE WHEN latest = 1 AND change = 'entered' THEN 1 ELSE 0 END) AS member,
             min(CASE WHEN change = 'entered' THEN ${AT} END) AS first_entered_at,
             max(CASE WHEN latest = 1 THEN ${AT} END) AS last_change_at,
             sum(CASE WHEN change = 'entered' THEN greatest(0, ${d.epochMs(end)} - ${d.epochMs(AT)}) ELSE 0 END)
               AS total_ms
      FROM log GROUP BY user_id)`;
  const only = options.user !== undefined ? sql` AND user_id = ${str(options.user)}` : sql``;
  const rows = await engine.query(
    sql`${perUser} SELECT * FROM per_user WHERE entries > 0${only}
        ORDER BY total_ms DESC, user_id LIMIT ${int(limit)} OFFSET ${int(offset)}`,
  );
  const [counted] = await engine.query(sql`${perUser} SELECT count(*) AS n FROM per_user WHERE entries > 0${only}`);
  // The median as the mean of the middle one or two values, spelled out: ClickHouse's `median` samples beyond 8192
  // values, so it would differ from DuckDB's exact one on large segments. The mean goes through `aggregateIf`, as a
  // plain `avg` over no rows is NaN on ClickHouse, not NULL.
  const [summary] = await engine.query(
    sql`${perUser}, ranked AS (
          SELECT member, entries, total_ms, row_number() OVER (ORDER BY total_ms) AS r, count(*) OVER () AS n
          FROM per_user WHERE entries > 0)
        SELECT count(*) AS users, sum(member) AS members_now,
               sum(CASE WHEN entries > 1 THEN 1 ELSE 0 END) AS re_entered,
               ${d.aggregateIf('avg', sql`total_ms`, sql`true`)} AS mean_ms,
               avg(CASE WHEN r IN (floor((n + 1) / 2), ceil((n + 1) / 2)) THEN total_ms END) AS median_ms
        FROM ranked`,
  );
  const users = Number(summary?.['users'] ?? 0);
  return {
    segment: { id: segment.id, name: segment.name },
    now,
    total: Number(counted?.['n'] ?? 0),
    users: rows.map(toTenure),
    summary: {
      users,
      members_now: Number(summary?.['members_now'] ?? 0),
      re_entry_rate: users === 0 ? 0 : Number(summary?.['re_entered'] ?? 0) / users,
      mean_ms: Number(summary?.['mean_ms'] ?? 0),
      median_ms: Number(summary?.['median_ms'] ?? 0),
    },
  };
}

function toTenure(row: Row): UserTenure {
  const entries = Number(row['entries']);
  return {
    user_id: String(row['user_id']),
    entries,
    re_entries: Math.max(0, entries - 1),
    member: Number(row['member']) === 1,
    first_entered_at: row['first_entered_at'] as Date,
    last_change_at: row['last_change_at'] as Date,
    total_ms: Number(row['total_ms']),
  };
}
