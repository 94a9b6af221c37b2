import { dialectNamed, dialectNames } from '../engines/dialects.js';
import type { Engine } from '../engines/engine.js';
import { int, render, sql, str } from '../engines/sql.js';
import { fromZod, UserError } from '../errors.js';
import { type Rule, rule as ruleSchema } from './definition.js';
import { type Explanation, explain } from './evaluate.js';
import { lower } from './ir/lower.js';
import { segmentIr } from './refresh.js';
import { compileCount, compileMembers } from './sql/compile.js';
import { getSegment, listSegments, segmentLookup, segmentWithAll } from './store.js';
import { loadUserData } from './user-data.js';

export interface CountResult {
  readonly count: number;
  readonly asOf: Date;
  readonly durationMs: number;
}

/** Validates and lowers an unsaved rule (a preview), with `rule` as the error path prefix. */
async function lowerUnsaved(engine: Engine, workspace: string, input: unknown, asOf: Date) {
  const parsed = ruleSchema.safeParse(input);
  if (!parsed.success) {
    const issues = fromZod(parsed.error, 'rule');
    throw new UserError(
      issues[0]?.code ?? 'invalid_rule',
      issues[0]?.message ?? 'invalid rule',
      issues[0]?.path,
      422,
      issues,
    );
  }
  const saved = await listSegments(engine, workspace);
  const lowered = lower(parsed.data as Rule, { asOf, segment: segmentLookup(saved) });
  if (!lowered.ok) {
    const first = lowered.issues[0];
    throw new UserError(
      first?.code ?? 'invalid_rule',
      first?.message ?? 'invalid rule',
      first?.path,
      422,
      lowered.issues,
    );
  }
  return lowered.ir;
}

/** Counts the members of an unsaved rule without storing anything: the preview behind the builder's live count. */
export async function previewCount(
  engine: Engine,
  workspace: string,
  input: unknown,
  options: { asOf?: Date } = {},
): Promise<CountResult> {
  const started = performance.now();
  const asOf = options.asOf ?? new Date();
  const ir = await lowerUnsaved(engine, workspace, input, asOf);
  const [row] = await engine.query(compileCount(ir, engine.dialect, { workspace }));
  return { count: Number(row?.['members'] ?? 0), asOf, durationMs: performance.now() - started };
}

/** The SQL a saved segment compiles to (for DuckDB or another dialect), with its parameters, for reading. */
export async function segmentSql(
  engine: Engine,
  workspace: string,
  idOrName: string,
  options: { asOf?: Date; engine?: string } = {},
): Promise<{ sql: string; params: unknown[] }> {
  const dialect = options.engine ? dialectNamed(options.engine) : engine.dialect;
  if (!dialect) {
    throw new UserError(
      'unknown_engine',
      `no SQL dialect "${options.engine}"; known: ${dialectNames.join(', ')}`,
      'engine',
    );
  }
  const { segment, saved } = await segmentWithAll(engine, workspace, idOrName);
  const ir = segmentIr(segment, saved, options.asOf ?? new Date());
  const rendered = render(compileMembers(ir, dialect, { workspace }), dialect);
  return {
    sql: rendered.text,
    params: rendered.params.map((p) => (p.value instanceof Date ? p.value.toISOString() : p.value)),
  };
}

export interface MembersPage {
  readonly total: number;
  readonly userIds: readonly string[];
}

/** Members as of the last refresh, in user id order, a page at a time. */
export async function listMembers(
  engine: Engine,
  workspace: string,
  idOrName: string,
  options: { limit?: number; offset?: number; search?: string } = {},
): Promise<MembersPage> {
  const segment = await getSegment(engine, workspace, idOrName);
  const w = str(workspace);
  const id = str(segment.id);
  const search = options.search
    ? sql` AND ${engine.dialect.textMatch('contains', sql`user_id`, sql`${str(options.search.toLowerCase())}`)}`
    : sql``;
  const [total] = await engine.query(
    sql`SELECT count(*) AS n FROM segment_members WHERE workspace = ${w} AND segment_id = ${id}${search}`,
  );
  const rows = await engine.query(
    sql`SELECT user_id FROM segment_members WHERE workspace = ${w} AND segment_id = ${id}${search}
        ORDER BY user_id LIMIT ${int(options.limit ?? 100)} OFFSET ${int(options.offset ?? 0)}`,
  );
  return { total: Number(total?.['n'] ?? 0), userIds: rows.map((row) => String(row['user_id'])) };
}

export interface MemberExplanation {
  readonly segment: string;
  readonly userId: string;
  readonly asOf: Date;
  readonly member: boolean;
  readonly explanation: Explanation;
}

/** Why a user is or is not in a segment at `asOf`: every node of the rule with the user's value and verdict. */
export async function explainMember(
  engine: Engine,
  workspace: string,
  idOrName: string,
  userId: string,
  options: { asOf?: Date } = {},
): Promise<MemberExplanation> {
  const asOf = options.asOf ?? new Date();
  const { segment, saved } = await segmentWithAll(engine, workspace, idOrName);
  const ir = segmentIr(segment, saved, asOf);
  const data = await loadUserData(engine, workspace, userId, asOf);
  if (!data) throw new UserError('unknown_user', `no user "${userId}" in workspace ${workspace}`, 'user', 404);
  const explanation = explain(ir, data);
  return { segment: segment.name, userId, asOf, member: explanation.result, explanation };
}
