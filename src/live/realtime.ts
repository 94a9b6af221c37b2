import type { Engine } from '../engines/engine.js';
import { int, join, type Sql, sql, str, strList, ts } from '../engines/sql.js';
import { segmentIr } from '../segments/refresh.js';
import { compileMembers } from '../segments/sql/compile.js';
import { listSegments, type SavedSegment } from '../segments/store.js';
import { affects, dependenciesOf, type Touched } from './dependencies.js';

export interface RealtimeResult {
  /** Segments re-evaluated for the touched users. */
  readonly segments: number;
  /** Segments that could not be compiled (e.g. a segment they refer to changed); the others were evaluated. */
  readonly skipped: readonly { readonly segment: string; readonly message: string }[];
  readonly users: number;
  /** Changes appended to the log. */
  readonly changes: number;
}

const LIVE_USERS = sql`live_users`;
const LIVE_EVENTS = sql`live_events`;
const LIVE_PROFILES = sql`live_profiles`;
const LIVE_DIFF = sql`live_diff`;

/**
 * Re-evaluates, for the users a write touched only, every segment whose rule reads something the write changed,
 * and appends the differences to the change log, in one transaction:
 *
 * 1. the touched users (and the users of accounts whose traits changed) go to a temporary table;
 * 2. their profiles and the events the chosen rules read are copied once into temporary tables, so each segment's
 *    query reads a few thousand rows instead of the store;
 * 3. all chosen segments are evaluated in one `UNION ALL` and diffed against their stored membership at once;
 * 4. the (small) diff is appended to the log and applied to the membership.
 *
 * Every leaf is per user, so the verdict for a touched user is exactly the one a full refresh would give.
 */
export async function evaluateTouched(
  engine: Engine,
  workspace: string,
  touched: Touched,
  asOf: Date,
): Promise<RealtimeResult> {
  const none = { segments: 0, users: 0, changes: 0, skipped: [] };
  if (touched.users.size === 0 && touched.accounts.size === 0) return none;
  const w = str(workspace);
  const at = ts(asOf);
  // Everything happens on the membership writer, deletions included: the segment list read here is the one the
  // transaction writes against, so a segment deleted meanwhile is not revived.
  return (engine.segmentsLane ?? engine).transaction(async (tx) => {
    const saved = await listSegments(tx, workspace);
    const scope = {
      users: sql`SELECT user_id FROM ${LIVE_USERS}`,
      events: LIVE_EVENTS,
      profiles: LIVE_PROFILES,
    };
    const live: { segment: SavedSegment; members: Sql }[] = [];
    const skipped: { segment: string; message: string }[] = [];
    // Static segments too: their members are the listed users who have a profile, which a write can create or remove.
    for (const segment of saved) {
      try {
        const ir = segmentIr(segment, saved, asOf);
        if (!affects(dependenciesOf(ir), touched)) continue;
        live.push({ segment, members: compileMembers(ir, tx.dialect, { workspace, scope }) });
      } catch (error) {
        skipped.push({ segment: segment.name, message: error instanceof Error ? error.message : String(error) });
      }
    }
    if (live.length === 0) return { ...none, skipped };
    const accountUsers =
      touched.accounts.size > 0
        ? sql` UNION SELECT user_id FROM profiles WHERE workspace = ${w}
               AND account_id IN (SELECT unnest(${strList([...touched.accounts])}))`
        : sql``;
    await tx.run(
      sql`CREATE OR REPLACE TEMP TABLE ${LIVE_USERS} AS
          SELECT DISTINCT unnest(${strList([...touched.users])}) AS user_id${accountUsers}`,
    );
    // Joins, not `IN` filters: DuckDB then reads the other columns only for the matching rows, and the workspace
    // test runs on those few rows instead of on every row of the store (measured: about half the time).
    await tx.run(
      sql`CREATE OR REPLACE TEMP TABLE ${LIVE_PROFILES} AS
          SELECT p.* FROM profiles AS p JOIN ${LIVE_USERS} AS u ON u.user_id = p.user_id`,
    );
    await tx.run(sql`DELETE FROM ${LIVE_PROFILES} WHERE workspace <> ${w}`);
    // Only the columns rules read. Sequences need an id per event to tell two events apart; the row id serves and
    // costs nothing to read, where the message id is a long string.
    await tx.run(
      sql`CREATE OR REPLACE TEMP TABLE ${LIVE_EVENTS} AS
          SELECT e.workspace, CAST(e.rowid AS VARCHAR) AS message_id, e.name, e.user_id, e.ts, e.properties
          FROM events AS e JOIN ${LIVE_USERS} AS u ON u.user_id = e.user_id`,
    );
    await tx.run(sql`DELETE FROM ${LIVE_EVENTS} WHERE workspace <> ${w}`);
    const ids = live.map(({ segment }) => segment.id);
    const fresh = join(
      live.map(({ segment, members }) => sql`SELECT ${str(segment.id)} AS segment_id, user_id FROM (${members}) AS m`),
      ' UNION ALL ',
    );
    // The stored rows' `rowid`s travel with the diff: deleting by rowid touches only those rows, where a join would
    // scan every segment's membership. They are stable here, inside the one writing transaction.
    await tx.run(
      sql`CREATE OR REPLACE TEMP TABLE ${LIVE_DIFF} AS
          WITH fresh AS (${fresh}),
               old AS (SELECT m.segment_id, m.user_id, m.rowid AS rid FROM segment_members AS m
                       JOIN ${LIVE_USERS} AS u ON u.user_id = m.user_id
                       WHERE m.workspace = ${w} AND m.segment_id IN (SELECT unnest(${strList(ids)})))
          SELECT f.segment_id, f.user_id, 'entered' AS change, CAST(NULL AS BIGINT) AS rid FROM fresh AS f
          WHERE NOT EXISTS (SELECT 1 FROM old AS o WHERE o.segment_id = f.segment_id AND o.user_id = f.user_id)
          UNION ALL
          SELECT o.segment_id, o.user_id, 'exited' AS change, o.rid FROM old AS o
          WHERE NOT EXISTS (SELECT 1 FROM fresh AS f WHERE f.segment_id = o.segment_id AND f.user_id = o.user_id)`,
    );
    const [counts] = await tx.query(
      sql`SELECT count(*) AS changes, count(*) FILTER (WHERE change = 'exited') AS exited FROM ${LIVE_DIFF}`,
    );
    const changes = Number(counts?.['changes'] ?? 0);
    if (changes > 0) {
      const [last] = await tx.query(
        sql`SELECT coalesce(max(seq), 0) AS seq FROM segment_changes WHERE workspace = ${w}`,
      );
      const base = Number(last?.['seq'] ?? 0);
      await tx.run(
        sql`INSERT INTO segment_changes
            SELECT ${w}, ${int(base)} + row_number() OVER (ORDER BY user_id, segment_id), segment_id, user_id, change,
                   ${at}, ${ts(new Date())}
            FROM ${LIVE_DIFF}`,
      );
      if (Number(counts?.['exited'] ?? 0) > 0) {
        await tx.run(
          sql`DELETE FROM segment_members WHERE rowid IN (SELECT rid FROM ${LIVE_DIFF} WHERE change = 'exited')`,
        );
      }
      await tx.run(
        sql`INSERT INTO segment_members SELECT ${w}, segment_id, user_id, ${at} FROM ${LIVE_DIFF}
            WHERE change = 'entered'`,
      );
    }
    const [size] = await tx.query(sql`SELECT count(*) AS n FROM ${LIVE_USERS}`);
    return { segments: live.length, users: Number(size?.['n'] ?? 0), changes, skipped };
  });
}
