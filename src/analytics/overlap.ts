import type { Engine } from '../engines/engine.js';
import { int, join, type Sql, sql, trusted } from '../engines/sql.js';
import { count, ratio } from './insight/population.js';
import { checkSegmentCount, segmentsMembers } from './segment-members.js';

/** The most segments one overlap matrix covers: 20 segments are 190 pairs, each a column of one query. */
export const MAX_OVERLAP = 20;

export interface OverlapPair {
  /** Segment ids. */
  readonly a: string;
  readonly b: string;
  /** Users in both. */
  readonly both: number;
  /** both / users in either; null when both segments are empty. */
  readonly jaccard: number | null;
  /** The share of a's members that are also in b; null when a is empty. */
  readonly aInB: number | null;
  readonly bInA: number | null;
}

export interface OverlapMatrix {
  readonly asOf: Date;
  readonly segments: readonly { readonly id: string; readonly name: string; readonly size: number }[];
  /** Every pair once, in the order the segments were given (a before b). */
  readonly pairs: readonly OverlapPair[];
}

const column = (name: string) => trusted(name);

/**
 * Sizes and pairwise intersections of member relations in one query and one pass over each relation: the
 * relations are stacked with their position, grouped per user into 0/1 flags, and each pair's intersection is the sum
 * of the product of two flags. No self-join, so no relation is evaluated twice.
 */
export async function overlapCounts(
  engine: Engine,
  relations: readonly Sql[],
): Promise<{ sizes: number[]; both: (i: number, j: number) => number }> {
  const n = relations.length;
  const stacked = join(
    relations.map((members, i) => sql`SELECT ${int(i)} AS s, user_id FROM (${members}) AS r${column(String(i))}`),
    ' UNION ALL ',
  );
  const flags = relations.map((_, i) => sql`max(CASE WHEN s = ${int(i)} THEN 1 ELSE 0 END) AS ${column(`in_${i}`)}`);
  const sums: Sql[] = relations.map((_, i) => sql`sum(${column(`in_${i}`)}) AS ${column(`size_${i}`)}`);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      sums.push(sql`sum(${column(`in_${i}`)} * ${column(`in_${j}`)}) AS ${column(`both_${i}_${j}`)}`);
  const [row] = await engine.query(
    sql`SELECT ${join(sums)} FROM (SELECT user_id, ${join(flags)} FROM (${stacked}) AS u GROUP BY user_id) AS x`,
  );
  return {
    sizes: relations.map((_, i) => count(row?.[`size_${i}`])),
    both: (i, j) => count(row?.[`both_${Math.min(i, j)}_${Math.max(i, j)}`]),
  };
}

/** The pair statistics from sizes and intersections. */
export function overlapPairs(
  ids: readonly string[],
  sizes: readonly number[],
  both: (i: number, j: number) => number,
): OverlapPair[] {
  const pairs: OverlapPair[] = [];
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++) {
      const shared = both(i, j);
      const a = sizes[i] ?? 0;
      const b = sizes[j] ?? 0;
      pairs.push({
        a: ids[i] as string,
        b: ids[j] as string,
        both: shared,
        jaccard: ratio(shared, a + b - shared),
        aInB: ratio(shared, a),
        bInA: ratio(shared, b),
      });
    }
  return pairs;
}

/** How 2–20 saved segments overlap at `asOf` (default now), each compiled from its definition at that time. */
export async function overlapMatrix(
  engine: Engine,
  workspace: string,
  idsOrNames: readonly string[],
  options: { asOf?: Date } = {},
): Promise<OverlapMatrix> {
  checkSegmentCount(idsOrNames, 2, MAX_OVERLAP);
  const asOf = options.asOf ?? new Date();
  const relations = await segmentsMembers(engine, workspace, idsOrNames, asOf);
  const { sizes, both } = await overlapCounts(
    engine,
    relations.map((r) => r.members),
  );
  return {
    asOf,
    segments: relations.map((r, i) => ({ id: r.segment.id, name: r.segment.name, size: sizes[i] ?? 0 })),
    pairs: overlapPairs(
      relations.map((r) => r.segment.id),
      sizes,
      both,
    ),
  };
}
