import type { Engine } from '../engines/engine.js';
import { int, type Sql, sql, str, ts } from '../engines/sql.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
export const MAX_ACTIVITY_DAYS = 366;

export interface ActivityDay {
  /** The UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  /** Events that happened on the day (their `timestamp`). */
  readonly events: number;
  /** Events the store received on the day, whenever they happened: the ingestion rate. */
  readonly received: number;
}

export interface Activity {
  readonly from: Date;
  readonly to: Date;
  readonly days: readonly ActivityDay[];
  readonly receivedLastHour: number;
  readonly receivedLast24h: number;
}

/**
 * Events per UTC day over the last `days` days, by event time and by receive time, counted in the engine (a million
 * users' events never leave it). Receive time is the ingestion rate; event time is the activity it describes, and
 * the two differ for imports and late mobile batches.
 */
export async function getActivity(
  engine: Engine,
  workspace: string,
  options: { days: number; now: Date },
): Promise<Activity> {
  const today = Math.floor(options.now.getTime() / DAY_MS) * DAY_MS;
  const from = new Date(today - (options.days - 1) * DAY_MS);
  const d = engine.dialect;
  const w = str(workspace);
  const perDay = async (column: Sql) => {
    const rows = await engine.query(
      sql`SELECT floor(${d.epochMs(column)} / ${int(DAY_MS)}) AS day_number, count(*) AS n
          FROM events WHERE workspace = ${w} AND ${column} >= ${ts(from)} AND ${column} <= ${ts(options.now)}
          GROUP BY day_number`,
    );
    return new Map(rows.map((row) => [Number(row['day_number']), Number(row['n'])]));
  };
  const happened = await perDay(sql`ts`);
  const received = await perDay(sql`received_at`);
  const [recent] = await engine.query(
    sql`SELECT ${d.countIf(sql`received_at > ${ts(new Date(options.now.getTime() - HOUR_MS))}`)} AS last_hour,
               count(*) AS last_day
        FROM events
        WHERE workspace = ${w} AND received_at > ${ts(new Date(options.now.getTime() - DAY_MS))}
          AND received_at <= ${ts(options.now)}`,
  );
  const days: ActivityDay[] = [];
  for (let day = from.getTime(); day <= today; day += DAY_MS) {
    const n = day / DAY_MS;
    days.push({
      day: new Date(day).toISOString().slice(0, 10),
      events: happened.get(n) ?? 0,
      received: received.get(n) ?? 0,
    });
  }
  return {
    from,
    to: options.now,
    days,
    receivedLastHour: Number(recent?.['last_hour'] ?? 0),
    receivedLast24h: Number(recent?.['last_day'] ?? 0),
  };
}
