import type { Engine } from '../../engines/engine.js';
import { type Sql, sql, str, ts } from '../../engines/sql.js';
import { DAY_MS } from '../orders.js';
import { count, population, ratio } from './population.js';

/** Churn is measured over this window: paying then, not paying now. */
export const CHURN_WINDOW_DAYS = 30;

export interface Saas {
  /** Monthly recurring revenue of the members at asOf. */
  readonly mrr: number;
  /** The whole workspace's MRR, and the members' share of it. */
  readonly totalMrr: number;
  readonly mrrShare: number | null;
  /** Members with MRR > 0 at asOf. */
  readonly payingMembers: number;
  /** Average revenue per paying member: mrr / payingMembers. */
  readonly arpu: number | null;
  /** Members with MRR > 0 thirty days before asOf. */
  readonly payingMembersBefore: number;
  /** Of those, members whose MRR is 0 at asOf. */
  readonly churnedMembers: number;
  /** Monthly churn: churnedMembers / payingMembersBefore. */
  readonly churnRate: number | null;
  /** Lifetime value: arpu / churnRate; null with the reason in `ltvNote`. */
  readonly ltv: number | null;
  readonly ltvNote: string | null;
}

/**
 * Each user's MRR at asOf and at `before`: the numeric `mrr` property of their latest event up to that time that has
 * one (the demo's `Subscription Started/Changed/Canceled`; a cancellation carries `mrr: 0`). Ties at the same time
 * are broken by message id, so the answer is the same on every engine. One scan of the events for both times: the
 * second window is partitioned by "at or before `before`".
 */
function mrrNowAndBefore(engine: Engine, workspace: string, asOf: Date, before: Date): Sql {
  const mrr = engine.dialect.jsonNumber(sql`properties`, ['mrr']);
  const early = sql`(ts <= ${ts(before)})`;
  return sql`SELECT user_id,
        max(CASE WHEN rn_now = 1 THEN mrr END) AS mrr_now,
        max(CASE WHEN early AND rn_early = 1 THEN mrr END) AS mrr_before
      FROM (
        SELECT user_id, mrr, ${early} AS early,
          row_number() OVER (PARTITION BY user_id ORDER BY ts DESC, message_id DESC) AS rn_now,
          row_number() OVER (PARTITION BY user_id, ${early} ORDER BY ts DESC, message_id DESC) AS rn_early
        FROM (SELECT user_id, ts, message_id, ${mrr} AS mrr FROM events
              WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL AND ts <= ${ts(asOf)}) AS e
        WHERE mrr IS NOT NULL) AS r
      GROUP BY user_id`;
}

/** Subscription metrics of the members; null when no event up to asOf carries a numeric `mrr`. */
export async function saas(engine: Engine, workspace: string, members: Sql, asOf: Date): Promise<Saas | null> {
  const before = new Date(asOf.getTime() - CHURN_WINDOW_DAYS * DAY_MS);
  const rows = await engine.query(
    sql`SELECT b.member AS member,
               count(m.mrr_now) AS with_mrr,
               sum(CASE WHEN m.mrr_now > 0 THEN m.mrr_now ELSE 0 END) AS mrr,
               sum(CASE WHEN m.mrr_now > 0 THEN 1 ELSE 0 END) AS paying,
               sum(CASE WHEN m.mrr_before > 0 THEN 1 ELSE 0 END) AS paying_before,
               sum(CASE WHEN m.mrr_before > 0 AND NOT (m.mrr_now > 0) THEN 1 ELSE 0 END) AS churned
        FROM (${population(workspace, members)}) AS b
        LEFT JOIN (${mrrNowAndBefore(engine, workspace, asOf, before)}) AS m ON m.user_id = b.user_id
        GROUP BY b.member`,
  );
  if (rows.every((row) => count(row['with_mrr']) === 0)) return null;
  const member = rows.find((row) => count(row['member']) === 1);
  const mrr = count(member?.['mrr']);
  const totalMrr = rows.reduce((sum, row) => sum + count(row['mrr']), 0);
  const payingMembers = count(member?.['paying']);
  const payingMembersBefore = count(member?.['paying_before']);
  const churnedMembers = count(member?.['churned']);
  const arpu = ratio(mrr, payingMembers);
  const churnRate = ratio(churnedMembers, payingMembersBefore);
  let ltv: number | null = null;
  let ltvNote: string | null = null;
  if (arpu === null) ltvNote = 'no member pays at asOf';
  else if (churnRate === null) ltvNote = `no member paid ${CHURN_WINDOW_DAYS} days before asOf, so churn is unknown`;
  else if (churnRate === 0)
    ltvNote = `no paying member stopped paying in the last ${CHURN_WINDOW_DAYS} days: at zero churn the lifetime is unbounded`;
  else ltv = arpu / churnRate;
  return {
    mrr,
    totalMrr,
    mrrShare: ratio(mrr, totalMrr),
    payingMembers,
    arpu,
    payingMembersBefore,
    churnedMembers,
    churnRate,
    ltv,
    ltvNote,
  };
}
