import { DAY_MS, nameIn } from '../../analytics/orders.js';
import type { Engine } from '../../engines/engine.js';
import { sql, str, ts } from '../../engines/sql.js';

/**
 * Each customer's purchase history reduced to what BG/NBD and Gamma-Gamma read, in whole UTC days. As in Fader,
 * Hardie & Lee (2005), purchases on the same day are one transaction (their values summed): `repeatDays` is the
 * number of distinct purchase days after the first, `firstDay`/`lastDay` are day numbers since the epoch and
 * `repeatValue` is the value of the repeat days (the first purchase is left out of the spend model, as in the paper).
 */
export interface PurchaseDays {
  readonly userIds: readonly string[];
  readonly repeatDays: Float64Array;
  readonly firstDay: Float64Array;
  readonly lastDay: Float64Array;
  readonly repeatValue: Float64Array;
  /** The last day observed: the day before `asOf` when `asOf` is a midnight (events strictly before `asOf` count). */
  readonly endDay: number;
}

/** The day (since the epoch) of the last instant before `asOf`. */
export const observationEndDay = (asOf: Date) => Math.floor((asOf.getTime() - 1) / DAY_MS);

/** Reads the purchase days of every customer with an order before `asOf`. */
export async function readPurchaseDays(
  engine: Engine,
  workspace: string,
  asOf: Date,
  orderEvents: readonly string[],
): Promise<PurchaseDays> {
  const d = engine.dialect;
  const value = sql`coalesce(revenue, ${d.jsonNumber(sql`properties`, ['revenue'])}, 0)`;
  const rows = await engine.query(
    // Output names differ from the inner columns: ClickHouse aliases are visible across the whole query.
    sql`SELECT user_id, count(*) - 1 AS repeat_days, min(day) AS first_purchase_day, max(day) AS last_purchase_day,
          sum(CASE WHEN day > first_day THEN value ELSE 0 END) AS repeat_value
        FROM (
          SELECT user_id, day, value, min(day) OVER (PARTITION BY user_id) AS first_day
          FROM (
            SELECT user_id, CAST(floor(${d.epochMs(sql`ts`)} / 86400000) AS BIGINT) AS day, sum(${value}) AS value
            FROM events
            WHERE workspace = ${str(workspace)} AND user_id IS NOT NULL AND ts < ${ts(asOf)}
              AND ${nameIn(orderEvents)}
            GROUP BY user_id, day
          ) per_day
        ) ranked
        GROUP BY user_id
        ORDER BY user_id`,
  );
  const n = rows.length;
  const out = {
    userIds: new Array<string>(n),
    repeatDays: new Float64Array(n),
    firstDay: new Float64Array(n),
    lastDay: new Float64Array(n),
    repeatValue: new Float64Array(n),
    endDay: observationEndDay(asOf),
  };
  rows.forEach((row, i) => {
    out.userIds[i] = String(row['user_id']);
    out.repeatDays[i] = Number(row['repeat_days']);
    out.firstDay[i] = Number(row['first_purchase_day']);
    out.lastDay[i] = Number(row['last_purchase_day']);
    out.repeatValue[i] = Number(row['repeat_value'] ?? 0);
  });
  return out;
}
