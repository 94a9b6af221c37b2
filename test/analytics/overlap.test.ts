import { beforeAll, describe, expect, it } from 'vitest';
import { overlapMatrix, overlapPairs } from '../../src/analytics/overlap.js';
import type { CellValue, Engine } from '../../src/engines/engine.js';
import { sql, trusted } from '../../src/engines/sql.js';
import type { Rule } from '../../src/segments/definition.js';
import { segments, staticMembers, type Table } from '../../src/store/tables.js';
import { loadFixture, onEachEngine, resetData } from './harness.js';

/** The overlap matrix on both engines, over static and dynamic segments compiled at asOf. */

const WS = 'ov';
const AS_OF = new Date('2024-06-01T00:00:00Z');
const HOSTILE = `Spend\\, "high"'; DROP TABLE segments; --`;

async function append(engine: Engine, table: Table, rows: CellValue[][]): Promise<void> {
  if (rows.length === 0) return;
  const staging = await engine.stage(table, rows);
  await engine.run(sql`INSERT INTO ${trusted(table.name)} SELECT * FROM ${staging}`);
}

async function segment(engine: Engine, id: string, name: string, members: string[] | Rule) {
  const at = new Date('2024-01-01T00:00:00Z');
  const rule = Array.isArray(members) ? null : members;
  await append(engine, segments, [[WS, id, name, null, rule ? 'dynamic' : 'static', rule, 1, at, at]]);
  if (Array.isArray(members))
    await append(
      engine,
      staticMembers,
      members.map((u) => [WS, id, u]),
    );
}

const u = (...n: number[]) => n.map((i) => `u${i}`);

onEachEngine((engine) => {
  beforeAll(async () => {
    const e = engine();
    await resetData(e);
    for (const table of ['segments', 'static_members']) await e.run(sql`TRUNCATE TABLE ${trusted(table)}`);
    await loadFixture(e, WS, {
      profiles: u(1, 2, 3, 4, 5, 6, 7, 8, 9).map((id, i) => ({ id, traits: i >= 4 && i <= 7 ? { tier: 'gold' } : {} })),
    });
    await segment(e, 'seg_p', 'P', u(1, 2, 3, 4, 5, 6));
    await segment(e, 'seg_q', HOSTILE, u(4, 5, 6, 7, 8, 9));
    await segment(e, 'seg_r', 'R', [...u(1, 2), 'ghost']); // ghost has no profile: not a member
    await segment(e, 'seg_s', 'S empty', []);
    await segment(e, 'seg_t', 'T gold', { type: 'trait', trait: 'tier', op: '=', value: 'gold' }); // u5–u8
  });

  it('counts every pair by hand', async () => {
    const got = await overlapMatrix(engine(), WS, ['P', HOSTILE, 'seg_r', 'S empty', 'T gold'], { asOf: AS_OF });
    expect(got.asOf).toEqual(AS_OF);
    expect(got.segments).toEqual([
      { id: 'seg_p', name: 'P', size: 6 },
      { id: 'seg_q', name: HOSTILE, size: 6 },
      { id: 'seg_r', name: 'R', size: 2 },
      { id: 'seg_s', name: 'S empty', size: 0 },
      { id: 'seg_t', name: 'T gold', size: 4 },
    ]);
    const pair = (
      a: string,
      b: string,
      both: number,
      jaccard: number | null,
      aInB: number | null,
      bInA: number | null,
    ) => ({
      a,
      b,
      both,
      jaccard,
      aInB,
      bInA,
    });
    expect(got.pairs).toEqual([
      pair('seg_p', 'seg_q', 3, 3 / 9, 3 / 6, 3 / 6), // u4–u6; union 9
      pair('seg_p', 'seg_r', 2, 2 / 6, 2 / 6, 1), // u1, u2 inside P
      pair('seg_p', 'seg_s', 0, 0, 0, null), // S empty: its share inside P is undefined
      pair('seg_p', 'seg_t', 2, 2 / 8, 2 / 6, 2 / 4), // u5, u6; union 6 + 4 − 2
      pair('seg_q', 'seg_r', 0, 0, 0, 0),
      pair('seg_q', 'seg_s', 0, 0, 0, null),
      pair('seg_q', 'seg_t', 4, 4 / 6, 4 / 6, 1), // u5–u8 all in Q
      pair('seg_r', 'seg_s', 0, 0, 0, null),
      pair('seg_r', 'seg_t', 0, 0, 0, 0),
      pair('seg_s', 'seg_t', 0, 0, null, 0),
    ]);
  });

  it('validates the list of segments', async () => {
    await expect(overlapMatrix(engine(), WS, ['P'])).rejects.toMatchObject({ status: 400, path: 'segments' });
    await expect(overlapMatrix(engine(), WS, ['P', 'nope'])).rejects.toMatchObject({ status: 404 });
    await expect(overlapMatrix(engine(), WS, ['P', 'seg_p'])).rejects.toMatchObject({
      status: 400,
      code: 'duplicate_segment',
    });
    await expect(
      overlapMatrix(
        engine(),
        WS,
        Array.from({ length: 21 }, () => 'P'),
      ),
    ).rejects.toMatchObject({
      status: 400,
    });
  });
});

describe('overlapPairs', () => {
  it('leaves Jaccard undefined when both segments are empty', () => {
    expect(overlapPairs(['a', 'b'], [0, 0], () => 0)).toEqual([
      { a: 'a', b: 'b', both: 0, jaccard: null, aInB: null, bInA: null },
    ]);
  });
});
