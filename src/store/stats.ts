import type { Engine } from '../engines/engine.js';
import { sql, str } from '../engines/sql.js';

export interface StoreStats {
  readonly workspace: string;
  readonly profiles: number;
  readonly accounts: number;
  readonly anonymousVisitors: number;
  readonly events: number;
  readonly eventsByName: readonly { readonly name: string; readonly count: number }[];
  readonly firstEvent: Date | null;
  readonly lastEvent: Date | null;
  readonly revenue: number;
}

const count = async (engine: Engine, query: ReturnType<typeof sql>): Promise<number> =>
  Number((await engine.query(query))[0]?.['n'] ?? 0);

/** Counts of what a workspace holds: `strata stats` and `GET /api/stats`. */
export async function getStats(engine: Engine, workspace: string): Promise<StoreStats> {
  const w = str(workspace);
  const byName = await engine.query(
    sql`SELECT name, count(*) AS n FROM events WHERE workspace = ${w} GROUP BY name ORDER BY n DESC, name`,
  );
  const [span] = await engine.query(
    sql`SELECT min(ts) AS first, max(ts) AS last, coalesce(sum(revenue), 0) AS revenue
        FROM events WHERE workspace = ${w}`,
  );
  return {
    workspace,
    profiles: await count(engine, sql`SELECT count(*) AS n FROM profiles WHERE workspace = ${w}`),
    accounts: await count(engine, sql`SELECT count(*) AS n FROM accounts WHERE workspace = ${w}`),
    anonymousVisitors: await count(
      engine,
      sql`SELECT count(*) AS n FROM identities WHERE workspace = ${w} AND user_id IS NULL`,
    ),
    events: byName.reduce((total, row) => total + Number(row['n']), 0),
    eventsByName: byName.map((row) => ({ name: String(row['name']), count: Number(row['n']) })),
    firstEvent: (span?.['first'] as Date | null) ?? null,
    lastEvent: (span?.['last'] as Date | null) ?? null,
    revenue: Number(span?.['revenue'] ?? 0),
  };
}
