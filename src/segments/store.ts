import { randomBytes } from 'node:crypto';
import type { Engine, Row } from '../engines/engine.js';
import { int, json, type Sql, sql, str, ts } from '../engines/sql.js';
import { fromZod, type Issue, UserError } from '../errors.js';
import { segments, staticMembers } from '../store/tables.js';
import { type Rule, type SegmentDefinition, segmentDefinition, segmentName } from './definition.js';
import { referencedSegments } from './dependencies.js';
import { lower, type SegmentLookup } from './ir/lower.js';

export type SegmentKind = 'dynamic' | 'static';

export interface SavedSegment {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly kind: SegmentKind;
  /** The rule of a dynamic segment; null for a static one. */
  readonly rule: Rule | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface SegmentVersion {
  readonly version: number;
  readonly name: string;
  readonly description: string | null;
  readonly rule: Rule | null;
  readonly createdAt: Date;
}

const toSegment = (row: Row): SavedSegment => ({
  id: String(row['id']),
  name: String(row['name']),
  description: (row['description'] as string | null) ?? null,
  kind: row['kind'] as SegmentKind,
  rule: (row['rule'] as Rule | null) ?? null,
  version: Number(row['version']),
  createdAt: row['created_at'] as Date,
  updatedAt: row['updated_at'] as Date,
});

/** All segments of a workspace, by name. */
export async function listSegments(engine: Engine, workspace: string): Promise<SavedSegment[]> {
  const rows = await engine.query(sql`SELECT * FROM segments WHERE workspace = ${str(workspace)} ORDER BY name`);
  return rows.map(toSegment);
}

/** A segment by id or name, or null. */
export async function findSegment(engine: Engine, workspace: string, idOrName: string): Promise<SavedSegment | null> {
  const rows = await engine.query(
    sql`SELECT * FROM segments WHERE workspace = ${str(workspace)} AND (id = ${str(idOrName)} OR name = ${str(idOrName)})
        ORDER BY id = ${str(idOrName)} DESC LIMIT 1`,
  );
  return rows[0] ? toSegment(rows[0]) : null;
}

/** A segment by id or name; a 404 UserError when there is none. */
export async function getSegment(engine: Engine, workspace: string, idOrName: string): Promise<SavedSegment> {
  const found = await findSegment(engine, workspace, idOrName);
  if (!found)
    throw new UserError('unknown_segment', `no segment "${idOrName}" in workspace ${workspace}`, 'segment', 404);
  return found;
}

/**
 * A segment by id or name together with every segment of the workspace (what lowering needs), in one query;
 * a 404 UserError when there is no such segment.
 */
export async function segmentWithAll(
  engine: Engine,
  workspace: string,
  idOrName: string,
): Promise<{ segment: SavedSegment; saved: SavedSegment[] }> {
  const saved = await listSegments(engine, workspace);
  return { segment: pickSegment(saved, workspace, idOrName), saved };
}

/** The segment of `saved` with this id, else this name (as `getSegment` finds it); a 404 UserError when none. */
export function pickSegment(saved: readonly SavedSegment[], workspace: string, idOrName: string): SavedSegment {
  const segment = saved.find((s) => s.id === idOrName) ?? saved.find((s) => s.name === idOrName);
  if (!segment)
    throw new UserError('unknown_segment', `no segment "${idOrName}" in workspace ${workspace}`, 'segment', 404);
  return segment;
}

/** A lookup of saved segments for lowering, with `overrides` standing in for definitions being saved. */
export function segmentLookup(
  saved: readonly SavedSegment[],
  overrides: readonly { name: string; id: string; rule: Rule }[] = [],
): (name: string) => SegmentLookup | undefined {
  return (name) => {
    const override = overrides.find((o) => o.name === name);
    if (override) return { id: override.id, kind: 'dynamic', rule: override.rule };
    const found = saved.find((s) => s.name === name);
    if (!found) return undefined;
    return found.kind === 'static' || !found.rule
      ? { id: found.id, kind: 'static' }
      : { id: found.id, kind: 'dynamic', rule: found.rule };
  };
}

/** Validates a definition (schema, then references, cycles and windows); throws a 422 UserError with every issue. */
export function validateDefinition(input: unknown, saved: readonly SavedSegment[], selfId: string): SegmentDefinition {
  const parsed = segmentDefinition.safeParse(input);
  if (!parsed.success) throw invalid(fromZod(parsed.error));
  const definition = parsed.data;
  assertFreeName(saved, definition.name, selfId);
  const lookup = segmentLookup(
    saved.filter((s) => s.id !== selfId),
    [{ name: definition.name, id: selfId, rule: definition.rule }],
  );
  const lowered = lower(definition.rule, { asOf: new Date(), segment: lookup });
  if (!lowered.ok) throw invalid(lowered.issues);
  return definition;
}

function invalid(issues: readonly Issue[]): UserError {
  const first = issues[0] ?? { code: 'invalid_definition', path: '', message: 'invalid definition' };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new UserError(
    first.code,
    `${first.path ? `${first.path}: ` : ''}${first.message}${more}`,
    first.path,
    422,
    issues,
  );
}

function assertFreeName(saved: readonly SavedSegment[], name: string, selfId: string): void {
  const nameCheck = segmentName.safeParse(name);
  if (!nameCheck.success) throw invalid(fromZod(nameCheck.error, 'name'));
  if (saved.some((s) => s.name === name && s.id !== selfId)) {
    throw new UserError('duplicate_name', `a segment named "${name}" already exists`, 'name', 409);
  }
}

const newId = () => `seg_${randomBytes(6).toString('hex')}`;

/**
 * Writes a version of a segment: the version row, then the current definition. On an engine without rollback a
 * failure in between leaves a version row that no segment shows yet, which the next save of that version replaces
 * (the version key is a primary key); the other order could show a definition whose version row is missing.
 */
async function writeVersion(tx: Engine, workspace: string, segment: SavedSegment): Promise<void> {
  const w = str(workspace);
  await tx.run(sql`INSERT INTO segment_versions VALUES (${w}, ${str(segment.id)}, ${int(segment.version)},
      ${str(segment.name)}, ${str(segment.description)}, ${json(segment.rule)}, ${ts(segment.updatedAt)})`);
  await tx.run(
    tx.dialect.upsert(
      segments,
      sql`VALUES (${w}, ${str(segment.id)}, ${str(segment.name)}, ${str(segment.description)}, ${str(segment.kind)},
          ${json(segment.rule)}, ${int(segment.version)}, ${ts(segment.createdAt)}, ${ts(segment.updatedAt)})`,
    ),
  );
}

/** Saves a new dynamic segment after validating it against the saved ones. */
export async function createSegment(engine: Engine, workspace: string, input: unknown): Promise<SavedSegment> {
  const saved = await listSegments(engine, workspace);
  const id = newId();
  const definition = validateDefinition(input, saved, id);
  const now = new Date();
  const segment: SavedSegment = {
    id,
    name: definition.name,
    description: definition.description ?? null,
    kind: 'dynamic',
    rule: definition.rule,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await engine.transaction((tx) => writeVersion(tx, workspace, segment));
  return segment;
}

/** Creates a static segment: a fixed list of user ids, usable in rules like any other segment. */
export async function createStaticSegment(
  engine: Engine,
  workspace: string,
  input: { name: string; description?: string; userIds: readonly string[] },
): Promise<SavedSegment> {
  const saved = await listSegments(engine, workspace);
  assertFreeName(saved, input.name, '');
  const now = new Date();
  const segment: SavedSegment = {
    id: newId(),
    name: input.name,
    description: input.description ?? null,
    kind: 'static',
    rule: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  // The list before the segment: without rollback, a failure in between leaves rows under an id nothing shows.
  await engine.transaction(async (tx) => {
    await replaceStaticMembers(tx, workspace, segment.id, input.userIds);
    await writeVersion(tx, workspace, segment);
  });
  return segment;
}

/**
 * Replaces a static segment's user list. Without rollback, a failure after the delete leaves the list empty until the
 * same replacement is made again.
 */
export async function replaceStaticMembers(
  tx: Engine,
  workspace: string,
  segmentId: string,
  userIds: readonly string[],
) {
  await tx.run(sql`DELETE FROM static_members WHERE workspace = ${str(workspace)} AND segment_id = ${str(segmentId)}`);
  const unique = [...new Set(userIds.filter((id) => id !== ''))];
  if (unique.length === 0) return;
  const staging: Sql = await tx.stage(
    staticMembers,
    unique.map((id) => [workspace, segmentId, id]),
  );
  await tx.run(sql`INSERT INTO static_members SELECT * FROM ${staging}`);
}

/** Updates a segment's definition (dynamic) or name and description; every version is kept. */
export async function updateSegment(
  engine: Engine,
  workspace: string,
  idOrName: string,
  input: unknown,
): Promise<SavedSegment> {
  const current = await getSegment(engine, workspace, idOrName);
  const saved = await listSegments(engine, workspace);
  let next: SavedSegment;
  if (current.kind === 'dynamic') {
    const definition = validateDefinition(input, saved, current.id);
    const renamedAway = saved.filter((s) => s.rule && referencedSegments(s.rule).includes(current.name));
    if (definition.name !== current.name && renamedAway.length > 0) {
      throw new UserError(
        'segment_in_use',
        `cannot rename "${current.name}": referred to by ${renamedAway.map((s) => `"${s.name}"`).join(', ')}`,
        'name',
        409,
      );
    }
    next = {
      ...current,
      name: definition.name,
      description: definition.description ?? null,
      rule: definition.rule,
      version: current.version + 1,
      updatedAt: new Date(),
    };
  } else {
    const body = (input ?? {}) as { name?: unknown; description?: unknown };
    const name = typeof body.name === 'string' ? body.name : current.name;
    assertFreeName(saved, name, current.id);
    next = {
      ...current,
      name,
      description: typeof body.description === 'string' ? body.description : current.description,
      version: current.version + 1,
      updatedAt: new Date(),
    };
  }
  await engine.transaction((tx) => writeVersion(tx, workspace, next));
  return next;
}

/** Deletes a segment and its membership; refuses while another segment refers to it. Its change log stays. */
export async function deleteSegment(engine: Engine, workspace: string, idOrName: string): Promise<SavedSegment> {
  const segment = await getSegment(engine, workspace, idOrName);
  const users = (await listSegments(engine, workspace)).filter(
    (s) => s.rule && referencedSegments(s.rule).includes(segment.name),
  );
  if (users.length > 0) {
    throw new UserError(
      'segment_in_use',
      `"${segment.name}" is used by ${users.map((s) => `"${s.name}"`).join(', ')}; change those first`,
      'segment',
      409,
    );
  }
  const w = str(workspace);
  const id = str(segment.id);
  // On the membership writer, so the deletion is ordered with evaluations that write the same membership. The
  // segment first: without rollback, a failure after it leaves rows of a segment that no longer exists, which nothing
  // reads (every reader starts from the segment).
  await (engine.segmentsLane ?? engine).transaction(async (tx) => {
    await tx.run(sql`DELETE FROM segments WHERE workspace = ${w} AND id = ${id}`);
    await tx.run(sql`DELETE FROM segment_members WHERE workspace = ${w} AND segment_id = ${id}`);
    await tx.run(sql`DELETE FROM static_members WHERE workspace = ${w} AND segment_id = ${id}`);
  });
  return segment;
}

/** Every saved version of a segment's definition, oldest first. */
export async function segmentHistory(engine: Engine, workspace: string, idOrName: string): Promise<SegmentVersion[]> {
  const segment = await getSegment(engine, workspace, idOrName);
  const rows = await engine.query(
    sql`SELECT * FROM segment_versions WHERE workspace = ${str(workspace)} AND segment_id = ${str(segment.id)} ORDER BY version`,
  );
  return rows.map((row) => ({
    version: Number(row['version']),
    name: String(row['name']),
    description: (row['description'] as string | null) ?? null,
    rule: (row['rule'] as Rule | null) ?? null,
    createdAt: row['created_at'] as Date,
  }));
}
