import { z } from 'zod';
import { int, type Sql, sql, str } from '../../engines/sql.js';

/**
 * Named groups of the recency × frequency grid (the classic RFM segment map). Each group covers a rectangle of
 * R scores × F scores; a valid mapping covers each of the 25 cells exactly once, so every customer gets exactly one
 * group. Monetary is left out of the map on purpose, as in the usual map: it is reported per group instead.
 */

const score = z.int().min(1).max(5);
const range = z.tuple([score, score]).refine(([lo, hi]) => lo <= hi, {
  message: 'a range is [low, high] with low ≤ high',
  params: { code: 'invalid_range' },
});

export const rfmGroupSchema = z.strictObject({
  name: z.string().min(1).max(64).describe('the group name (1–64 characters)'),
  r: range.describe('recency scores [low, high], 1–5, 5 = most recent'),
  f: range.describe('frequency scores [low, high], 1–5, 5 = most orders'),
});
export type RfmGroup = z.infer<typeof rfmGroupSchema>;

/** A mapping of the R×F grid to named groups: each cell covered exactly once, names unique. */
export const rfmGroupsSchema = z
  .array(rfmGroupSchema)
  .min(1)
  .max(25)
  .superRefine((groups, ctx) => {
    const owner = new Map<string, number>();
    const names = new Map<string, number>();
    groups.forEach((group, i) => {
      const earlier = names.get(group.name);
      if (earlier !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `the name "${group.name}" is already used by group ${earlier}`,
          params: { code: 'duplicate_name' },
        });
      else names.set(group.name, i);
      const [rLo, rHi] = group.r;
      const [fLo, fHi] = group.f;
      if (rLo > rHi || fLo > fHi) return;
      for (let r = rLo; r <= rHi; r++) {
        for (let f = fLo; f <= fHi; f++) {
          const cell = `${r},${f}`;
          const first = owner.get(cell);
          if (first !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [i],
              message: `cell R${r}/F${f} is already covered by group ${first} ("${groups[first]?.name}")`,
              params: { code: 'overlapping_groups' },
            });
            return;
          }
          owner.set(cell, i);
        }
      }
    });
    if (ctx.issues.length > 0) return;
    const missing: string[] = [];
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) if (!owner.has(`${r},${f}`)) missing.push(`R${r}/F${f}`);
    if (missing.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `every R×F cell needs a group; not covered: ${missing.join(', ')}`,
        params: { code: 'uncovered_cells' },
      });
  });
export type RfmGroups = z.infer<typeof rfmGroupsSchema>;

/** The usual RFM segment map, in a stable order: from the best customers to the lost ones. */
export const defaultRfmGroups: RfmGroups = [
  { name: 'Champions', r: [5, 5], f: [4, 5] },
  { name: 'Loyal Customers', r: [3, 4], f: [4, 5] },
  { name: 'Potential Loyalists', r: [4, 5], f: [2, 3] },
  { name: 'New Customers', r: [5, 5], f: [1, 1] },
  { name: 'Promising', r: [4, 4], f: [1, 1] },
  { name: 'Need Attention', r: [3, 3], f: [3, 3] },
  { name: 'About To Sleep', r: [3, 3], f: [1, 2] },
  { name: "Can't Lose Them", r: [1, 2], f: [5, 5] },
  { name: 'At Risk', r: [1, 2], f: [3, 4] },
  { name: 'Hibernating', r: [1, 2], f: [1, 2] },
];

/** The group a cell belongs to, in TypeScript (for tests and explanations); null if the mapping misses it. */
export function groupOf(groups: RfmGroups, r: number, f: number): string | null {
  const found = groups.find((g) => r >= g.r[0] && r <= g.r[1] && f >= g.f[0] && f <= g.f[1]);
  return found?.name ?? null;
}

/**
 * The group of the columns `r` and `f` as a SQL expression: a CASE with the names as bound parameters, never as SQL
 * text (the bounds are parameters too).
 */
export function groupCase(groups: RfmGroups, r: Sql, f: Sql): Sql {
  let cases = sql``;
  for (const g of groups) {
    const bounds = (column: Sql, [lo, hi]: readonly [number, number]) =>
      sql`${column} BETWEEN ${int(lo)} AND ${int(hi)}`;
    cases = sql`${cases} WHEN ${bounds(r, g.r)} AND ${bounds(f, g.f)} THEN ${str(g.name)}`;
  }
  return sql`(CASE${cases} END)`;
}
