import { describe, expect, it } from 'vitest';
import {
  defaultRfmGroups,
  groupCase,
  groupOf,
  type RfmGroups,
  rfmGroupsSchema,
} from '../../src/analytics/rfm/groups.js';
import { int, join, sql } from '../../src/engines/sql.js';
import { onEachEngine } from './harness.js';

const cells = [1, 2, 3, 4, 5].flatMap((r) => [1, 2, 3, 4, 5].map((f) => [r, f] as const));

/** The default map written out cell by cell (rows R1..R5, columns F1..F5), independent of the ranges in groups.ts. */
const H = 'Hibernating';
const A = 'At Risk';
const CL = "Can't Lose Them";
const AS = 'About To Sleep';
const NA = 'Need Attention';
const L = 'Loyal Customers';
const PR = 'Promising';
const NC = 'New Customers';
const PL = 'Potential Loyalists';
const CH = 'Champions';
const defaultGrid = [
  [H, H, A, A, CL], // R1
  [H, H, A, A, CL], // R2
  [AS, AS, NA, L, L], // R3
  [PR, PL, PL, L, L], // R4
  [NC, PL, PL, CH, CH], // R5
];

/** One group per cell, with names that would break SQL built from text. */
const hostileName = (r: number, f: number) =>
  [`R${r}F${f} '; DROP TABLE events; --`, `R${r}F${f} "quoted" \\ back`, `R${r}F${f} ünïcødé 用户 🎯`][(r + f) % 3] ??
  '';
const perCell: RfmGroups = cells.map(([r, f]) => ({ name: hostileName(r, f), r: [r, r], f: [f, f] }));

describe('the group mapping schema', () => {
  it('accepts the default map and covers each cell exactly once', () => {
    expect(rfmGroupsSchema.parse(defaultRfmGroups)).toEqual(defaultRfmGroups);
    for (const [r, f] of cells) expect(groupOf(defaultRfmGroups, r, f)).toBe(defaultGrid[r - 1]?.[f - 1]);
    expect(rfmGroupsSchema.parse(perCell)).toHaveLength(25);
  });

  it('points at the entry that overlaps another', () => {
    const overlapping = [...defaultRfmGroups.slice(0, 3), { name: 'Also Champions', r: [5, 5], f: [5, 5] }];
    const result = rfmGroupsSchema.safeParse(overlapping);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: [3],
      message: expect.stringContaining('R5/F5 is already covered by group 0 ("Champions")'),
    });
  });

  it('lists the cells no group covers', () => {
    const result = rfmGroupsSchema.safeParse(defaultRfmGroups.filter((g) => g.name !== 'Promising'));
    expect(result.error?.issues[0]).toMatchObject({ path: [], message: expect.stringContaining('R4/F1') });
  });

  it('wants unique names of 1–64 characters and ranges of scores 1–5, low to high', () => {
    const renamed = defaultRfmGroups.map((g, i) => (i === 4 ? { ...g, name: 'Champions' } : g));
    expect(rfmGroupsSchema.safeParse(renamed).error?.issues[0]).toMatchObject({ path: [4, 'name'] });
    const long = defaultRfmGroups.map((g, i) => (i === 2 ? { ...g, name: 'x'.repeat(65) } : g));
    expect(rfmGroupsSchema.safeParse(long).error?.issues[0]).toMatchObject({ path: [2, 'name'] });
    const empty = defaultRfmGroups.map((g, i) => (i === 1 ? { ...g, name: '' } : g));
    expect(rfmGroupsSchema.safeParse(empty).error?.issues[0]).toMatchObject({ path: [1, 'name'] });
    const backwards = defaultRfmGroups.map((g, i) => (i === 0 ? { ...g, r: [5, 4] } : g));
    expect(rfmGroupsSchema.safeParse(backwards).error?.issues[0]).toMatchObject({ path: [0, 'r'] });
    const six = defaultRfmGroups.map((g, i) => (i === 0 ? { ...g, f: [4, 6] } : g));
    expect(rfmGroupsSchema.safeParse(six).error?.issues[0]).toMatchObject({ path: [0, 'f', 1] });
    expect(rfmGroupsSchema.safeParse([]).success).toBe(false);
  });
});

onEachEngine((engine) => {
  /** The CASE evaluated on all 25 cells, as `[r, f, group]` rows. */
  const evaluate = async (groups: RfmGroups) => {
    const values = join(
      cells.map(([r, f]) => sql`SELECT ${int(r)} AS r, ${int(f)} AS f`),
      ' UNION ALL ',
    );
    const rows = await engine().query(
      sql`SELECT r, f, ${groupCase(groups, sql`r`, sql`f`)} AS segment FROM (${values}) cells ORDER BY r, f`,
    );
    return rows.map((row) => [row['r'], row['f'], row['segment']]);
  };

  it('maps each of the 25 cells to its default group in SQL', async () => {
    expect(await evaluate(defaultRfmGroups)).toEqual(cells.map(([r, f]) => [r, f, defaultGrid[r - 1]?.[f - 1]]));
  });

  it('keeps hostile group names intact (they are parameters)', async () => {
    expect(await evaluate(perCell)).toEqual(cells.map(([r, f]) => [r, f, hostileName(r, f)]));
  });
});
