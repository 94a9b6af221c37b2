import type { Engine } from '../../engines/engine.js';
import { ident, int, sql, str, ts } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import { getSegment } from '../../segments/store.js';
import { validTime, wholeNumber } from './membership-at.js';

export type ChangeKind = 'entered' | 'exited';

export interface Change {
  /** Grows by one per change within the workspace; the cursor for paging. */
  readonly seq: number;
  readonly user_id: string;
  readonly change: ChangeKind;
  /** The evaluation time of the refresh (or real-time evaluation) that found the change. */
  readonly at: Date;
}

export interface ChangesPage {
  readonly segment: { readonly id: string; readonly name: string };
  readonly changes: readonly Change[];
  /** Reading oldest first: pass as `after` to read the next page; null when this page is the last, or newest first. */
  readonly next_after: number | null;
  /** Reading newest first: pass as `before` to read the next (older) page; null when this page is the last. */
  readonly next_before: number | null;
}

/** `oldest` pages forwards from the start of the log (cursor `after`); `newest` backwards from now (cursor `before`). */
export type ChangeOrder = 'oldest' | 'newest';
export const CHANGE_ORDERS: readonly ChangeOrder[] = ['oldest', 'newest'];

export interface ChangesOptions {
  /** Default `oldest`, or `newest` when `before` is given. */
  readonly order?: ChangeOrder;
  /** Oldest first: only changes with `seq > after` (the cursor). */
  readonly after?: number;
  /** Newest first: only changes with `seq < before` (the cursor). */
  readonly before?: number;
  /** Only changes with `at >= since`. */
  readonly since?: Date;
  /** Only changes with `at < until`. */
  readonly until?: Date;
  /** Only this user's changes. */
  readonly user?: string;
  /** Page size: default 1000, at most 100,000. */
  readonly limit?: number;
}

export const CHANGES_LIMIT = 100_000;
/** `at` is a keyword in some SQL dialects (DuckDB's `AT TIME ZONE`): always quoted. */
const AT = ident('at');

/**
 * A segment's enter/exit log in `seq` order, a page at a time, oldest first (`next_after` is the cursor for the next
 * page) or newest first (`next_before`), as a feed shows it. Filters on `at` select by evaluation time but the order
 * stays `seq` (a refresh with an `asOf` in the past writes changes whose `at` is earlier than older rows').
 */
export async function listChanges(
  engine: Engine,
  workspace: string,
  idOrName: string,
  options: ChangesOptions = {},
): Promise<ChangesPage> {
  const limit = wholeNumber(options.limit, 'limit', 1000, 1, CHANGES_LIMIT);
  const after = wholeNumber(options.after, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
  if (options.order !== undefined && !CHANGE_ORDERS.includes(options.order))
    throw new UserError('invalid_parameter', `order is oldest or newest, not ${String(options.order)}`, 'order', 400);
  const newest = options.order === 'newest' || (options.order === undefined && options.before !== undefined);
  if (newest && options.after !== undefined)
    throw new UserError('invalid_parameter', 'after pages oldest first; newest first, page with before', 'after', 400);
  if (!newest && options.before !== undefined)
    throw new UserError('invalid_parameter', 'before pages newest first; oldest first, page with after', 'before', 400);
  const before =
    options.before === undefined ? null : wholeNumber(options.before, 'before', 0, 0, Number.MAX_SAFE_INTEGER);
  if (options.since) validTime(options.since, 'since');
  if (options.until) validTime(options.until, 'until');
  if (options.since && options.until && options.until.getTime() <= options.since.getTime())
    throw new UserError('invalid_range', 'until must be after since', 'until', 400);
  const segment = await getSegment(engine, workspace, idOrName);
  const since = options.since ? sql` AND ${AT} >= ${ts(options.since)}` : sql``;
  const until = options.until ? sql` AND ${AT} < ${ts(options.until)}` : sql``;
  const user = options.user !== undefined ? sql` AND user_id = ${str(options.user)}` : sql``;
  const cursor = newest ? (before === null ? sql`` : sql` AND seq < ${int(before)}`) : sql` AND seq > ${int(after)}`;
  const rows = await engine.query(
    sql`SELECT seq, user_id, change, ${AT} FROM segment_changes
        WHERE workspace = ${str(workspace)} AND segment_id = ${str(segment.id)}${cursor}${since}${until}${user}
        ORDER BY seq ${newest ? sql`DESC` : sql`ASC`} LIMIT ${int(limit + 1)}`,
  );
  const changes = rows.slice(0, limit).map((row) => ({
    seq: Number(row['seq']),
    user_id: String(row['user_id']),
    change: row['change'] as ChangeKind,
    at: row['at'] as Date,
  }));
  return {
    segment: { id: segment.id, name: segment.name },
    changes,
    next_after: !newest && rows.length > limit ? (changes.at(-1)?.seq ?? null) : null,
    next_before: newest && rows.length > limit ? (changes.at(-1)?.seq ?? null) : null,
  };
}
