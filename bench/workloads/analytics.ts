import { join } from 'node:path';
import { conversion, defaultConversion } from '../../src/analytics/insight/conversion.js';
import { distinguishing } from '../../src/analytics/insight/distinguishing.js';
import { headline } from '../../src/analytics/insight/headline.js';
import { insightForMembers, type SegmentInsight } from '../../src/analytics/insight/index.js';
import { retention } from '../../src/analytics/insight/retention.js';
import { saas } from '../../src/analytics/insight/saas.js';
import { type LifecycleSummary, lifecycleSummary } from '../../src/analytics/lifecycle/summary.js';
import { defaultOrderOptions } from '../../src/analytics/orders.js';
import { defaultRfmGroups } from '../../src/analytics/rfm/groups.js';
import { type RfmSummary, rfmSummary } from '../../src/analytics/rfm/report.js';
import { rfmScores } from '../../src/analytics/rfm/scores.js';
import { refreshComputedTraits } from '../../src/analytics/traits/refresh.js';
import { type ValueTierSummary, valueTierSummary, valueTiers } from '../../src/analytics/value-tiers.js';
import type { Engine, Row } from '../../src/engines/engine.js';
import { openEngine } from '../../src/engines/open.js';
import { type Sql, sql, trusted } from '../../src/engines/sql.js';
import type { Rule } from '../../src/segments/definition.js';
import { lower } from '../../src/segments/ir/lower.js';
import { compileMembers } from '../../src/segments/sql/compile.js';
import { type Measurement, time, type Workload } from '../harness.js';
import { generateAnalyticsData } from './analytics-data.js';
import { BENCH_AS_OF } from './segment-data.js';

/*
 * The hand-written baselines: DuckDB SQL as an analyst who knows this store would write it (the revenue column is
 * set on every order, the member rule is `plan = 'pro'`, the trait keys are known), all as of BENCH_AS_OF.
 */
const T = `TIMESTAMP '2026-01-01 00:00:00'`;
const T_MS = `epoch_ms(${T})`;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const inWorkspace = (alias = '') =>
  `${alias}workspace = 'default' AND ${alias}user_id IS NOT NULL AND ${alias}ts <= ${T}`;
const IN_WORKSPACE = inWorkspace();
const ORDER = `name = 'Order Completed'`;

const customersCte = `customers AS (
  SELECT user_id, count(*) FILTER (WHERE ${ORDER}) AS frequency, coalesce(sum(revenue), 0) AS monetary,
    (${T_MS} - epoch_ms(max(ts) FILTER (WHERE ${ORDER}))) // ${DAY_MS} AS recency_days
  FROM events WHERE ${IN_WORKSPACE} AND name IN ('Order Completed', 'Order Refunded')
  GROUP BY user_id HAVING count(*) FILTER (WHERE ${ORDER}) > 0)`;

const quintile = (order: string) =>
  `CAST(floor(5 * (rank() OVER (ORDER BY ${order}) - 1) / count(*) OVER ()) + 1 AS BIGINT)`;

/** The documented rule (docs/analytics.md): rank-based quintiles, ties share a score, the default R×F map. */
const rfmCtes = `${customersCte},
scored AS (
  SELECT user_id, recency_days, frequency, monetary,
    ${quintile('recency_days DESC')} AS r, ${quintile('frequency')} AS f, ${quintile('round(monetary, 6)')} AS m
  FROM customers),
rfm AS (
  SELECT *, CASE
      WHEN r = 5 AND f >= 4 THEN 'Champions'
      WHEN r IN (3, 4) AND f >= 4 THEN 'Loyal Customers'
      WHEN r >= 4 AND f IN (2, 3) THEN 'Potential Loyalists'
      WHEN r = 5 AND f = 1 THEN 'New Customers'
      WHEN r = 4 AND f = 1 THEN 'Promising'
      WHEN r = 3 AND f = 3 THEN 'Need Attention'
      WHEN r = 3 THEN 'About To Sleep'
      WHEN f = 5 THEN 'Can''t Lose Them'
      WHEN f >= 3 THEN 'At Risk'
      ELSE 'Hibernating' END AS segment
  FROM scored)`;

const rfmBaseline = `WITH ${rfmCtes} SELECT * FROM rfm`;

const rfmSummaryBaseline = `WITH ${rfmCtes}
SELECT segment, r, f, count(*) AS customers, sum(monetary) AS revenue, avg(recency_days) AS recency,
  avg(frequency) AS frequency
FROM rfm GROUP BY GROUPING SETS ((segment), (r, f))`;

const lifecycleCtes = `order_days AS (
  SELECT user_id, ts::DATE AS day, max(ts) AS last_at FROM events
  WHERE ${IN_WORKSPACE} AND ${ORDER} GROUP BY user_id, ts::DATE),
numbered AS (
  SELECT user_id, day, last_at, row_number() OVER (PARTITION BY user_id ORDER BY day DESC) AS day_no,
    day - lag(day) OVER (PARTITION BY user_id ORDER BY day) AS gap
  FROM order_days),
quantiles AS (SELECT quantile_cont(gap, 0.75) AS p75, quantile_cont(gap, 0.9) AS p90 FROM numbered WHERE gap IS NOT NULL),
derived AS (SELECT greatest(1, ceil(p75))::BIGINT AS active_days, ceil(p90)::BIGINT AS p90_days FROM quantiles),
thresholds AS (
  SELECT least(active_days, 30) AS new_days, active_days, greatest(p90_days, active_days + 1) AS at_risk_days,
    2 * greatest(p90_days, active_days + 1) AS dormant_days
  FROM derived),
purchases AS (
  SELECT user_id, count(*) AS purchase_days, max(last_at) AS last_order,
    max(day) - max(day) FILTER (WHERE day_no = 2) AS last_gap
  FROM numbered GROUP BY user_id),
activity AS (SELECT user_id, min(ts) AS first_event, max(ts) AS last_event FROM events WHERE ${IN_WORKSPACE} GROUP BY user_id),
facts AS (
  SELECT p.user_id,
    CASE WHEN a.first_event IS NOT NULL AND (p.first_seen IS NULL OR a.first_event < p.first_seen)
      THEN a.first_event ELSE p.first_seen END AS seen,
    coalesce(o.purchase_days, 0) AS purchase_days,
    (${T_MS} - epoch_ms(o.last_order)) // ${DAY_MS} AS since_order,
    (${T_MS} - epoch_ms(a.last_event)) // ${DAY_MS} AS since_event,
    o.last_gap
  FROM profiles p LEFT JOIN purchases o ON o.user_id = p.user_id LEFT JOIN activity a ON a.user_id = p.user_id
  WHERE p.workspace = 'default'),
stages AS (
  SELECT user_id, new_days, active_days, at_risk_days, dormant_days, CASE
      WHEN (${T_MS} - epoch_ms(seen)) // ${DAY_MS} <= new_days AND purchase_days = 0 THEN 'new'
      WHEN purchase_days >= 2 AND since_order <= active_days AND last_gap > at_risk_days THEN 'reactivated'
      WHEN purchase_days = 1 AND since_order <= active_days THEN 'first_time_buyer'
      WHEN purchase_days >= 2 AND since_order <= active_days THEN 'repeat_buyer'
      WHEN since_event <= active_days THEN 'active'
      WHEN purchase_days >= 1 AND since_order <= at_risk_days THEN 'at_risk'
      WHEN since_event <= dormant_days THEN 'dormant'
      ELSE 'churned' END AS stage
  FROM facts, thresholds
  WHERE seen IS NULL OR seen <= ${T})`;

const lifecycleBaseline = `WITH ${lifecycleCtes}
SELECT stage, new_days, active_days, at_risk_days, dormant_days, count(*) AS users
FROM stages GROUP BY ALL`;

/**
 * Ties in monetary are ordered by user id, as documented; amounts are compared rounded to 6 decimals (as RFM does), so
 * equal amounts summed in another order by a parallel aggregate still count as equal.
 */
const tierCtes = `shares AS (
  SELECT user_id, monetary,
    coalesce(sum(greatest(monetary, 0)) OVER (ORDER BY round(monetary, 6) DESC, user_id
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) / nullif(sum(greatest(monetary, 0)) OVER (), 0) AS share
  FROM customers),
tiers AS (
  SELECT user_id, monetary, share, CASE WHEN monetary <= 0 OR share IS NULL THEN 'C' WHEN share < 0.8 THEN 'A'
      WHEN share < 0.95 THEN 'B' ELSE 'C' END AS tier
  FROM shares)`;

const valueTierCtes = `${customersCte}, ${tierCtes}`;

const valueTierBaseline = `WITH ${valueTierCtes}
SELECT tier, count(*) AS customers, sum(monetary) AS revenue,
  count(*) FILTER (WHERE monetary > 0 AND share < 0.8) AS pareto
FROM tiers GROUP BY tier`;

const journeyBaseline = `SELECT p.user_id, CASE
    WHEN e.orders >= 2 OR e.changed >= 1 THEN 'retention'
    WHEN e.orders >= 1 OR e.started >= 1 THEN 'decision'
    WHEN e.considered >= 1 THEN 'consideration'
    WHEN e.aware >= 1 THEN 'awareness' END AS stage
  FROM profiles p LEFT JOIN (
    SELECT user_id, count(*) AS events, count(*) FILTER (WHERE ${ORDER}) AS orders,
      count(*) FILTER (WHERE name = 'Subscription Changed') AS changed,
      count(*) FILTER (WHERE name = 'Subscription Started') AS started,
      count(*) FILTER (WHERE name IN ('Product Viewed', 'Product Added', 'Products Searched', 'Checkout Started',
        'Cart Viewed')) AS considered,
      count(*) FILTER (WHERE name IN ('Page Viewed', 'Screen Viewed', 'Session Started', 'Signed Up', 'Sign Up')) AS aware
    FROM events WHERE ${IN_WORKSPACE} GROUP BY user_id) e ON e.user_id = p.user_id
  WHERE p.workspace = 'default' AND (p.first_seen IS NULL OR p.first_seen <= ${T} OR e.events > 0)`;

const TRAITS = ['rfm_segment', 'r_score', 'f_score', 'm_score', 'lifecycle_stage', 'journey_stage', 'value_tier'];

/** Every computed trait of every profile, by hand: the queries above joined to the profiles. */
const computedBaseline = `WITH ${rfmCtes}, ${lifecycleCtes}, ${tierCtes},
journey AS (${journeyBaseline})
SELECT p.user_id, rfm.segment AS rfm_segment, rfm.r AS r_score, rfm.f AS f_score, rfm.m AS m_score,
  stages.stage AS lifecycle_stage, journey.stage AS journey_stage, tiers.tier AS value_tier
FROM profiles p
  LEFT JOIN rfm ON rfm.user_id = p.user_id
  LEFT JOIN stages ON stages.user_id = p.user_id
  LEFT JOIN journey ON journey.user_id = p.user_id
  LEFT JOIN tiers ON tiers.user_id = p.user_id
WHERE p.workspace = 'default'`;

/** The segment of the insight measurement: a quarter of the users. */
const proRule: Rule = { type: 'trait', trait: 'plan', op: '=', value: 'pro' };
const MEMBER = `CASE WHEN json_extract_string(traits, '$.plan') = 'pro' THEN 1 ELSE 0 END`;
const populationCte = `pop AS (SELECT user_id, ${MEMBER} AS member FROM profiles WHERE workspace = 'default')`;

const insightBaselines = {
  headline: `WITH ${populationCte}, customers AS (
      SELECT user_id, count(*) FILTER (WHERE ${ORDER}) AS orders, coalesce(sum(revenue), 0) AS monetary
      FROM events WHERE ${IN_WORKSPACE} AND name IN ('Order Completed', 'Order Refunded')
      GROUP BY user_id HAVING count(*) FILTER (WHERE ${ORDER}) > 0)
    SELECT count(*) AS users, sum(member) AS size, count(c.user_id) FILTER (WHERE member = 1) AS buyers,
      coalesce(sum(c.monetary), 0) AS total_revenue, coalesce(sum(c.monetary) FILTER (WHERE member = 1), 0) AS revenue,
      coalesce(sum(c.orders) FILTER (WHERE member = 1), 0) AS orders
    FROM pop p LEFT JOIN customers c ON c.user_id = p.user_id`,
  traitValues: `WITH pop AS (
      SELECT ${MEMBER} AS member, json_extract_string(traits, '$.plan') AS plan,
        json_extract_string(traits, '$.country') AS country, json_extract_string(traits, '$.vip') AS vip
      FROM profiles WHERE workspace = 'default')
    SELECT key, value, sum(member) AS count_in, count(*) AS count_all
    FROM (UNPIVOT pop ON plan, country, vip INTO NAME key VALUE value) u GROUP BY key, value`,
  numericTraits: `SELECT member, count(age) AS n, avg(age) AS mean
    FROM (SELECT ${MEMBER} AS member, TRY_CAST(json_extract_string(traits, '$.age') AS DOUBLE) AS age
          FROM profiles WHERE workspace = 'default') t
    GROUP BY member`,
  events: `WITH ${populationCte}
    SELECT e.name, count(DISTINCT e.user_id) FILTER (WHERE p.member = 1) AS count_in,
      count(DISTINCT e.user_id) AS count_all
    FROM events e JOIN pop p ON p.user_id = e.user_id
    WHERE ${inWorkspace('e.')} AND e.ts > ${T} - INTERVAL 90 DAY
    GROUP BY e.name`,
  conversion: `WITH ${populationCte},
    f AS (SELECT user_id, min(ts) AS first_from FROM events WHERE ${IN_WORKSPACE} AND name = 'Product Viewed' GROUP BY user_id),
    t AS (SELECT user_id, max(ts) AS last_to FROM events WHERE ${IN_WORKSPACE} AND ${ORDER} GROUP BY user_id)
    SELECT p.member, count(*) AS started, count(*) FILTER (WHERE t.last_to >= f.first_from) AS converted
    FROM f JOIN pop p ON p.user_id = f.user_id LEFT JOIN t ON t.user_id = f.user_id
    GROUP BY p.member`,
  retention: `WITH ${populationCte},
    f AS (SELECT user_id, min(ts) AS first_at FROM events WHERE ${IN_WORKSPACE} GROUP BY user_id),
    pf AS (
      SELECT f.user_id, f.first_at, p.member, (${T_MS} - epoch_ms(f.first_at)) // ${WEEK_MS} AS full_weeks
      FROM f JOIN pop p ON p.user_id = f.user_id),
    active AS (
      SELECT DISTINCT e.user_id, (epoch_ms(e.ts) - epoch_ms(pf.first_at)) // ${WEEK_MS} AS week
      FROM events e JOIN pf ON pf.user_id = e.user_id
      WHERE ${inWorkspace('e.')} AND e.ts < pf.first_at + INTERVAL 91 DAY),
    cohort AS (SELECT member, full_weeks, count(*) AS users FROM pf GROUP BY ALL)
    SELECT 'retained' AS what, pf.member, a.week, count(*) AS n
    FROM active a JOIN pf ON pf.user_id = a.user_id WHERE pf.full_weeks >= a.week + 1 GROUP BY ALL
    UNION ALL
    SELECT 'eligible' AS what, member, w.week, sum(users) AS n
    FROM cohort, range(0, 13) w(week) WHERE full_weeks >= w.week + 1 GROUP BY ALL`,
  saas: `SELECT count(*) AS n FROM events
    WHERE ${IN_WORKSPACE} AND TRY_CAST(json_extract(properties, '$.mrr') AS DOUBLE) IS NOT NULL`,
} as const;

type InsightPart = keyof typeof insightBaselines;

const fingerprint = (scores: Sql) =>
  sql`SELECT count(*) AS n,
        coalesce(sum(hash(user_id, recency_days, frequency, round(monetary, 2), r, f, m, segment)), 0)::VARCHAR AS h
      FROM (${scores}) AS s`;

async function median(work: () => Promise<unknown>, before?: () => Promise<unknown>, runs = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (before) await before();
    times.push((await time(work)).seconds);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Collects the differences between our answer and the baseline's; `fail` throws them all at once. */
class Differences {
  readonly found: string[] = [];
  constructor(private readonly what: string) {}
  same(label: string, ours: unknown, theirs: unknown): void {
    const equal =
      typeof ours === 'number' && typeof theirs === 'number' ? close(ours, theirs) : String(ours) === String(theirs);
    if (!equal) this.found.push(`${label}: ours ${String(ours)}, hand-written ${String(theirs)}`);
  }
  fail(): void {
    if (this.found.length > 0)
      throw new Error(`${this.what}: not the same answer as the hand-written SQL\n  ${this.found.join('\n  ')}`);
  }
}

const n = (value: unknown) => Number(value ?? 0);
const fmt = (value: number) => value.toLocaleString('en-US');

async function queryAll(engine: Engine, text: string): Promise<Row[]> {
  return engine.query(trusted(text));
}

function checkRfmSummary(ours: RfmSummary, rows: Row[]): void {
  const d = new Differences('RFM summary');
  for (const row of rows) {
    if (row['segment'] !== null) {
      const group = ours.groups.find((g) => g.name === row['segment']);
      d.same(`${row['segment']} customers`, group?.customers, n(row['customers']));
      d.same(`${row['segment']} revenue`, group?.revenue, n(row['revenue']));
      d.same(`${row['segment']} avg recency`, group?.avgRecencyDays, n(row['recency']));
      d.same(`${row['segment']} avg frequency`, group?.avgFrequency, n(row['frequency']));
    } else {
      const [r, f] = [n(row['r']), n(row['f'])];
      d.same(`grid R${r}/F${f}`, ours.grid[r - 1]?.[f - 1], n(row['customers']));
    }
  }
  const cells = rows.filter((row) => row['segment'] === null);
  d.same(
    'customers',
    ours.customers,
    cells.reduce((sum, row) => sum + n(row['customers']), 0),
  );
  d.same('non-empty groups', ours.groups.filter((g) => g.customers > 0).length, rows.length - cells.length);
  d.same('non-empty cells', ours.grid.flat().filter((c) => c > 0).length, cells.length);
  d.fail();
}

type InsightAnswers = Record<InsightPart, Row[]>;

function checkInsight(ours: SegmentInsight, theirs: InsightAnswers): void {
  const d = new Differences('segment insight');
  const [head] = theirs.headline;
  const h = ours.headline;
  d.same('users', h.users, n(head?.['users']));
  d.same('size', h.size, n(head?.['size']));
  d.same('buyers', h.buyers, n(head?.['buyers']));
  d.same('revenue', h.revenue, n(head?.['revenue']));
  d.same('total revenue', h.totalRevenue, n(head?.['total_revenue']));
  d.same('orders', h.orders, n(head?.['orders']));
  d.same('AOV', h.aov, n(head?.['revenue']) / n(head?.['orders']));
  d.same('orders per member', h.ordersPerMember, n(head?.['orders']) / n(head?.['size']));
  const compare = (kind: string, items: SegmentInsight['distinguishing']['traits'], rows: Row[], key: string) => {
    d.same(`${kind} items`, items.length, rows.length);
    for (const row of rows) {
      const label = `${kind} ${row[key]}${row['value'] === undefined ? '' : `=${row['value']}`}`;
      const item = items.find(
        (i) => i.key === row[key] && (row['value'] === undefined || String(i.value) === row['value']),
      );
      d.same(`${label} in`, item?.countIn, n(row['count_in']));
      d.same(`${label} out`, item?.countOut, n(row['count_all']) - n(row['count_in']));
    }
  };
  compare('trait', ours.distinguishing.traits, theirs.traitValues, 'key');
  compare('event', ours.distinguishing.events, theirs.events, 'name');
  const age = ours.distinguishing.numericTraits.find((i) => i.key === 'age');
  for (const row of theirs.numericTraits) {
    const side = n(row['member']) === 1 ? 'in' : 'out';
    d.same(`age n ${side}`, side === 'in' ? age?.countIn : age?.countOut, n(row['n']));
    d.same(`age mean ${side}`, side === 'in' ? age?.meanIn : age?.meanOut, n(row['mean']));
  }
  for (const row of theirs.conversion) {
    const side = n(row['member']) === 1 ? ours.conversion?.members : ours.conversion?.others;
    d.same(`conversion started ${row['member']}`, side?.started, n(row['started']));
    d.same(`conversion converted ${row['member']}`, side?.converted, n(row['converted']));
  }
  for (const row of theirs.retention) {
    const curve = n(row['member']) === 1 ? ours.retention.members : ours.retention.others;
    const point = curve.find((p) => p.week === n(row['week']));
    if (point === undefined) continue; // weeks past 12 are not part of the curve
    d.same(`retention ${row['what']} ${row['member']}/${row['week']}`, point[row['what'] as 'retained'], n(row['n']));
  }
  d.same('saas', ours.saas === null, n(theirs.saas[0]?.['n']) === 0);
  d.fail();
}

function checkLifecycle(ours: LifecycleSummary, rows: Row[]): void {
  const d = new Differences('lifecycle summary');
  const [first] = rows;
  d.same('newDays', ours.thresholds.newDays, n(first?.['new_days']));
  d.same('activeDays', ours.thresholds.activeDays, n(first?.['active_days']));
  d.same('atRiskDays', ours.thresholds.atRiskDays, n(first?.['at_risk_days']));
  d.same('dormantDays', ours.thresholds.dormantDays, n(first?.['dormant_days']));
  for (const stage of ours.stages)
    d.same(stage.stage, stage.users, n(rows.find((row) => row['stage'] === stage.stage)?.['users']));
  d.same(
    'users',
    ours.users,
    rows.reduce((sum, row) => sum + n(row['users']), 0),
  );
  d.fail();
}

function checkValueTiers(ours: ValueTierSummary, rows: Row[]): void {
  const d = new Differences('value-tier summary');
  for (const tier of ours.tiers) {
    const row = rows.find((r) => r['tier'] === tier.tier);
    d.same(`${tier.tier} customers`, tier.customers, n(row?.['customers']));
    d.same(`${tier.tier} revenue`, tier.revenue, n(row?.['revenue']));
  }
  const customers = rows.reduce((sum, row) => sum + n(row['customers']), 0);
  d.same('pareto share', ours.paretoShare, rows.reduce((sum, row) => sum + n(row['pareto']), 0) / customers);
  d.fail();
}

/**
 * Compares the traits our run wrote (kept in `bench_ours`) with the hand-written ones (now in the profiles): every
 * value equal, except value tiers inside a block of equal amounts that straddles a tier boundary, whose order our
 * query leaves to floating-point noise (it orders by the raw sum; see the report). Those must still give the same
 * number of customers per tier. Returns a note saying how many such users there were.
 */
async function checkComputedTraits(engine: Engine, oursHistory: number, theirHistory: number): Promise<string> {
  const tier = (alias: string) => `json_extract_string(${alias}.traits, '$.value_tier')`;
  const differing = TRAITS.map(
    (t) => `count(*) FILTER (WHERE json_extract_string(o.traits, '$.${t}') IS DISTINCT FROM
      json_extract_string(p.traits, '$.${t}')) AS ${t}`,
  );
  const [diff] = await queryAll(
    engine,
    `WITH ${customersCte},
      amounts AS (SELECT o.user_id, round(c.monetary, 2) AS amount, ${tier('o')} AS tier
                  FROM bench_ours o LEFT JOIN customers c ON c.user_id = o.user_id),
      split AS (SELECT amount FROM amounts GROUP BY amount HAVING count(DISTINCT tier) > 1)
    SELECT count(*) AS profiles, ${differing.join(', ')},
      count(*) FILTER (WHERE ${tier('o')} IS DISTINCT FROM ${tier('p')}
        AND a.amount NOT IN (SELECT amount FROM split WHERE amount IS NOT NULL)) AS unexplained_tiers,
      (SELECT count(*) FROM bench_ours WHERE ${tier('bench_ours')} = 'A') AS ours_a,
      (SELECT count(*) FROM profiles WHERE workspace = 'default' AND ${tier('profiles')} = 'A') AS their_a,
      (SELECT count(*) FROM bench_ours WHERE ${tier('bench_ours')} = 'B') AS ours_b,
      (SELECT count(*) FROM profiles WHERE workspace = 'default' AND ${tier('profiles')} = 'B') AS their_b
    FROM bench_ours o JOIN profiles p ON p.user_id = o.user_id JOIN amounts a ON a.user_id = o.user_id`,
  );
  const d = new Differences('computed traits');
  d.same('history rows', oursHistory, theirHistory);
  for (const t of TRAITS.filter((t) => t !== 'value_tier')) d.same(`profiles differing in ${t}`, n(diff?.[t]), 0);
  d.same('value tiers differing outside a tie block at a boundary', n(diff?.['unexplained_tiers']), 0);
  d.same('A customers', n(diff?.['ours_a']), n(diff?.['their_a']));
  d.same('B customers', n(diff?.['ours_b']), n(diff?.['their_b']));
  d.fail();
  return `${fmt(n(diff?.['value_tier']))} value tiers differ only by the order inside tied amounts`;
}

/** Writes the baseline's computed traits like a run does: history rows, then one UPDATE of the profiles. */
async function writeTraitsByHand(engine: Engine): Promise<void> {
  const asJson = TRAITS.map((t) => `to_json(${t}) AS ${t}`).join(', ');
  const patch = TRAITS.map((t) => `'${t}', ${t}`).join(', ');
  const times = TRAITS.map(
    (t) => `'${t}', CASE WHEN ${t} IS NULL THEN NULL ELSE to_json('2026-01-01T00:00:00.000Z') END`,
  );
  await engine.transaction(async (tx) => {
    await tx.run(trusted(`CREATE OR REPLACE TEMP TABLE bench_computed AS ${computedBaseline}`));
    await tx.run(
      trusted(`INSERT INTO trait_changes (workspace, trait, user_id, value_json, "at", run_id)
        SELECT 'default', trait, user_id, value, ${T}, 'bench'
        FROM (UNPIVOT (SELECT user_id, ${asJson} FROM bench_computed) ON ${TRAITS.join(', ')}
              INTO NAME trait VALUE value) u`),
    );
    await tx.run(
      trusted(`UPDATE profiles SET traits = json_merge_patch(profiles.traits, c.patch),
          trait_times = json_merge_patch(profiles.trait_times, c.times), updated_at = ${T}
        FROM (SELECT user_id, json_object(${patch}) AS patch, json_object(${times.join(', ')}) AS times
              FROM bench_computed) c
        WHERE profiles.workspace = 'default' AND profiles.user_id = c.user_id`),
    );
    await tx.run(trusted('DROP TABLE bench_computed'));
  });
}

export const analyticsWorkload: Workload = {
  name: 'analytics',
  description:
    'RFM, insight, lifecycle, value tiers, computed traits on 1M customers / 20M events (--size users) vs hand-written SQL',
  async run({ size = 1_000_000, workdir }) {
    const engine = await openEngine({ db: join(workdir, 'analytics.duckdb') });
    const events = size * 20;
    const generated = await time(() => generateAnalyticsData(engine, size));
    console.error(`generated ${fmt(size)} users, ${fmt(events)} events in ${generated.seconds.toFixed(1)} s`);
    const ws = 'default';
    const asOf = BENCH_AS_OF;
    const orders = defaultOrderOptions;
    const out: Measurement[] = [];
    const record = (name: string, seconds: number, baseline: number, notes: string, rows = events) => {
      out.push({
        name,
        rows,
        seconds,
        baseline: { name: 'hand-written SQL', seconds: baseline },
        notes: `${notes}; ratio ${(seconds / baseline).toFixed(2)}`,
      });
      console.error(`${name}: ${seconds.toFixed(3)} s vs ${baseline.toFixed(3)} s`);
    };

    // 1. RFM scores of every customer.
    const scores = rfmScores(engine.dialect, ws, asOf, orders, defaultRfmGroups);
    const [ours] = await engine.query(fingerprint(scores));
    const [theirs] = await engine.query(fingerprint(trusted(rfmBaseline)));
    if (ours?.['n'] !== theirs?.['n'] || ours?.['h'] !== theirs?.['h'])
      throw new Error(`RFM scores: ${ours?.['n']} customers, hand-written ${theirs?.['n']}: not the same answer`);
    const [ties] = await engine.query(
      sql`SELECT count(DISTINCT frequency) AS f, count(DISTINCT round(monetary, 6)) AS m FROM (${scores}) s`,
    );
    record(
      'RFM scores (fingerprint of every row)',
      await median(() => engine.query(fingerprint(scores))),
      await median(() => engine.query(fingerprint(trusted(rfmBaseline)))),
      `${fmt(n(ours?.['n']))} customers; ${fmt(n(ties?.['f']))} distinct frequencies, ${fmt(n(ties?.['m']))} distinct monetary values`,
    );

    // 2. RFM summary, end to end.
    const summary = await rfmSummary(engine, ws, { asOf });
    checkRfmSummary(summary, await queryAll(engine, rfmSummaryBaseline));
    const champions = summary.groups.find((g) => g.name === 'Champions')?.customers ?? 0;
    record(
      'RFM summary, end to end',
      await median(() => rfmSummary(engine, ws, { asOf })),
      await median(() => queryAll(engine, rfmSummaryBaseline)),
      `${fmt(summary.customers)} customers, ${summary.groups.filter((g) => g.customers > 0).length} non-empty groups, ${fmt(champions)} Champions`,
    );

    // 3. Segment insight for plan = pro, end to end, then its parts.
    const lowered = lower(proRule, { asOf, segment: () => undefined });
    if (!lowered.ok) throw new Error(`insight rule: ${JSON.stringify(lowered.issues)}`);
    const members = compileMembers(lowered.ir, engine.dialect, { workspace: ws });
    const insightInput = { asOf, top: 100 };
    const parts = Object.keys(insightBaselines) as InsightPart[];
    const allBaselines = async (): Promise<InsightAnswers> => {
      const answers: Partial<InsightAnswers> = {};
      for (const part of parts) answers[part] = await queryAll(engine, insightBaselines[part]);
      return answers as InsightAnswers;
    };
    const insight = await insightForMembers(engine, ws, members, insightInput);
    checkInsight(insight, await allBaselines());
    const { size: nIn, users } = insight.headline;
    record(
      'segment insight (plan = pro), end to end',
      await median(() => insightForMembers(engine, ws, members, insightInput)),
      await median(allBaselines),
      `${fmt(nIn)} members of ${fmt(users)}; ${insight.distinguishing.tested} items tested; baseline: headline, trait-value, numeric-trait, event, conversion, retention and mrr-presence queries`,
    );
    // The parts, for the diagnosis: each of our queries beside the baseline queries that give the same numbers.
    const distinguishingOptions = { asOf, top: 100, eventDays: 90, minSupport: 5 };
    const insightParts: { name: string; ours: () => Promise<unknown>; baselines: InsightPart[] }[] = [
      {
        name: 'insight part: headline',
        ours: () => headline(engine, ws, members, asOf, orders),
        baselines: ['headline'],
      },
      {
        name: 'insight part: distinguishing (trait keys, values, numeric, events)',
        ours: () => distinguishing(engine, ws, members, nIn, users - nIn, distinguishingOptions),
        baselines: ['traitValues', 'numericTraits', 'events'],
      },
      {
        name: 'insight part: conversion (with its default check)',
        ours: async () => {
          const on = await defaultConversion(engine, ws, asOf);
          if (on) await conversion(engine, ws, members, asOf, on);
        },
        baselines: ['conversion'],
      },
      {
        name: 'insight part: retention',
        ours: () => retention(engine, ws, members, asOf, 12),
        baselines: ['retention'],
      },
      {
        name: 'insight part: saas (no mrr in the data)',
        ours: () => saas(engine, ws, members, asOf),
        baselines: ['saas'],
      },
    ];
    for (const part of insightParts) {
      record(
        part.name,
        await median(part.ours),
        await median(async () => {
          for (const b of part.baselines) await queryAll(engine, insightBaselines[b]);
        }),
        `${fmt(nIn)} members; answers checked in the end-to-end row`,
      );
    }

    // 4. Lifecycle and value-tier summaries.
    const lifecycle = await lifecycleSummary(engine, ws, { asOf });
    checkLifecycle(lifecycle, await queryAll(engine, lifecycleBaseline));
    const t = lifecycle.thresholds;
    record(
      'lifecycle summary, end to end',
      await median(() => lifecycleSummary(engine, ws, { asOf })),
      await median(() => queryAll(engine, lifecycleBaseline)),
      `${fmt(lifecycle.users)} users, ${lifecycle.stages.filter((s) => s.users > 0).length} non-empty stages; thresholds ${t.newDays}/${t.activeDays}/${t.atRiskDays}/${t.dormantDays} from ${fmt(t.gaps)} gaps`,
    );
    const tiers = await valueTierSummary(engine, ws, { asOf });
    checkValueTiers(tiers, await queryAll(engine, valueTierBaseline));
    // Two runs of the same query on the same data: users whose tier moves are ordered by noise, not by user id.
    const perUser = valueTiers(engine.dialect, ws, asOf, orders);
    await engine.run(sql`CREATE TABLE bench_tiers_1 AS ${perUser}`);
    await engine.run(sql`CREATE TABLE bench_tiers_2 AS ${perUser}`);
    const [moved] = await engine.query(
      sql`SELECT count(*) AS n FROM bench_tiers_1 a JOIN bench_tiers_2 b ON a.user_id = b.user_id
          WHERE a.value_tier <> b.value_tier`,
    );
    await engine.run(sql`DROP TABLE bench_tiers_1`);
    await engine.run(sql`DROP TABLE bench_tiers_2`);
    record(
      'value-tier summary, end to end',
      await median(() => valueTierSummary(engine, ws, { asOf })),
      await median(() => queryAll(engine, valueTierBaseline)),
      `${fmt(tiers.customers)} customers; A ${fmt(tiers.tiers[0]?.customers ?? 0)}, pareto share ${(tiers.paretoShare ?? 0).toFixed(3)}; ${fmt(n(moved?.['n']))} customers change tier between two identical runs`,
    );

    // 5. Computed traits: every run starts from the generated traits, so each one writes every value.
    await engine.run(
      sql`CREATE TABLE bench_original AS SELECT user_id, traits, trait_times FROM profiles WHERE workspace = 'default'`,
    );
    const reset = async () => {
      await engine.run(
        sql`UPDATE profiles SET traits = b.traits, trait_times = b.trait_times
            FROM bench_original b WHERE profiles.workspace = 'default' AND profiles.user_id = b.user_id`,
      );
      await engine.run(sql`DELETE FROM trait_changes`);
    };
    const run = () => refreshComputedTraits(engine, ws, { asOf });
    await reset();
    const result = await run();
    await engine.run(sql`CREATE TABLE bench_ours AS SELECT user_id, traits FROM profiles WHERE workspace = 'default'`);
    const [oursHistory] = await engine.query(sql`SELECT count(*) AS n FROM trait_changes`);
    await reset();
    await writeTraitsByHand(engine);
    const [theirHistory] = await engine.query(sql`SELECT count(*) AS n FROM trait_changes`);
    const tieOrder = await checkComputedTraits(engine, n(oursHistory?.['n']), n(theirHistory?.['n']));
    const seconds = await median(run, reset);
    const baseline = await median(() => writeTraitsByHand(engine), reset);
    // A run right after a run: everything computed again, nothing to write.
    await reset();
    await run();
    const rerun = await median(run);
    record(
      'computed traits run (refreshComputedTraits), all values new',
      seconds,
      baseline,
      `${fmt(n(result.run.stats?.['changedUsers']))} profiles, ${fmt(n(oursHistory?.['n']))} values written with history; baseline: one hand-written query of all 7 traits into a temp table, INSERT trait_changes, UPDATE profiles json_merge_patch; a rerun with nothing to write takes ${rerun.toFixed(3)} s; ${tieOrder}`,
    );
    await engine.close();
    return out;
  },
};
