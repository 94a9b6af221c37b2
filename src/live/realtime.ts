import type { Engine } from '../engines/engine.js';
import { int, join, type Sql, sql, str, strList, ts } from '../engines/sql.js';
import { segmentIr } from '../segments/refresh.js';
import { compileMembers } from '../segments/sql/compile.js';
import { listSegments, type SavedSegment } from '../segments/store.js';
import { affects, dependenciesOf, type Touched } from './dependencies.js';

export interface RealtimeResult {
  /** Segments re-evaluated for the touched users. */
  readonly segments: number;
  readonly users: number;
  /** Changes appended to the log. */
  readonly changes: number;
}

const LIVE_USERS = sql`live_users`;
const LIVE_EVENTS = sql`live_events`;

/**
 * Re-evaluates, for the users a write touched only, every segment whose rule reads something the write changed,
 * and appends the differences to the change log, in one transaction:
 *
 * 1. the touched users (and the users of accounts whose traits changed) go to a temporary table;
 * 2. their events are copied once into another, so each segment's query scans a few thousand rows, not the store;
 * 3. all affected segments are evaluated in one `UNION ALL` and diffed against their stored membership at once.
 *
 * Every leaf is per user, so the verdict for a touched user is exactly the one a full refresh would give.
 */
export async function evaluateTouched(
  engine: Engine,
  workspace: string,
  touched: Touched,
  asOf: Date,
): Promise<RealtimeResult> {
  const saved = await listSegments(engine, workspace);
  const chosen: { segment: SavedSegment; members: Sql }[] = [];
  for (const segment of saved) {
    if (segment.kind === 'static' || !segment.rule) continue;
    const ir = segmentIr(segment, saved, asOf);
    if (!affects(dependenciesOf(ir), touched)) continue;
    const members = compileMembers(ir, engine.dialect, {
      workspace,
      scope: { users: sql`SELECT user_id FROM ${LIVE_USERS}`, events: LIVE_EVENTS },
    });
    chosen.push({ segment, members });
  }
  if (chosen.length === 0 || (touched.users.size === 0 && touched.accounts.size === 0)) {
    return { segments: 0, users: 0, changes: 0 };
  }
  const w = str(workspace);
  const at = ts(asOf);
  return engine.transaction(async (tx) => {
    const accountUsers =
      touched.accounts.size > 0
        ? sql` UNION SELECT user_id FROM profiles WHERE workspace = ${w}
               AND account_id IN (SELECT unnest(${strList([...touched.accounts])}))`
        : sql``;
    await tx.run(
      sql`CREATE OR REPLACE TEMP TABLE ${LIVE_USERS} AS
          SELECT DISTINCT unnest(${strList([...touched.users])}) AS user_id${accountUsers}`,
    );
    await tx.run(
      sql`CREATE OR REPLACE TEMP TABLE ${LIVE_EVENTS} AS SELECT * FROM events
          WHERE workspace = ${w} AND user_id IN (SELECT user_id FROM ${LIVE_USERS})`,
    );
    const ids = chosen.map(({ segment }) => segment.id);
    const fresh = join(
      chosen.map(
        ({ segment, members }) => sql`SELECT ${str(segment.id)} AS segment_id, user_id FROM (${members}) AS m`,
      ),
      ' UNION ALL ',
    );
    const [last] = await tx.query(sql`SELECT coalesce(max(seq), 0) AS seq FROM segment_changes WHERE workspace = ${w}`);
    const base = Number(last?.['seq'] ?? 0);
    const changes = await tx.run(
      sql`INSERT INTO segment_changes
          WITH fresh AS (${fresh}),
               old AS (SELECT segment_id, user_id FROM segment_members
                       WHERE workspace = ${w} AND segment_id IN (SELECT unnest(${strList(ids)}))
                         AND user_id IN (SELECT user_id FROM ${LIVE_USERS})),
               diff AS (
                 SELECT segment_id, user_id, 'entered' AS change FROM (SELECT * FROM fresh EXCEPT SELECT * FROM old)
                 UNION ALL
                 SELECT segment_id, user_id, 'exited' AS change FROM (SELECT * FROM old EXCEPT SELECT * FROM fresh))
          SELECT ${w}, ${int(base)} + row_number() OVER (ORDER BY user_id, segment_id), segment_id, user_id, change,
                 ${at}, ${ts(new Date())}
          FROM diff`,
    );
    if (changes > 0) {
      await tx.run(
        sql`DELETE FROM segment_members AS m WHERE m.workspace = ${w} AND EXISTS (
              SELECT 1 FROM segment_changes AS c
              WHERE c.workspace = ${w} AND c.seq > ${int(base)} AND c.change = 'exited'
                AND c.segment_id = m.segment_id AND c.user_id = m.user_id)`,
      );
      await tx.run(
        sql`INSERT INTO segment_members SELECT ${w}, segment_id, user_id, ${at} FROM segment_changes
            WHERE workspace = ${w} AND seq > ${int(base)} AND change = 'entered'`,
      );
    }
    const [size] = await tx.query(sql`SELECT count(*) AS n FROM ${LIVE_USERS}`);
    return { segments: chosen.length, users: Number(size?.['n'] ?? 0), changes };
  });
}
