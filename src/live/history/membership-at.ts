import type { Engine } from '../../engines/engine.js';
import { ident, int, join, type Sql, sql, str, ts } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import type { MembersPage } from '../../segments/query.js';
import { getSegment } from '../../segments/store.js';

/**
 * Membership at a past time, read from the change log (`segment_changes`).
 *
 * A refresh may run with an `asOf` in the past, so a change's `at` does not always grow with its `seq`. The state at
 * time T is therefore defined as: for each (segment, user), take the change with the greatest `seq` among those with
 * `at <= T`; the user is a member at T when that change is `entered`. With `at` growing in `seq` order this is the
 * plain "last change before T"; in general it is what the store believed at its latest word about T, and at a T after
 * every change it is exactly `segment_members`.
 */

/** A valid Date, or a 400 naming the parameter. */
export function validTime(value: Date, name: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new UserError('invalid_parameter', `${name} must be an ISO-8601 time`, name, 400);
  return value;
}

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses a time given as text (a query parameter, a CLI option): `2024-01-31`, `2024-01-31T12:00:00Z`,
 * `2024-01-31 12:00:00.5+02:00`; without a zone it is UTC. Undefined or empty gives undefined; anything else is a 400
 * naming `name`.
 */
export function parseTimeParam(value: string | undefined, name: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const match = ISO_TIME.exec(value.trim());
  const text = match ? `${match[1]}T${match[2] ?? '00:00'}${match[3] ?? 'Z'}` : '';
  const date = new Date(text);
  const day = match ? new Date(`${match[1]}T00:00:00Z`) : null;
  const realDay = day !== null && !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === match?.[1];
  if (!match || !realDay || Number.isNaN(date.getTime()))
    throw new UserError(
      'invalid_parameter',
      `${name} must be an ISO-8601 time such as 2024-01-31 or 2024-01-31T12:00:00Z, got ${JSON.stringify(value)}`,
      name,
      400,
    );
  return date;
}

/** Parses a whole number given as text; undefined or empty gives undefined, anything else a 400 naming `name`. */
export function parseIntParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = /^\d{1,16}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new UserError('invalid_parameter', `${name} must be a whole number, got ${JSON.stringify(value)}`, name, 400);
  return n;
}

/** A whole number in [min, max], or a 400 naming the parameter. */
export function wholeNumber(value: number | undefined, name: string, fallback: number, min: number, max: number) {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new UserError('invalid_parameter', `${name} must be a whole number ${min}–${max}, got ${value}`, name, 400);
  return value;
}

/**
 * The user ids that are members of any of `segmentIds` at `at`, one row per (segment_id, user_id): the rule above
 * as one query over the change log (a window per segment and user, newest `seq` first).
 */
export function membersAtSql(workspace: string, segmentIds: readonly string[], at: Date): Sql {
  const ids = join(segmentIds.map((id) => sql`${str(id)}`));
  return sql`SELECT segment_id, user_id FROM (
      SELECT segment_id, user_id, change,
             row_number() OVER (PARTITION BY segment_id, user_id ORDER BY seq DESC) AS latest
      FROM segment_changes
      WHERE workspace = ${str(workspace)} AND segment_id IN (${ids}) AND ${ident('at')} <= ${ts(at)}) AS states
    WHERE latest = 1 AND change = 'entered'`;
}

export interface MembersAtPage extends MembersPage {
  /** The time the membership is for. */
  readonly at: Date;
}

/**
 * The members of a segment at a past time `at`, from the change log, in user id order a page at a time: the same
 * shape as `listMembers` (members at the last refresh) plus `at`.
 */
export async function membersAt(
  engine: Engine,
  workspace: string,
  idOrName: string,
  at: Date,
  options: { limit?: number; offset?: number; search?: string } = {},
): Promise<MembersAtPage> {
  validTime(at, 'at');
  const limit = wholeNumber(options.limit, 'limit', 100, 0, 1_000_000_000);
  const offset = wholeNumber(options.offset, 'offset', 0, 0, 1_000_000_000);
  const segment = await getSegment(engine, workspace, idOrName);
  const search = options.search
    ? sql` WHERE ${engine.dialect.textMatch('contains', sql`user_id`, sql`${str(options.search.toLowerCase())}`)}`
    : sql``;
  const members = sql`SELECT user_id FROM (${membersAtSql(workspace, [segment.id], at)}) AS m${search}`;
  const [total] = await engine.query(sql`SELECT count(*) AS n FROM (${members}) AS counted`);
  const rows = await engine.query(sql`${members} ORDER BY user_id LIMIT ${int(limit)} OFFSET ${int(offset)}`);
  return { total: Number(total?.['n'] ?? 0), userIds: rows.map((row) => String(row['user_id'])), at };
}
