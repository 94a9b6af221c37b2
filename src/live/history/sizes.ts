import type { Engine } from '../../engines/engine.js';
import { ident, int, type Sql, sql, str, ts } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import { getSegment } from '../../segments/store.js';
import { segmentSizes as segmentSizesTable } from '../../store/tables.js';
import { validTime } from './membership-at.js';

export const DAY_MS = 86_400_000;
/** The longest range `segmentSizes` answers: ten years of days. */
export const MAX_SIZE_DAYS = 3660;
/** `at` is a keyword in some SQL dialects (DuckDB's `AT TIME ZONE`): always quoted. */
const AT = ident('at');

export interface DaySize {
  /** The UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  /** Members at the end of the day (UTC). */
  readonly size: number;
  /** Changes whose `at` falls on the day. */
  readonly entered: number;
  readonly exited: number;
  /** True when `size` is the recorded daily snapshot (`segment_sizes`), false when derived from the change log. */
  readonly recorded: boolean;
}

export interface RefreshSize {
  readonly at: Date;
  readonly size: number;
  readonly entered: number;
  readonly exited: number;
}

export interface SizeHistory {
  readonly segment: { readonly id: string; readonly name: string };
  /** The first and last day of the range (UTC midnights). */
  readonly from: Date;
  readonly to: Date;
  readonly days: readonly DaySize[];
  /** Every refresh whose evaluation time falls in the range, in time order. */
  readonly refreshes: readonly RefreshSize[];
}

/** The UTC midnight at or before `time`. */
export const utcDay = (time: Date): Date => new Date(Math.floor(time.getTime() / DAY_MS) * DAY_MS);
const dayText = (day: Date) => day.toISOString().slice(0, 10);

/** `floor((t - start) / 1 day)` as a whole number: the day a time falls on, counted from `start`. */
function dayIndex(engine: Engine, time: Sql, start: Date): Sql {
  const ms = engine.dialect.epochMs(time);
  return sql`CAST(floor((${ms} - ${int(start.getTime())}) / ${int(DAY_MS)}) AS BIGINT)`;
}

/**
 * A segment's size for each UTC day from `from` to `to` (both days included), with the day's entries and exits and
 * every refresh in the range.
 *
 * A day's size is the membership at the end of that day by the rule of `membersAt` (changes with `at` before the next
 * midnight; of each user's, the one with the greatest `seq` decides). When `at` grows with `seq` that is the running
 * sum of entered − exited by `at`. It is computed in one pass over the log: each `entered` change is in force from its
 * `at` until the earliest `at` among the user's later changes (by `seq`), so it adds 1 on its day and −1 on the day it
 * stops. Days with a recorded snapshot (`segment_sizes`, see `recordDailySizes`) report the recorded size.
 */
export async function segmentSizes(
  engine: Engine,
  workspace: string,
  idOrName: string,
  options: { from: Date; to: Date },
): Promise<SizeHistory> {
  const from = utcDay(validTime(options.from, 'from'));
  const to = utcDay(validTime(options.to, 'to'));
  if (to.getTime() < from.getTime()) throw new UserError('invalid_range', 'to must not be before from', 'to', 400);
  const count = (to.getTime() - from.getTime()) / DAY_MS + 1;
  if (count > MAX_SIZE_DAYS)
    throw new UserError(
      'range_too_long',
      `from–to spans ${count} days; ask for at most ${MAX_SIZE_DAYS} days at a time`,
      'from',
      400,
    );
  const segment = await getSegment(engine, workspace, idOrName);
  const end = new Date(to.getTime() + DAY_MS);
  const w = str(workspace);
  const id = str(segment.id);

  // NULL for a user's last change: a plain `min` over the empty frame gives 1970 on ClickHouse, `aggregateIf` NULL.
  const untilAt = sql`${engine.dialect.aggregateIf('min', AT, sql`true`)}
                      OVER (PARTITION BY user_id ORDER BY seq ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)`;
  const deltas = await engine.query(
    sql`WITH log AS (
          SELECT change, ${AT}, ${untilAt} AS until_at
          FROM segment_changes WHERE workspace = ${w} AND segment_id = ${id} AND ${AT} < ${ts(end)}),
        spans AS (
          SELECT ${AT} AS t, 1 AS delta FROM log WHERE change = 'entered' AND (until_at IS NULL OR until_at > ${AT})
          UNION ALL
          SELECT until_at AS t, -1 AS delta FROM log WHERE change = 'entered' AND until_at > ${AT})
        SELECT greatest(-1, ${dayIndex(engine, sql`t`, from)}) AS d, sum(delta) AS delta FROM spans GROUP BY 1`,
  );
  const moves = await engine.query(
    sql`SELECT ${dayIndex(engine, AT, from)} AS d,
               sum(CASE WHEN change = 'entered' THEN 1 ELSE 0 END) AS entered,
               sum(CASE WHEN change = 'exited' THEN 1 ELSE 0 END) AS exited
        FROM segment_changes
        WHERE workspace = ${w} AND segment_id = ${id} AND ${AT} >= ${ts(from)} AND ${AT} < ${ts(end)}
        GROUP BY 1`,
  );
  const recorded = await engine.query(
    sql`SELECT ${dayIndex(engine, sql`day`, from)} AS d, size FROM segment_sizes
        WHERE workspace = ${w} AND segment_id = ${id} AND day >= ${ts(from)} AND day < ${ts(end)}`,
  );
  const refreshes = await engine.query(
    sql`SELECT ${AT}, size, entered, exited FROM segment_refreshes
        WHERE workspace = ${w} AND segment_id = ${id} AND ${AT} >= ${ts(from)} AND ${AT} < ${ts(end)}
        ORDER BY ${AT}, recorded_at`,
  );

  const delta = new Map(deltas.map((row) => [Number(row['d']), Number(row['delta'])]));
  const move = new Map(moves.map((row) => [Number(row['d']), row]));
  const snapshot = new Map(recorded.map((row) => [Number(row['d']), Number(row['size'])]));
  let running = delta.get(-1) ?? 0;
  const days: DaySize[] = [];
  for (let i = 0; i < count; i++) {
    running += delta.get(i) ?? 0;
    const recordedSize = snapshot.get(i);
    const moved = move.get(i);
    days.push({
      day: dayText(new Date(from.getTime() + i * DAY_MS)),
      size: recordedSize ?? running,
      entered: Number(moved?.['entered'] ?? 0),
      exited: Number(moved?.['exited'] ?? 0),
      recorded: recordedSize !== undefined,
    });
  }
  return {
    segment: { id: segment.id, name: segment.name },
    from,
    to,
    days,
    refreshes: refreshes.map((row) => ({
      at: row['at'] as Date,
      size: Number(row['size']),
      entered: Number(row['entered']),
      exited: Number(row['exited']),
    })),
  };
}

/**
 * Records the current size (`segment_members`) of every segment of the workspace as its size on `day` (the UTC day
 * containing it) in `segment_sizes`, replacing what that day had: calling it again the same day only refreshes the
 * figures. The live service calls it once a day; it returns how many segments it recorded.
 */
export async function recordDailySizes(engine: Engine, workspace: string, day: Date): Promise<number> {
  const start = ts(utcDay(validTime(day, 'day')));
  const w = str(workspace);
  // One upsert on the day's key: a statement that cannot half-fail, on engines without rollback too.
  return engine.run(
    engine.dialect.upsert(
      segmentSizesTable,
      sql`SELECT ${w}, s.id, ${start}, count(m.user_id), ${ts(new Date())}
          FROM segments AS s
          LEFT JOIN segment_members AS m ON m.workspace = s.workspace AND m.segment_id = s.id
          WHERE s.workspace = ${w}
          GROUP BY s.id`,
    ),
  );
}
