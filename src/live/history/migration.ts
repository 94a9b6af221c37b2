import type { Engine } from '../../engines/engine.js';
import { int, join, sql, str } from '../../engines/sql.js';
import { UserError } from '../../errors.js';
import { listSegments } from '../../segments/store.js';
import { membersAtSql, validTime } from './membership-at.js';

/** The most segments one migration compares. */
export const MAX_FAMILY = 20;
export const NONE_GROUP = '(none)';

export interface MigrationLink {
  /** Group names (see `groups`). */
  readonly from: string;
  readonly to: string;
  readonly count: number;
  /** The same flow under the side-marked node names of `nodes`, ready for an ECharts Sankey series. */
  readonly source: string;
  readonly target: string;
  readonly value: number;
}

export interface MigrationNode {
  /** `<group> · <side label>`: distinct between the two sides, as a Sankey chart needs. */
  readonly name: string;
  readonly group: string;
  readonly side: 'from' | 'to';
}

export interface MigrationResult {
  readonly from: Date;
  readonly to: Date;
  readonly segments: readonly { readonly id: string; readonly name: string }[];
  /** The segments' names in the order given, then the group of users in none of them. */
  readonly groups: readonly string[];
  /** `matrix[i][j]`: users in group i at `from` and in group j at `to`. The none → none cell is always 0. */
  readonly matrix: readonly (readonly number[])[];
  /** The non-zero cells, row by row. */
  readonly links: readonly MigrationLink[];
  /** The nodes the links use, `from` side first, in group order; only nodes with a flow. */
  readonly nodes: readonly MigrationNode[];
  /** Users in more than one of the segments at each date (each is counted in the first of them). */
  readonly overlaps: { readonly from: number; readonly to: number };
  /** Users counted: those in at least one of the segments at either date. */
  readonly total: number;
}

/**
 * Splits a comma-separated list of segment ids or names. A literal comma or backslash in a name is escaped with a
 * backslash (`Spend\, high`); spaces around the items are dropped (names never start or end with one).
 */
export function parseSegmentList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) current += text[++i];
    else if (ch === ',') {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** Escapes a segment id or name for a comma-separated list (the inverse of `parseSegmentList`). */
export const escapeSegmentListItem = (name: string): string => name.replace(/[\\,]/g, (ch) => `\\${ch}`);

/** Labels that tell the two dates apart: the days, else the full times, else "from" and "to". */
function sideLabels(from: Date, to: Date): [string, string] {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  if (day(from) !== day(to)) return [day(from), day(to)];
  if (from.getTime() !== to.getTime()) return [from.toISOString(), to.toISOString()];
  return ['from', 'to'];
}

/**
 * The non-zero cells of a migration matrix as Sankey links, and the nodes they use: each group once per side
 * (`<group> · <side label>`), `from` side first, in group order.
 */
export function sankeyOf(
  groups: readonly string[],
  matrix: readonly (readonly number[])[],
  from: Date,
  to: Date,
): { links: MigrationLink[]; nodes: MigrationNode[] } {
  const [fromLabel, toLabel] = sideLabels(from, to);
  const node = (group: string, side: 'from' | 'to'): MigrationNode => ({
    name: `${group} · ${side === 'from' ? fromLabel : toLabel}`,
    group,
    side,
  });
  const links: MigrationLink[] = [];
  matrix.forEach((line, f) => {
    line.forEach((count, t) => {
      if (count === 0) return;
      const source = node(groups[f] as string, 'from').name;
      const target = node(groups[t] as string, 'to').name;
      links.push({ from: groups[f] as string, to: groups[t] as string, count, source, target, value: count });
    });
  });
  const nodes = [
    ...groups.filter((_, f) => matrix[f]?.some((n) => n > 0)).map((g) => node(g, 'from')),
    ...groups.filter((_, t) => matrix.some((line) => (line[t] ?? 0) > 0)).map((g) => node(g, 'to')),
  ];
  return { links, nodes };
}

/**
 * How users moved between a family of segments from one date to another: a (segments + "(none)") square matrix,
 * rows at `from`, columns at `to`. Membership at each date follows the rule of `membersAt`. A user in several of
 * the segments at a date counts in the first one in the given order; users in none of them at both dates are left
 * out, so the table covers exactly the people who were in the family at either date.
 */
export async function segmentMigration(
  engine: Engine,
  workspace: string,
  options: { segments: readonly string[]; from: Date; to: Date },
): Promise<MigrationResult> {
  const from = validTime(options.from, 'from');
  const to = validTime(options.to, 'to');
  if (to.getTime() < from.getTime()) throw new UserError('invalid_range', 'to must not be before from', 'to', 400);
  if (options.segments.length === 0)
    throw new UserError('missing_parameter', 'name at least one segment: segments=a,b,c', 'segments', 400);
  if (options.segments.length > MAX_FAMILY)
    throw new UserError('invalid_parameter', `compare at most ${MAX_FAMILY} segments at a time`, 'segments', 400);
  const saved = await listSegments(engine, workspace);
  const family = options.segments.map((idOrName) => {
    const found = saved.find((s) => s.id === idOrName) ?? saved.find((s) => s.name === idOrName);
    if (!found)
      throw new UserError('unknown_segment', `no segment "${idOrName}" in workspace ${workspace}`, 'segments', 404);
    return { id: found.id, name: found.name };
  });
  const twice = family.find((s, i) => family.findIndex((other) => other.id === s.id) !== i);
  if (twice) throw new UserError('duplicate_segment', `"${twice.name}" is named twice`, 'segments', 400);

  const names = family.map((s) => s.name);
  let none = NONE_GROUP;
  for (let n = 2; names.includes(none); n++) none = `(none ${n})`;
  const groups = [...names, none];
  const noneIndex = family.length;

  const rank = sql`CASE segment_id ${join(
    family.map((s, i) => sql`WHEN ${str(s.id)} THEN ${int(i)}`),
    ' ',
  )} END`;
  const ids = family.map((s) => s.id);
  const grouped = (at: Date) =>
    sql`SELECT user_id, min(${rank}) AS g, count(*) AS k FROM (${membersAtSql(workspace, ids, at)}) AS m GROUP BY user_id`;
  const rows = await engine.query(
    sql`SELECT coalesce(a.g, ${int(noneIndex)}) AS f, coalesce(b.g, ${int(noneIndex)}) AS t, count(*) AS n,
               sum(CASE WHEN a.k > 1 THEN 1 ELSE 0 END) AS overlap_from,
               sum(CASE WHEN b.k > 1 THEN 1 ELSE 0 END) AS overlap_to
        FROM (${grouped(from)}) AS a FULL OUTER JOIN (${grouped(to)}) AS b ON a.user_id = b.user_id
        GROUP BY 1, 2`,
  );

  const matrix = groups.map(() => groups.map(() => 0));
  let overlapFrom = 0;
  let overlapTo = 0;
  let total = 0;
  for (const row of rows) {
    const f = Number(row['f']);
    const t = Number(row['t']);
    const n = Number(row['n']);
    const line = matrix[f];
    if (line) line[t] = n;
    overlapFrom += Number(row['overlap_from'] ?? 0);
    overlapTo += Number(row['overlap_to'] ?? 0);
    total += n;
  }

  const { links, nodes } = sankeyOf(groups, matrix, from, to);
  return {
    from,
    to,
    segments: family,
    groups,
    matrix,
    links,
    nodes,
    overlaps: { from: overlapFrom, to: overlapTo },
    total,
  };
}
