import type { Engine } from '../../engines/engine.js';
import { ident, int, join, type Sql, sql, str, ts } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import { getSegment, listSegments, pickSegment } from '../../segments/store.js';
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

export interface SegmentSizeSeries {
  readonly segment: { readonly id: string; readonly name: string };
  readonly days: readonly DaySize[];
  /** The evaluation time of the segment's first refresh ever, null when it has never been refreshed. */
  readonly firstRefreshAt: Date | null;
}

export interface SizeSeries {
  readonly from: Date;
  readonly to: Date;
  /** In the order asked for, or every segment of the workspace by name. */
  readonly segments: readonly SegmentSizeSeries[];
}

/** The first and last UTC day of a range, checked: in order and at most `MAX_SIZE_DAYS` days. */
function dayRange(options: { from: Date; to: Date }): { from: Date; to: Date; count: number } {
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
  return { from, to, count };
}

/**
 * The end-of-day sizes of `ids` for each UTC day of the range, by segment id, with three queries whatever the number
 * of segments.
 *
 * A day's size is the membership at the end of that day by the rule of `membersAt` (changes with `at` before the next
 * midnight; of each user's, the one with the greatest `seq` decides). When `at` grows with `seq` that is the running
 * sum of entered − exited by `at`. It is computed in one pass over the log: each `entered` change is in force from its
 * `at` until the earliest `at` among the user's later changes (by `seq`), so it adds 1 on its day and −1 on the day it
 * stops. Days with a recorded snapshot (`segment_sizes`, see `recordDailySizes`) report the recorded size.
 */
async function dailySizes(
  engine: Engine,
  workspace: string,
  ids: readonly string[],
  range: { from: Date; to: Date; count: number },
): Promise<Map<string, DaySize[]>> {
  const { from, count } = range;
  const end = new Date(range.to.getTime() + DAY_MS);
  const w = str(workspace);
  const inSegments = sql`segment_id IN (${join(ids.map((id) => sql`${str(id)}`))})`;

  // NULL for a user's last change: a plain `min` over the empty frame gives 1970 on ClickHouse, `aggregateIf` NULL.
  const untilAt = sql`${engine.dialect.aggregateIf('min', AT, sql`true`)}
                      OVER (PARTITION BY segment_id, user_id ORDER BY seq
                            ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)`;
  const deltas = await engine.query(
    sql`WITH log AS (
          SELECT segment_id, change, ${AT}, ${untilAt} AS until_at
          FROM segment_changes WHERE workspace = ${w} AND ${inSegments} AND ${AT} < ${ts(end)}),
        spans AS (
          SELECT segment_id, ${AT} AS t, 1 AS delta
          FROM log WHERE change = 'entered' AND (until_at IS NULL OR until_at > ${AT})
          UNION ALL
          SELECT segment_id, until_at AS t, -1 AS delta FROM log WHERE change = 'entered' AND until_at > ${AT})
        SELECT segment_id, greatest(-1, ${dayIndex(engine, sql`t`, from)}) AS d, sum(delta) AS delta
        FROM spans GROUP BY 1, 2`,
  );
  const moves = await engine.query(
    sql`SELECT segment_id, ${dayIndex(engine, AT, from)} AS d,
               sum(CASE WHEN change = 'entered' THEN 1 ELSE 0 END) AS entered,
               sum(CASE WHEN change = 'exited' THEN 1 ELSE 0 END) AS exited
        FROM segment_changes
        WHERE workspace = ${w} AND ${inSegments} AND ${AT} >= ${ts(from)} AND ${AT} < ${ts(end)}
        GROUP BY 1, 2`,
  );
  const recorded = await engine.query(
    sql`SELECT segment_id, ${dayIndex(engine, sql`day`, from)} AS d, size FROM segment_sizes
        WHERE workspace = ${w} AND ${inSegments} AND day >= ${ts(from)} AND day < ${ts(end)}`,
  );

  const key = (row: Record<string, unknown>) => `${row['segment_id']}\u0000${Number(row['d'])}`;
  const delta = new Map(deltas.map((row) => [key(row), Number(row['delta'])]));
  const move = new Map(moves.map((row) => [key(row), row]));
  const snapshot = new Map(recorded.map((row) => [key(row), Number(row['size'])]));
  const out = new Map<string, DaySize[]>();
  for (const id of ids) {
    let running = delta.get(`${id}\u0000-1`) ?? 0;
    const days: DaySize[] = [];
    for (let i = 0; i < count; i++) {
      const at = `${id}\u0000${i}`;
      running += delta.get(at) ?? 0;
      const recordedSize = snapshot.get(at);
      const moved = move.get(at);
      days.push({
        day: dayText(new Date(from.getTime() + i * DAY_MS)),
        size: recordedSize ?? running,
        entered: Number(moved?.['entered'] ?? 0),
        exited: Number(moved?.['exited'] ?? 0),
        recorded: recordedSize !== undefined,
      });
    }
    out.set(id, days);
  }
  return out;
}

/**
 * A segment's size for each UTC day from `from` to `to` (both days included), with the day's entries and exits and
 * every refresh in the range. Days are counted as in `dailySizes`.
 */
export async function segmentSizes(
  engine: Engine,
  workspace: string,
  idOrName: string,
  options: { from: Date; to: Date },
): Promise<SizeHistory> {
  const range = dayRange(options);
  const { from, to } = range;
  const segment = await getSegment(engine, workspace, idOrName);
  const days = (await dailySizes(engine, workspace, [segment.id], range)).get(segment.id) ?? [];
  const refreshes = await engine.query(
    sql`SELECT ${AT}, size, entered, exited FROM segment_refreshes
        WHERE workspace = ${str(workspace)} AND segment_id = ${str(segment.id)}
          AND ${AT} >= ${ts(from)} AND ${AT} < ${ts(new Date(to.getTime() + DAY_MS))}
        ORDER BY ${AT}, recorded_at`,
  );
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

/** The most segments `segmentSizesMany` takes by name or id; without a list it answers for the whole workspace. */
export const MAX_SIZE_SEGMENTS = 500;

/**
 * The daily sizes of many segments at once (`segmentSizes` without the refresh list): the named ones, in that order,
 * or every segment of the workspace by name. For an overview of hundreds of segments, in three queries instead of
 * three per segment.
 */
export async function segmentSizesMany(
  engine: Engine,
  workspace: string,
  options: { from: Date; to: Date; segments?: readonly string[] },
): Promise<SizeSeries> {
  const range = dayRange(options);
  if (options.segments && options.segments.length > MAX_SIZE_SEGMENTS)
    throw new UserError(
      'too_many_segments',
      `${options.segments.length} segments named; ask for at most ${MAX_SIZE_SEGMENTS}, or for all by naming none`,
      'segments',
      400,
    );
  const w = str(workspace);
  // One read of the workspace's segments, whatever the number named.
  const saved = await listSegments(engine, workspace);
  const found = options.segments ? options.segments.map((idOrName) => pickSegment(saved, workspace, idOrName)) : saved;
  // A segment named twice (by id and by name, say) is answered once, where it was first named.
  const chosen = [...new Map(found.map((segment) => [segment.id, segment])).values()];
  if (chosen.length === 0) return { from: range.from, to: range.to, segments: [] };
  const ids = chosen.map((segment) => segment.id);
  const days = await dailySizes(engine, workspace, ids, range);
  const first = await engine.query(
    sql`SELECT segment_id, min(${AT}) AS first_at FROM segment_refreshes
        WHERE workspace = ${w} AND segment_id IN (${join(ids.map((id) => sql`${str(id)}`))})
        GROUP BY segment_id`,
  );
  const firstAt = new Map(first.map((row) => [String(row['segment_id']), row['first_at'] as Date]));
  return {
    from: range.from,
    to: range.to,
    segments: chosen.map((segment) => ({
      segment: { id: segment.id, name: segment.name },
      days: days.get(segment.id) ?? [],
      firstRefreshAt: firstAt.get(segment.id) ?? null,
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
