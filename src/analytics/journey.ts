import { z } from 'zod';
import type { Dialect } from '../engines/dialect.js';
import type { Engine } from '../engines/engine.js';
import type { SegmentDialect } from '../engines/segment-dialect.js';
import { ident, int, join, type Sql, sql, str, ts } from '../engines/sql.js';
import { activityAsOf } from './lifecycle/activity-as-of.js';

/**
 * Journey stages: awareness → consideration → decision → retention. Each stage has a list of entries
 * `{event, minCount}`; a user meets an entry with at least `minCount` (default 1) events of that name up to `asOf`.
 * A user's stage is the furthest stage any of whose entries they meet — the earlier stages are not required, so a
 * customer imported with orders only is at `decision` — and null (reported as `none`) when they meet no entry.
 */

export const JOURNEY_STAGES = ['awareness', 'consideration', 'decision', 'retention'] as const;
export type JourneyStage = (typeof JOURNEY_STAGES)[number];

const entry = z.strictObject({
  event: z.string().min(1).max(200).describe('an event name'),
  minCount: z.int().min(1).max(1_000_000).optional().describe('at least this many such events (default 1)'),
});
export type JourneyEntry = z.infer<typeof entry>;

const on = (...events: string[]): JourneyEntry[] => events.map((event) => ({ event }));
export const defaultJourney = {
  awareness: on('Page Viewed', 'Screen Viewed', 'Session Started', 'Signed Up', 'Sign Up'),
  consideration: on('Product Viewed', 'Product Added', 'Products Searched', 'Checkout Started', 'Cart Viewed'),
  decision: on('Order Completed', 'Subscription Started'),
  retention: [{ event: 'Order Completed', minCount: 2 }, { event: 'Subscription Changed' }],
} satisfies Record<JourneyStage, JourneyEntry[]>;

const stage = (what: string, fallback: JourneyEntry[]) => z.array(entry).max(50).default(fallback).describe(what);

/** The event mapping of each stage (workspace settings); a stage left out keeps its default entries. */
export const journeyConfigSchema = z.strictObject({
  awareness: stage('events of a user who knows the product', defaultJourney.awareness),
  consideration: stage('events of a user weighing a purchase', defaultJourney.consideration),
  decision: stage('events of a user who bought', defaultJourney.decision),
  retention: stage('events of a user who came back', defaultJourney.retention),
});
export type JourneyConfig = z.infer<typeof journeyConfigSchema>;

/**
 * `user_id, journey_stage` for every user with a profile who existed at `asOf` (first seen at or before it, or with
 * events up to it); `journey_stage` is NULL for users who meet no entry. Events are counted in one scan: a
 * conditional count per distinct event name, each name a bound parameter.
 */
export function journeyStages(
  dialect: Dialect & SegmentDialect,
  workspace: string,
  asOf: Date,
  config: JourneyConfig = defaultJourney,
): Sql {
  const names = [...new Set(JOURNEY_STAGES.flatMap((s) => config[s].map((e) => e.event)))];
  const column = (name: string) => ident(`c${names.indexOf(name)}`);
  const counts = names.map((name, i) => sql`${dialect.countIf(sql`name = ${str(name)}`)} AS ${ident(`c${i}`)}`);
  const meets = (s: JourneyStage): Sql => {
    const tests = config[s].map((e) => sql`coalesce(e.${column(e.event)}, 0) >= ${int(e.minCount ?? 1)}`);
    return tests.length === 0 ? sql`false` : sql`(${join(tests, ' OR ')})`;
  };
  const cases = [...JOURNEY_STAGES].reverse().map((s) => sql`WHEN ${meets(s)} THEN ${str(s)}`);
  return sql`SELECT p.user_id AS user_id, (CASE ${join(cases, ' ')} END) AS journey_stage
    FROM profiles p
    LEFT JOIN (
      SELECT user_id, count(*) AS events${join(
        counts.map((c) => sql`, ${c}`),
        '',
      )}
      FROM events
      WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL AND ts <= ${ts(asOf)}
      GROUP BY user_id
    ) e ON e.user_id = p.user_id
    WHERE p.workspace = ${str(workspace)}
      AND (p.first_seen IS NULL OR p.first_seen <= ${ts(asOf)} OR e.events > 0)`;
}

export interface JourneyFunnelStep {
  readonly stage: JourneyStage;
  /** Users whose furthest stage is this one. */
  readonly users: number;
  /** Users at this stage or a later one. */
  readonly reached: number;
  /** `reached` as a share of all users. */
  readonly share: number;
  /** `reached` over the previous stage's `reached` (for awareness: over all users); null when that is 0. */
  readonly conversion: number | null;
}

export interface JourneySummary {
  /** Null when the workspace has no users yet. */
  readonly asOf: Date | null;
  readonly users: number;
  /** Users who meet no entry. */
  readonly none: number;
  readonly funnel: readonly JourneyFunnelStep[];
}

/** The journey funnel: users per furthest stage, users who reached each stage, and conversion between stages. */
export async function journeySummary(
  engine: Engine,
  workspace: string,
  options: { readonly asOf?: Date; readonly config?: JourneyConfig } = {},
): Promise<JourneySummary> {
  const asOf = options.asOf ?? (await activityAsOf(engine, workspace));
  const rows =
    asOf === null
      ? []
      : await engine.query(
          sql`SELECT coalesce(journey_stage, 'none') AS stage, count(*) AS users
              FROM (${journeyStages(engine.dialect, workspace, asOf, options.config ?? defaultJourney)}) j
              GROUP BY coalesce(journey_stage, 'none')`,
        );
  const counts = new Map(rows.map((row) => [String(row['stage']), Number(row['users'])]));
  const users = [...counts.values()].reduce((sum, n) => sum + n, 0);
  let previous = users;
  const funnel = JOURNEY_STAGES.map((s, i): JourneyFunnelStep => {
    const reached = JOURNEY_STAGES.slice(i).reduce((sum, later) => sum + (counts.get(later) ?? 0), 0);
    const step = {
      stage: s,
      users: counts.get(s) ?? 0,
      reached,
      share: users > 0 ? reached / users : 0,
      conversion: previous > 0 ? reached / previous : null,
    };
    previous = reached;
    return step;
  });
  return { asOf, users, none: counts.get('none') ?? 0, funnel };
}
