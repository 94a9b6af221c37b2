import type { Engine } from '../../engines/engine.js';
import { int, sql } from '../../engines/sql.js';
import { defaultOrderOptions, type OrderOptions } from '../orders.js';
import { activityAsOf } from './activity-as-of.js';
import { LIFECYCLE_STAGES, type LifecycleStage, lifecycleFacts, stageCase } from './stages.js';
import { type LifecycleConfig, type LifecycleThresholds, lifecycleThresholds } from './thresholds.js';

export interface LifecycleOptions {
  /** Default: midnight (UTC) after the latest event or sign-up (`activityAsOf`). */
  readonly asOf?: Date;
  readonly orders?: OrderOptions;
  /** Configured thresholds (workspace settings); the others are derived. */
  readonly config?: LifecycleConfig;
}

export interface LifecycleSummary {
  /** Null when the workspace has no users yet. */
  readonly asOf: Date | null;
  readonly users: number;
  /** Every stage, in `LIFECYCLE_STAGES` order, empty ones too. */
  readonly stages: readonly { readonly stage: LifecycleStage; readonly users: number; readonly share: number }[];
  readonly thresholds: LifecycleThresholds;
}

/** One user's stage and the facts the rules read (see `lifecycleFacts`). */
export interface LifecycleUserRow {
  readonly user_id: string;
  readonly lifecycle_stage: LifecycleStage;
  readonly purchase_days: number;
  readonly days_since_order: number | null;
  readonly days_since_event: number | null;
  readonly seen_days: number | null;
}

export interface LifecycleUsersPage {
  readonly asOf: Date | null;
  readonly users: number;
  readonly thresholds: LifecycleThresholds;
  readonly rows: readonly LifecycleUserRow[];
}

async function prepare(engine: Engine, workspace: string, options: LifecycleOptions) {
  const orders = options.orders ?? defaultOrderOptions;
  const asOf = options.asOf ?? (await activityAsOf(engine, workspace));
  const thresholds = await lifecycleThresholds(engine, workspace, asOf, orders, options.config ?? {});
  const staged =
    asOf === null
      ? null
      : sql`SELECT *, ${stageCase(thresholds)} AS lifecycle_stage
          FROM (${lifecycleFacts(engine.dialect, workspace, asOf, orders)}) facts`;
  return { asOf, thresholds, staged };
}

/** How many users are in each lifecycle stage, and the thresholds used. */
export async function lifecycleSummary(
  engine: Engine,
  workspace: string,
  options: LifecycleOptions = {},
): Promise<LifecycleSummary> {
  const { asOf, thresholds, staged } = await prepare(engine, workspace, options);
  const rows = staged
    ? await engine.query(sql`SELECT lifecycle_stage, count(*) AS users FROM (${staged}) s GROUP BY lifecycle_stage`)
    : [];
  const counts = new Map(rows.map((row) => [String(row['lifecycle_stage']), Number(row['users'])]));
  const users = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return {
    asOf,
    users,
    stages: LIFECYCLE_STAGES.map((stage) => {
      const n = counts.get(stage) ?? 0;
      return { stage, users: n, share: users > 0 ? n / users : 0 };
    }),
    thresholds,
  };
}

const nullable = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** A page of users with their stage and facts, ordered by user id. */
export async function lifecycleUsers(
  engine: Engine,
  workspace: string,
  options: LifecycleOptions & { readonly limit?: number; readonly offset?: number } = {},
): Promise<LifecycleUsersPage> {
  const { asOf, thresholds, staged } = await prepare(engine, workspace, options);
  if (staged === null) return { asOf, users: 0, thresholds, rows: [] };
  const [total] = await engine.query(sql`SELECT count(*) AS n FROM (${staged}) s`);
  const rows = await engine.query(
    sql`SELECT user_id, lifecycle_stage, purchase_days, days_since_order, days_since_event, seen_days
        FROM (${staged}) s ORDER BY user_id LIMIT ${int(options.limit ?? 100)} OFFSET ${int(options.offset ?? 0)}`,
  );
  return {
    asOf,
    users: Number(total?.['n'] ?? 0),
    thresholds,
    rows: rows.map((row) => ({
      user_id: String(row['user_id']),
      lifecycle_stage: row['lifecycle_stage'] as LifecycleStage,
      purchase_days: Number(row['purchase_days']),
      days_since_order: nullable(row['days_since_order']),
      days_since_event: nullable(row['days_since_event']),
      seen_days: nullable(row['seen_days']),
    })),
  };
}
