import type { Engine } from '../../engines/engine.js';
import { int, type Sql, sql, str, ts } from '../../engines/sql.js';
import { DAY_MS } from '../orders.js';
import type { ConversionOptions } from './options.js';
import { count, population, ratio } from './population.js';

export interface ConversionSide {
  /** Users who did `from` up to asOf. */
  readonly started: number;
  /** Of those, users who did `to` at or after their first `from` (within the window when one is given). */
  readonly converted: number;
  /** converted / started; null when nobody started. */
  readonly rate: number | null;
}

export interface Conversion {
  readonly from: string;
  readonly to: string;
  readonly withinDays: number | null;
  readonly members: ConversionSide;
  /** The same for non-members, to compare with. */
  readonly others: ConversionSide;
}

export const DEFAULT_CONVERSION = { from: 'Product Viewed', to: 'Order Completed' } as const;

/**
 * The default conversion (Product Viewed → Order Completed) when the workspace has both events up to asOf, else
 * null: a rate over events the store never received would only say 0%.
 */
export async function defaultConversion(
  engine: Engine,
  workspace: string,
  asOf: Date,
): Promise<ConversionOptions | null> {
  const { from, to } = DEFAULT_CONVERSION;
  const rows = await engine.query(
    sql`SELECT name, count(*) AS n FROM events
        WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL AND ts <= ${ts(asOf)}
          AND name IN (${str(from)}, ${str(to)})
        GROUP BY name`,
  );
  return rows.length === 2 ? { from, to } : null;
}

/**
 * Among users who did `from` up to asOf, the share who did `to` at or after their first `from` — strictly after
 * when `from` and `to` are the same event, so an event does not convert to itself — and, with `withinDays`, no more
 * than that many days after it. Members and non-members (profiles not in the segment) in one query.
 */
export async function conversion(
  engine: Engine,
  workspace: string,
  members: Sql,
  asOf: Date,
  options: ConversionOptions,
): Promise<Conversion> {
  const d = engine.dialect;
  const w = str(workspace);
  const firstFrom = sql`SELECT user_id, min(${d.epochMs(sql`ts`)}) AS first_from FROM events
      WHERE workspace = ${w} AND user_id IS NOT NULL AND name = ${str(options.from)} AND ts <= ${ts(asOf)}
      GROUP BY user_id`;
  const at = d.epochMs(sql`e.ts`);
  const after = options.from === options.to ? sql`${at} > f2.first_from` : sql`${at} >= f2.first_from`;
  const within =
    options.withinDays === undefined ? sql`` : sql` AND ${at} <= f2.first_from + ${int(options.withinDays * DAY_MS)}`;
  const rows = await engine.query(
    sql`SELECT b.member AS member, count(*) AS started,
               sum(CASE WHEN t.user_id IS NULL THEN 0 ELSE 1 END) AS converted
        FROM (${firstFrom}) AS f
        JOIN (${population(workspace, members)}) AS b ON b.user_id = f.user_id
        LEFT JOIN (
          SELECT e.user_id AS user_id FROM events AS e
          JOIN (${firstFrom}) AS f2 ON f2.user_id = e.user_id
          WHERE e.workspace = ${w} AND e.name = ${str(options.to)} AND e.ts <= ${ts(asOf)} AND ${after}${within}
          GROUP BY e.user_id
        ) AS t ON t.user_id = f.user_id
        GROUP BY b.member`,
  );
  const side = (member: number): ConversionSide => {
    const row = rows.find((r) => count(r['member']) === member);
    const started = count(row?.['started']);
    const converted = count(row?.['converted']);
    return { started, converted, rate: ratio(converted, started) };
  };
  return {
    from: options.from,
    to: options.to,
    withinDays: options.withinDays ?? null,
    members: side(1),
    others: side(0),
  };
}
