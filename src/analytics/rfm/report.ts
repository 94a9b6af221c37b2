import type { Engine, Row } from '../../engines/engine.js';
import { int, type Sql, sql, str } from '../../engines/sql.js';
import { defaultAsOf, defaultOrderOptions, type OrderOptions } from '../orders.js';
import { defaultRfmGroups, groupOf, type RfmGroups } from './groups.js';
import { rfmScores } from './scores.js';

/** One customer's RFM row (see `rfmScores`). */
export interface RfmRow {
  readonly user_id: string;
  readonly recency_days: number;
  readonly frequency: number;
  readonly monetary: number;
  readonly r: number;
  readonly f: number;
  readonly m: number;
  readonly segment: string;
}

export interface RfmOptions {
  /** Default: midnight (UTC) after the last order (`defaultAsOf`). */
  readonly asOf?: Date;
  readonly orders?: OrderOptions;
  /** The R×F group mapping (workspace settings); default `defaultRfmGroups`. */
  readonly groups?: RfmGroups;
}

export interface RfmReportOptions extends RfmOptions {
  /** Default 100. */
  readonly limit?: number;
  readonly offset?: number;
}

/**
 * A page of the RFM table. A workspace without orders gives an empty report with `asOf: null` (nothing to score is
 * an answer, not an error); `customers` counts every customer, not just the page.
 */
export interface RfmReport {
  readonly asOf: Date | null;
  readonly customers: number;
  readonly rows: readonly RfmRow[];
}

export interface RfmGroupSummary {
  readonly name: string;
  readonly customers: number;
  readonly customerShare: number;
  readonly revenue: number;
  /** Share of the total revenue; null when the total is not positive (a share of nothing, or of a loss). */
  readonly revenueShare: number | null;
  /** Null for an empty group. */
  readonly avgRecencyDays: number | null;
  readonly avgFrequency: number | null;
  readonly avgMonetary: number | null;
}

export interface RfmSummary {
  readonly asOf: Date | null;
  readonly customers: number;
  readonly revenue: number;
  /** Every configured group, empty ones too, in the mapping's order. */
  readonly groups: readonly RfmGroupSummary[];
  /** `grid[r - 1][f - 1]`: customers with that recency and frequency score. */
  readonly grid: readonly (readonly number[])[];
  /** `gridGroups[r - 1][f - 1]`: the group the cell belongs to (null where the mapping leaves a cell out). */
  readonly gridGroups: readonly (readonly (string | null)[])[];
}

interface Resolved {
  readonly asOf: Date | null;
  readonly scores: Sql | null;
}

async function resolve(engine: Engine, workspace: string, options: RfmOptions): Promise<Resolved> {
  const orders = options.orders ?? defaultOrderOptions;
  const asOf = options.asOf ?? (await defaultAsOf(engine, workspace, orders));
  if (asOf === null) return { asOf: null, scores: null };
  return { asOf, scores: rfmScores(engine.dialect, workspace, asOf, orders, options.groups ?? defaultRfmGroups) };
}

const toRow = (row: Row): RfmRow => ({
  user_id: String(row['user_id']),
  recency_days: Number(row['recency_days']),
  frequency: Number(row['frequency']),
  monetary: Number(row['monetary']),
  r: Number(row['r']),
  f: Number(row['f']),
  m: Number(row['m']),
  segment: String(row['segment']),
});

const count = async (engine: Engine, relation: Sql): Promise<number> => {
  const [row] = await engine.query(sql`SELECT count(*) AS n FROM (${relation}) counted`);
  return Number(row?.['n'] ?? 0);
};

/** A page of customers' RFM rows, ordered by user id. */
export async function rfmReport(engine: Engine, workspace: string, options: RfmReportOptions = {}): Promise<RfmReport> {
  const { asOf, scores } = await resolve(engine, workspace, options);
  if (scores === null) return { asOf, customers: 0, rows: [] };
  const rows = await engine.query(
    sql`SELECT * FROM (${scores}) s ORDER BY user_id LIMIT ${int(options.limit ?? 100)} OFFSET ${int(options.offset ?? 0)}`,
  );
  return { asOf, customers: await count(engine, scores), rows: rows.map(toRow) };
}

/**
 * Every customer's RFM row in pages of `pageSize`, ordered by user id, for exports. Pages continue after the last
 * user id seen (not by offset), and the as-of time is fixed by the first page, so every page scores the same way.
 */
export async function* rfmRows(
  engine: Engine,
  workspace: string,
  options: RfmOptions = {},
  pageSize = 5_000,
): AsyncGenerator<readonly RfmRow[], void, undefined> {
  const { scores } = await resolve(engine, workspace, options);
  if (scores === null) return;
  let after: string | null = null;
  for (;;) {
    const from: Sql = after === null ? sql`` : sql`WHERE user_id > ${str(after)}`;
    const page = (
      await engine.query(sql`SELECT * FROM (${scores}) s ${from} ORDER BY user_id LIMIT ${int(pageSize)}`)
    ).map(toRow);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]?.user_id ?? null;
  }
}

const share = (part: number, total: number) => (total > 0 ? part / total : 0);

/** Customers, revenue and averages per group (every configured group), and the R×F grid of customer counts. */
export async function rfmSummary(engine: Engine, workspace: string, options: RfmOptions = {}): Promise<RfmSummary> {
  const groups = options.groups ?? defaultRfmGroups;
  const { asOf, scores } = await resolve(engine, workspace, options);
  const grid = [1, 2, 3, 4, 5].map(() => [0, 0, 0, 0, 0]);
  const rows = scores
    ? await engine.query(
        sql`SELECT segment, r, f, count(*) AS customers, sum(monetary) AS revenue,
              sum(recency_days) AS recency, sum(frequency) AS frequency
            FROM (${scores}) s GROUP BY segment, r, f`,
      )
    : [];
  const bySegment = new Map<string, { customers: number; revenue: number; recency: number; frequency: number }>();
  for (const row of rows) {
    const customers = Number(row['customers']);
    const cell = grid[Number(row['r']) - 1];
    if (cell) cell[Number(row['f']) - 1] = customers;
    const name = String(row['segment']);
    const totals = bySegment.get(name) ?? { customers: 0, revenue: 0, recency: 0, frequency: 0 };
    totals.customers += customers;
    totals.revenue += Number(row['revenue']);
    totals.recency += Number(row['recency']);
    totals.frequency += Number(row['frequency']);
    bySegment.set(name, totals);
  }
  const customers = [...bySegment.values()].reduce((n, g) => n + g.customers, 0);
  const revenue = [...bySegment.values()].reduce((n, g) => n + g.revenue, 0);
  return {
    asOf,
    customers,
    revenue,
    groups: groups.map((group): RfmGroupSummary => {
      const g = bySegment.get(group.name);
      const n = g?.customers ?? 0;
      const mean = (total: number | undefined) => (n > 0 ? (total ?? 0) / n : null);
      return {
        name: group.name,
        customers: n,
        customerShare: share(n, customers),
        revenue: g?.revenue ?? 0,
        revenueShare: revenue > 0 ? (g?.revenue ?? 0) / revenue : null,
        avgRecencyDays: mean(g?.recency),
        avgFrequency: mean(g?.frequency),
        avgMonetary: mean(g?.revenue),
      };
    }),
    grid,
    gridGroups: [1, 2, 3, 4, 5].map((r) => [1, 2, 3, 4, 5].map((f) => groupOf(groups, r, f))),
  };
}
