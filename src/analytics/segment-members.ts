import type { Engine } from '../engines/engine.js';
import type { Sql } from '../engines/sql.js';
import { UserError } from '../errors.js';
import { dependenciesOf } from '../live/dependencies.js';
import type { SegmentIr } from '../segments/ir/nodes.js';
import { segmentIr } from '../segments/refresh.js';
import { compileMembers } from '../segments/sql/compile.js';
import { listSegments, type SavedSegment, segmentWithAll } from '../segments/store.js';
import { TRAIT_GROUPS } from './traits/definitions.js';

/**
 * A saved segment's members as a relation (`SELECT user_id …`) compiled from its definition at `asOf`, rather than
 * read from `segment_members`: the analyses then describe the segment at any time, also before its first refresh,
 * and static segments compile to their uploaded list. The query only reads, so it runs on every engine.
 */
export interface SegmentRelation {
  readonly segment: SavedSegment;
  readonly members: Sql;
  /** What the rule reads: insight leaves these out of "what distinguishes it", which they do by definition. */
  readonly reads: RuleReads;
}

export interface RuleReads {
  readonly traits: ReadonlySet<string>;
  readonly events: ReadonlySet<string>;
}

/**
 * The trait keys and event names a segment's rule reads (references included). A computed trait stands for its
 * whole family: a rule on `rfm_segment` makes `r_score` and `f_score` distinguish it by construction too.
 */
function readsOf(ir: SegmentIr): RuleReads {
  const deps = dependenciesOf(ir);
  const traits = new Set(deps.traits);
  for (const family of TRAIT_GROUPS) {
    if (family.some((trait) => traits.has(trait))) for (const trait of family) traits.add(trait);
  }
  return { traits, events: new Set(deps.events) };
}

export async function segmentMembers(
  engine: Engine,
  workspace: string,
  idOrName: string,
  asOf: Date,
): Promise<SegmentRelation> {
  const { segment, saved } = await segmentWithAll(engine, workspace, idOrName);
  return relationOf(engine, workspace, segment, saved, asOf);
}

/** The relation of one segment among already-read saved segments (they resolve references), lowered once. */
function relationOf(
  engine: Engine,
  workspace: string,
  segment: SavedSegment,
  saved: readonly SavedSegment[],
  asOf: Date,
): SegmentRelation {
  const ir = segmentIr(segment, saved, asOf);
  return { segment, members: compileMembers(ir, engine.dialect, { workspace }), reads: readsOf(ir) };
}

/** The members relation of one segment among already-read saved segments. */
export function membersOf(
  engine: Engine,
  workspace: string,
  segment: SavedSegment,
  saved: readonly SavedSegment[],
  asOf: Date,
): Sql {
  return relationOf(engine, workspace, segment, saved, asOf).members;
}

/**
 * Several segments by id or name with one read of the segment list, in the order given. Unknown names are a 404
 * naming the parameter `path`; a segment named twice is a 400.
 */
export async function segmentsMembers(
  engine: Engine,
  workspace: string,
  idsOrNames: readonly string[],
  asOf: Date,
  path = 'segments',
): Promise<SegmentRelation[]> {
  const saved = await listSegments(engine, workspace);
  const found = idsOrNames.map((idOrName) => {
    const segment = saved.find((s) => s.id === idOrName) ?? saved.find((s) => s.name === idOrName);
    if (!segment)
      throw new UserError('unknown_segment', `no segment "${idOrName}" in workspace ${workspace}`, path, 404);
    return segment;
  });
  const twice = found.find((s, i) => found.findIndex((other) => other.id === s.id) !== i);
  if (twice) throw new UserError('duplicate_segment', `"${twice.name}" is named twice`, path, 400);
  return found.map((segment) => relationOf(engine, workspace, segment, saved, asOf));
}

/** Checks how many segments a comparison names. */
export function checkSegmentCount(idsOrNames: readonly string[], min: number, max: number, path = 'segments'): void {
  if (idsOrNames.length < min || idsOrNames.length > max)
    throw new UserError(
      'invalid_parameter',
      `name ${min}–${max} segments (ids or names), got ${idsOrNames.length}`,
      path,
      400,
    );
}
