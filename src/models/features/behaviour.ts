import { DAY_MS, nameIn } from '../../analytics/orders.js';
import type { Engine } from '../../engines/engine.js';
import { int, join, type Sql, sql, str, trusted, ts } from '../../engines/sql.js';

/**
 * Per-user behavioural features as of a time `at`, read from the events alone so they can be computed at any past
 * cutoff without leaking what happened after it (profile traits hold only their latest value). The churn model
 * reads them at two cutoffs; clustering at one.
 */
export interface BehaviourOptions {
  readonly at: Date;
  /** Events that count as orders; their `revenue` (column, else property) is the order's value. */
  readonly orderEvents: readonly string[];
  /** Only users with an event in the last `lookbackDays` before `at` (default: any event at or before `at`). */
  readonly lookbackDays?: number;
  /** Also count each user's events in (at, at + outcomeDays]: the behavioural churn label. */
  readonly outcomeDays?: number;
  /** Count these events over the last 90 days, one feature each (`events_90d:<name>`). */
  readonly eventCounts?: readonly string[];
  /** A survey event and its numeric score property (NPS): the average score, missing when never answered. */
  readonly survey?: { readonly event: string; readonly property: string };
}

/** Feature columns by name; NaN marks a missing value (no order yet, never surveyed). */
export interface BehaviourTable {
  readonly userIds: readonly string[];
  readonly columns: Readonly<Record<string, Float64Array>>;
  /** Events after `at` within the outcome window, when `outcomeDays` was given. */
  readonly futureEvents?: Float64Array;
}

/** What each behavioural feature means, for docs, the API and the drivers table. */
export const BEHAVIOUR_FEATURES: Readonly<Record<string, string>> = {
  recency_days: 'days since the last event of any kind',
  tenure_days: 'days since the first event',
  events_30d: 'events in the last 30 days',
  events_prev_30d: 'events 31–60 days ago',
  activity_trend: '(events_30d − events_prev_30d) / (events_30d + events_prev_30d + 1): falling activity is negative',
  events_90d: 'events in the last 90 days',
  active_days_90d: 'distinct days with an event in the last 90 days',
  orders: 'orders, all time',
  orders_90d: 'orders in the last 90 days',
  revenue: 'order revenue, all time',
  avg_order_value: 'average order revenue (0 without an order)',
  order_recency_days: 'days since the last order (missing without one)',
  survey_score: 'average survey (NPS) score (missing without an answer)',
};

const window = (atMs: number, fromDays: number, toDays: number) =>
  sql`ts > ${ts(new Date(atMs - toDays * DAY_MS))} AND ts <= ${ts(new Date(atMs - fromDays * DAY_MS))}`;

export function behaviourQuery(engine: Engine, workspace: string, options: BehaviourOptions): Sql {
  const d = engine.dialect;
  const atMs = options.at.getTime();
  const at = ts(options.at);
  const seen = sql`ts <= ${at}`;
  const isOrder = sql`(${nameIn(options.orderEvents)} AND ${seen})`;
  const epoch = d.epochMs(sql`ts`);
  const value = sql`coalesce(revenue, ${d.jsonNumber(sql`properties`, ['revenue'])})`;
  const day = sql`floor(${epoch} / 86400000)`;
  const parts: Sql[] = [
    sql`${d.countIf(seen)} AS n_events`,
    sql`${d.aggregateIf('min', epoch, seen)} AS first_ms`,
    sql`${d.aggregateIf('max', epoch, seen)} AS last_ms`,
    sql`${d.countIf(window(atMs, 0, 30))} AS e30`,
    sql`${d.countIf(window(atMs, 30, 60))} AS e_prev30`,
    sql`${d.countIf(window(atMs, 0, 90))} AS e90`,
    sql`${d.aggregateIf('count_distinct', day, window(atMs, 0, 90))} AS active_days_90`,
    sql`${d.countIf(isOrder)} AS orders`,
    sql`${d.countIf(sql`${isOrder} AND ${window(atMs, 0, 90)}`)} AS orders_90d`,
    sql`${d.aggregateIf('sum', value, isOrder)} AS revenue`,
    sql`${d.aggregateIf('max', epoch, isOrder)} AS last_order_ms`,
  ];
  const survey = options.survey;
  if (survey) {
    const isSurvey = sql`name = ${str(survey.event)} AND ${seen}`;
    const score = d.jsonNumber(sql`properties`, [survey.property]);
    parts.push(sql`${d.countIf(sql`${isSurvey} AND ${score} IS NOT NULL`)} AS survey_n`);
    parts.push(sql`${d.aggregateIf('sum', score, isSurvey)} AS survey_sum`);
  }
  (options.eventCounts ?? []).forEach((event, i) => {
    parts.push(sql`${d.countIf(sql`name = ${str(event)} AND ${window(atMs, 0, 90)}`)} AS ${trusted(`ec${i}`)}`);
  });
  const end = options.outcomeDays === undefined ? at : ts(new Date(atMs + options.outcomeDays * DAY_MS));
  if (options.outcomeDays !== undefined) parts.push(sql`${d.countIf(sql`ts > ${at}`)} AS future`);
  const active =
    options.lookbackDays === undefined ? d.countIf(seen) : d.countIf(window(atMs, 0, options.lookbackDays));
  return sql`SELECT user_id, ${join(parts)} FROM events
    WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL AND ts <= ${end}
    GROUP BY user_id
    HAVING ${active} > 0
    ORDER BY user_id`;
}

/** Reads the behavioural features of every user active at `options.at`. */
export async function readBehaviour(
  engine: Engine,
  workspace: string,
  options: BehaviourOptions,
): Promise<BehaviourTable> {
  const rows = await engine.query(behaviourQuery(engine, workspace, options));
  const n = rows.length;
  const atMs = options.at.getTime();
  const names = [
    ...Object.keys(BEHAVIOUR_FEATURES).filter((name) => name !== 'survey_score' || options.survey),
    ...(options.eventCounts ?? []).map((event) => `events_90d:${event}`),
  ];
  const columns: Record<string, Float64Array> = Object.fromEntries(names.map((name) => [name, new Float64Array(n)]));
  const futureEvents = options.outcomeDays === undefined ? undefined : new Float64Array(n);
  const set = (name: string, i: number, v: number) => {
    (columns[name] as Float64Array)[i] = v;
  };
  const userIds = rows.map((row, i) => {
    const num = (key: string) => Number(row[key] ?? 0);
    const orders = num('orders');
    const e30 = num('e30');
    const prev = num('e_prev30');
    set('recency_days', i, (atMs - num('last_ms')) / DAY_MS);
    set('tenure_days', i, (atMs - num('first_ms')) / DAY_MS);
    set('events_30d', i, e30);
    set('events_prev_30d', i, prev);
    set('activity_trend', i, (e30 - prev) / (e30 + prev + 1));
    set('events_90d', i, num('e90'));
    set('active_days_90d', i, num('active_days_90'));
    set('orders', i, orders);
    set('orders_90d', i, num('orders_90d'));
    set('revenue', i, num('revenue'));
    set('avg_order_value', i, orders > 0 ? num('revenue') / orders : 0);
    // Aggregates over no rows differ by engine (NULL in DuckDB, 0 in ClickHouse): the order count decides.
    set('order_recency_days', i, orders > 0 ? (atMs - num('last_order_ms')) / DAY_MS : Number.NaN);
    if (options.survey) {
      const answers = num('survey_n');
      set('survey_score', i, answers > 0 ? num('survey_sum') / answers : Number.NaN);
    }
    (options.eventCounts ?? []).forEach((event, j) => {
      set(`events_90d:${event}`, i, num(`ec${j}`));
    });
    if (futureEvents) futureEvents[i] = num('future');
    return String(row['user_id']);
  });
  return { userIds, columns, ...(futureEvents ? { futureEvents } : {}) };
}

/** The most frequent event names of a workspace (orders left out), for the per-event activity features. */
export async function topEvents(
  engine: Engine,
  workspace: string,
  at: Date,
  options: { readonly limit: number; readonly exclude: readonly string[] },
): Promise<string[]> {
  const exclude = options.exclude.length > 0 ? sql`AND NOT ${nameIn(options.exclude)}` : sql``;
  const rows = await engine.query(
    sql`SELECT name, count(*) AS n FROM events
        WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL AND ts <= ${ts(at)} ${exclude}
        GROUP BY name ORDER BY n DESC, name LIMIT ${int(Math.trunc(options.limit))}`,
  );
  return rows.map((row) => String(row['name']));
}

/**
 * The as-of time of a model when none is given: now, or midnight (UTC) after the workspace's last event when the data
 * ends earlier — an imported history or a demo generated for another date would otherwise look as if everyone had
 * left. The count decides whether there is an event: ClickHouse's max over no rows is 0, not NULL.
 */
export async function dataAsOf(engine: Engine, workspace: string, now: Date): Promise<Date> {
  const [row] = await engine.query(
    sql`SELECT count(*) AS n, max(${engine.dialect.epochMs(sql`ts`)}) AS last FROM events
        WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL`,
  );
  if (Number(row?.['n'] ?? 0) === 0) return now;
  const afterLast = (Math.floor(Number(row?.['last']) / DAY_MS) + 1) * DAY_MS;
  return new Date(Math.min(now.getTime(), afterLast));
}
