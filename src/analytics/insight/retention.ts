import type { Engine } from '../../engines/engine.js';
import { int, type Sql, sql, str, ts } from '../../engines/sql.js';
import { DAY_MS } from '../orders.js';
import { count, population, ratio } from './population.js';

export const WEEK_MS = 7 * DAY_MS;

export interface RetentionPoint {
  /** Weeks since the user's first event: week k is [first + 7k days, first + 7(k+1) days). */
  readonly week: number;
  /** Users whose week k had ended by asOf (first event at least 7(k+1) days before it). */
  readonly eligible: number;
  /** Of those, users with an event in week k. */
  readonly retained: number;
  /** retained / eligible; null when nobody is eligible yet. */
  readonly share: number | null;
}

export interface Retention {
  readonly members: readonly RetentionPoint[];
  /** The same curve for non-members, to compare with. */
  readonly others: readonly RetentionPoint[];
}

/**
 * The retention curve by weeks since each user's first event (of any name) up to asOf, weeks 0…`weeks`. Week k
 * counts only users whose week k is complete, so users who arrived recently do not drag the later weeks down
 * (right-censoring); week 0 is 100% by construction. Members and non-members in two queries: activity and cohort.
 */
export async function retention(
  engine: Engine,
  workspace: string,
  members: Sql,
  asOf: Date,
  weeks: number,
): Promise<Retention> {
  const d = engine.dialect;
  const w = str(workspace);
  const asOfMs = int(asOf.getTime());
  const firsts = sql`SELECT user_id, min(${d.epochMs(sql`ts`)}) AS first_at FROM events
      WHERE workspace = ${w} AND user_id IS NOT NULL AND ts <= ${ts(asOf)} GROUP BY user_id`;
  const at = d.epochMs(sql`e.ts`);
  const [active, cohort] = await Promise.all([
    engine.query(
      sql`SELECT b.member AS member, x.week AS week, count(*) AS retained
          FROM (
            SELECT user_id, week, min(first_at) AS first_ms
            FROM (
              SELECT e.user_id AS user_id, f.first_at AS first_at,
                     CAST(floor((${at} - f.first_at) / ${int(WEEK_MS)}) AS BIGINT) AS week
              FROM events AS e JOIN (${firsts}) AS f ON f.user_id = e.user_id
              WHERE e.workspace = ${w} AND e.ts <= ${ts(asOf)} AND ${at} < f.first_at + ${int((weeks + 1) * WEEK_MS)}
            ) AS seen
            GROUP BY user_id, week
          ) AS x
          JOIN (${population(workspace, members)}) AS b ON b.user_id = x.user_id
          WHERE x.first_ms + (x.week + 1) * ${int(WEEK_MS)} <= ${asOfMs}
          GROUP BY b.member, x.week`,
    ),
    engine.query(
      sql`SELECT member, full_weeks, count(*) AS users
          FROM (
            SELECT b.member AS member, CAST(floor((${asOfMs} - f.first_at) / ${int(WEEK_MS)}) AS BIGINT) AS full_weeks
            FROM (${firsts}) AS f JOIN (${population(workspace, members)}) AS b ON b.user_id = f.user_id
          ) AS c
          GROUP BY member, full_weeks`,
    ),
  ]);
  const curve = (member: number): RetentionPoint[] =>
    Array.from({ length: weeks + 1 }, (_, week) => {
      // Week k is complete for users with at least k + 1 full weeks between their first event and asOf.
      const eligible = cohort
        .filter((r) => count(r['member']) === member && count(r['full_weeks']) >= week + 1)
        .reduce((sum, r) => sum + count(r['users']), 0);
      const retained = count(
        active.find((r) => count(r['member']) === member && count(r['week']) === week)?.['retained'],
      );
      return { week, eligible, retained, share: ratio(retained, eligible) };
    });
  return { members: curve(1), others: curve(0) };
}
