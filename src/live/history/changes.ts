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
  /** Pass as `after` to read the next page; null when this page is the last. */
  readonly next_after: number | null;
}

export interface ChangesOptions {
  /** Only changes with `seq > after` (the cursor). */
  readonly after?: number;
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
 * A segment's enter/exit log in `seq` order, a page at a time: `next_after` is the cursor for the next page. Filters
 * on `at` select by evaluation time but the order stays `seq` (a refresh with an `asOf` in the past writes changes
 * whose `at` is earlier than older rows').
 */
export async function listChanges(
  engine: Engine,
  workspace: string,
  idOrName: string,
  options: ChangesOptions = {},
): Promise<ChangesPage> {
  const limit = wholeNumber(options.limit, 'limit', 1000, 1, CHANGES_LIMIT);
  const after = wholeNumber(options.after, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
  if (options.since) validTime(options.since, 'since');
  if (options.until) validTime(options.until, 'until');
  if (options.since && options.until && options.until.getTime() <= options.since.getTime())
    throw new UserError('invalid_range', 'until must be after since', 'until', 400);
  const segment = await getSegment(engine, workspace, idOrName);
  const since = options.since ? sql` AND ${AT} >= ${ts(options.since)}` : sql``;
  const until = options.until ? sql` AND ${AT} < ${ts(options.until)}` : sql``;
  const user = options.user !== undefined ? sql` AND user_id = ${str(options.user)}` : sql``;
  const rows = await engine.query(
    sql`SELECT seq, user_id, change, ${AT} FROM segment_changes
        WHERE workspace = ${str(workspace)} AND segment_id = ${str(segment.id)} AND seq > ${int(after)}${since}${until}${user}
        ORDER BY seq LIMIT ${int(limit + 1)}`,
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
    next_after: rows.length > limit ? (changes.at(-1)?.seq ?? null) : null,
  };
}
