import type { AnalyticsRun } from '../analytics/runs.js';
import { MODEL_TRAITS, type ModelKind } from '../analytics/traits/definitions.js';
import { refreshSegmentsReading } from '../analytics/traits/segments.js';
import { writeComputedTraits } from '../analytics/traits/write.js';
import type { Engine, Row } from '../engines/engine.js';
import { ident, int, join, sql, str } from '../engines/sql.js';
import type { RefreshResult } from '../segments/refresh.js';
import { modelScores } from '../store/tables.js';

/** Model traits whose values are text; the others are numbers. */
const TEXT_TRAITS: ReadonlySet<string> = new Set(['cluster']);

/** One user's outputs of a model: the traits it writes and any other figure worth keeping (e.g. a cluster id). */
export interface UserScores {
  readonly userId: string;
  readonly scores: Readonly<Record<string, number | string | null>>;
}

export interface ScoresWritten {
  /** New trait values written, per trait. */
  readonly changes: Readonly<Record<string, number>>;
  readonly changedUsers: number;
  /** Segments refreshed because their rule reads a trait that changed. */
  readonly segments: readonly RefreshResult[];
}

/**
 * Makes `scores` the model's current answer: replaces the kind's rows of `model_scores` and writes its traits into
 * the profiles (with their history, stamped with the run's as-of time) in one transaction, then refreshes the
 * segments that read a trait that changed. A user the model no longer scores loses the traits.
 */
export async function saveModelScores(
  engine: Engine,
  workspace: string,
  kind: ModelKind,
  scores: readonly UserScores[],
  stamp: { readonly run: AnalyticsRun; readonly asOf: Date; readonly at: Date },
): Promise<ScoresWritten> {
  const traits: readonly string[] = MODEL_TRAITS[kind];
  const d = engine.dialect;
  const written = await engine.transaction(async (tx) => {
    const staged = await tx.stage(
      modelScores,
      scores.map((s) => [workspace, kind, s.userId, stamp.run.id, s.scores]),
    );
    await tx.run(sql`DELETE FROM model_scores WHERE workspace = ${str(workspace)} AND kind = ${str(kind)}`);
    await tx.run(sql`INSERT INTO model_scores SELECT * FROM ${staged}`);
    const columns = traits.map((trait) =>
      TEXT_TRAITS.has(trait)
        ? sql`${d.jsonText(sql`scores`, [trait])} AS ${ident(trait)}`
        : sql`${d.jsonNumber(sql`scores`, [trait])} AS ${ident(trait)}`,
    );
    const relation = sql`SELECT user_id, ${join(columns)} FROM model_scores
      WHERE workspace = ${str(workspace)} AND kind = ${str(kind)}`;
    return writeComputedTraits(tx, workspace, relation, traits, {
      asOf: stamp.asOf,
      at: stamp.at,
      runId: stamp.run.id,
    });
  });
  const changed = new Set(Object.entries(written.changes).flatMap(([trait, n]) => (n > 0 ? [trait] : [])));
  const segments = await refreshSegmentsReading(engine, workspace, changed, stamp.at);
  return { ...written, segments };
}

/** A page of a model's current scores, by user id. */
export async function readModelScores(
  engine: Engine,
  workspace: string,
  kind: ModelKind,
  page: { readonly limit: number; readonly offset: number; readonly user?: string },
): Promise<{ total: number; runId: string | null; items: UserScores[] }> {
  const where = sql`workspace = ${str(workspace)} AND kind = ${str(kind)}`;
  const user = page.user === undefined ? sql`` : sql`AND user_id = ${str(page.user)}`;
  const [count] = await engine.query(
    sql`SELECT count(*) AS n, max(run_id) AS run_id FROM model_scores WHERE ${where} ${user}`,
  );
  const rows: Row[] = await engine.query(
    sql`SELECT user_id, scores FROM model_scores WHERE ${where} ${user}
        ORDER BY user_id LIMIT ${int(page.limit)} OFFSET ${int(page.offset)}`,
  );
  const total = Number(count?.['n'] ?? 0);
  return {
    total,
    runId: total > 0 ? String(count?.['run_id']) : null,
    items: rows.map((row) => ({
      userId: String(row['user_id']),
      scores: (row['scores'] ?? {}) as Record<string, number | string | null>,
    })),
  };
}
