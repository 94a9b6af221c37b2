import type { Engine } from '../engines/engine.js';
import { int, num, sql, str, strList, ts } from '../engines/sql.js';
import { UserError } from '../errors.js';
import { dependencyOrder } from './dependencies.js';
import { lower } from './ir/lower.js';
import type { IrNode, SegmentIr } from './ir/nodes.js';
import { compileMembers } from './sql/compile.js';
import { listSegments, type SavedSegment, segmentLookup, segmentWithAll } from './store.js';

export interface RefreshResult {
  readonly segmentId: string;
  readonly name: string;
  readonly asOf: Date;
  readonly size: number;
  readonly entered: number;
  readonly exited: number;
  readonly durationMs: number;
}

/** Lowers a saved segment for one evaluation time; a static segment is its uploaded list. */
export function segmentIr(segment: SavedSegment, saved: readonly SavedSegment[], asOf: Date): SegmentIr {
  if (segment.kind === 'static' || !segment.rule) {
    const root: IrNode = { kind: 'static', segmentId: segment.id };
    return { root, asOf: asOf.getTime(), events: [], traits: [], timeDependent: false };
  }
  const lowered = lower(segment.rule, { asOf, segment: segmentLookup(saved) });
  if (!lowered.ok) {
    // Saved definitions were valid when saved; a failure now means a referenced segment changed underneath.
    const issue = lowered.issues[0];
    throw new UserError(
      issue?.code ?? 'invalid_definition',
      `segment "${segment.name}": ${issue?.message}`,
      issue?.path ?? '',
      409,
    );
  }
  return lowered.ir;
}

/**
 * Recomputes a segment's membership as of `asOf` with one query, diffs it against the stored membership, appends
 * the entered/exited rows to the change log with increasing sequence numbers, and records the size.
 *
 * On an engine without rollback (ClickHouse) the order of the writes is what keeps a failure repairable: the log
 * first, then the membership, then the size. Failing after the log leaves the membership as it was, so the next
 * refresh finds the same differences and applies them (logging them once more, which readers of the log tolerate:
 * the latest change per user decides); failing before the size only loses that refresh's size row. Writing the
 * membership first could lose changes from the log for good.
 */
export async function refreshSegment(
  engine: Engine,
  workspace: string,
  idOrName: string,
  options: { asOf?: Date } = {},
): Promise<RefreshResult> {
  const { segment, saved } = await segmentWithAll(engine, workspace, idOrName);
  return refreshOne(engine, workspace, segment, saved, options.asOf ?? new Date());
}

/** The most exits a refresh deletes by listing them; more are deleted by reading the change log. */
export const EXIT_LIST_LIMIT = 10_000;

/** Refreshes every segment of a workspace in dependency order. */
export async function refreshAll(
  engine: Engine,
  workspace: string,
  options: { asOf?: Date } = {},
): Promise<RefreshResult[]> {
  const saved = await listSegments(engine, workspace);
  const asOf = options.asOf ?? new Date();
  const results: RefreshResult[] = [];
  for (const segment of dependencyOrder(saved)) results.push(await refreshOne(engine, workspace, segment, saved, asOf));
  return results;
}

async function refreshOne(
  engine: Engine,
  workspace: string,
  segment: SavedSegment,
  saved: readonly SavedSegment[],
  asOf: Date,
): Promise<RefreshResult> {
  const started = performance.now();
  const ir = segmentIr(segment, saved, asOf);
  const w = str(workspace);
  const id = str(segment.id);
  const at = ts(asOf);
  // Membership has its own writer when the engine offers one, so refreshes run beside ingestion.
  return (engine.segmentsLane ?? engine).transaction(async (tx) => {
    // Deletion runs on this writer too: a segment deleted since it was read is not refreshed back to life.
    const [present] = await tx.query(sql`SELECT count(*) AS n FROM segments WHERE workspace = ${w} AND id = ${id}`);
    if (Number(present?.['n'] ?? 0) === 0) {
      throw new UserError('not_found', `segment "${segment.name}" was deleted`, 'segment', 404);
    }
    const members = compileMembers(ir, tx.dialect, { workspace });
    const [last] = await tx.query(sql`SELECT coalesce(max(seq), 0) AS seq FROM segment_changes WHERE workspace = ${w}`);
    const base = Number(last?.['seq'] ?? 0);
    await tx.run(
      sql`INSERT INTO segment_changes
          WITH fresh AS (${members}),
               old AS (SELECT user_id FROM segment_members WHERE workspace = ${w} AND segment_id = ${id}),
               diff AS (
                 SELECT user_id, 'entered' AS change FROM fresh WHERE user_id NOT IN (SELECT user_id FROM old)
                 UNION ALL
                 SELECT user_id, 'exited' AS change FROM old WHERE user_id NOT IN (SELECT user_id FROM fresh))
          SELECT ${w}, ${int(base)} + row_number() OVER (ORDER BY change DESC, user_id), ${id}, user_id, change, ${at},
                 ${ts(new Date())}
          FROM diff`,
    );
    const exited = sql`SELECT user_id FROM segment_changes
                       WHERE workspace = ${w} AND seq > ${int(base)} AND change = 'exited'`;
    const exits = await tx.query(sql`${exited} LIMIT ${int(EXIT_LIST_LIMIT + 1)}`);
    if (exits.length > 0) {
      // Named in a list, the exits are a condition ClickHouse applies to reads while the DELETE is pending; read
      // from the log, they would make it wait for the DELETE (clickhouse/settings.ts). Large moves read the log.
      const listed = exits.length <= EXIT_LIST_LIMIT;
      const who = listed
        ? tx.dialect.inList(sql`user_id`, strList(exits.map((row) => String(row['user_id']))))
        : sql`user_id IN (${exited})`;
      await tx.run(sql`DELETE FROM segment_members WHERE workspace = ${w} AND segment_id = ${id} AND ${who}`);
    }
    await tx.run(
      sql`INSERT INTO segment_members SELECT ${w}, ${id}, user_id, ${at} FROM segment_changes
          WHERE workspace = ${w} AND seq > ${int(base)} AND change = 'entered'`,
    );
    const [counts] = await tx.query(
      sql`SELECT (SELECT count(*) FROM segment_members WHERE workspace = ${w} AND segment_id = ${id}) AS size,
                 sum(CASE WHEN change = 'entered' THEN 1 ELSE 0 END) AS entered,
                 sum(CASE WHEN change = 'exited' THEN 1 ELSE 0 END) AS exited
          FROM segment_changes WHERE workspace = ${w} AND seq > ${int(base)}`,
    );
    const durationMs = performance.now() - started;
    const result: RefreshResult = {
      segmentId: segment.id,
      name: segment.name,
      asOf,
      size: Number(counts?.['size'] ?? 0),
      entered: Number(counts?.['entered'] ?? 0),
      exited: Number(counts?.['exited'] ?? 0),
      durationMs,
    };
    await tx.run(
      sql`INSERT INTO segment_refreshes VALUES (${w}, ${id}, ${at}, ${int(result.size)}, ${int(result.entered)},
          ${int(result.exited)}, ${num(durationMs)}, ${ts(new Date())})`,
    );
    return result;
  });
}
