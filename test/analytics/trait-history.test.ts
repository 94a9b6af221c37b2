import { beforeAll, expect, it } from 'vitest';
import { traitDistribution, traitMigration, userTraitHistory } from '../../src/analytics/traits/history.js';
import type { CellValue } from '../../src/engines/engine.js';
import { sql } from '../../src/engines/sql.js';
import { traitChanges } from '../../src/store/tables.js';
import { onEachEngine } from './harness.js';

const WS = 'shop';
const JAN = new Date('2024-01-01T00:00:00Z');
const FEB = new Date('2024-02-01T00:00:00Z');
const MAR = new Date('2024-03-01T00:00:00Z');

/**
 * Three runs of `rfm_segment`: January gives ann, bob and cat a value; February moves bob and removes cat (no longer a
 * customer); March gives dan a first value. The decoy workspace and another trait must never be counted.
 */
const rows: CellValue[][] = [
  [WS, 'rfm_segment', 'ann', '"Champions"', JAN, 'r1'],
  [WS, 'rfm_segment', 'bob', '"Champions"', JAN, 'r1'],
  [WS, 'rfm_segment', 'cat', '"At Risk"', JAN, 'r1'],
  [WS, 'r_score', 'ann', '5', JAN, 'r1'],
  [WS, 'rfm_segment', 'bob', '"At Risk"', FEB, 'r2'],
  [WS, 'rfm_segment', 'cat', null, FEB, 'r2'],
  [WS, 'rfm_segment', 'o\'brien "; DROP TABLE profiles; --', '"Hibernating"', MAR, 'r3'],
  ['decoy', 'rfm_segment', 'ann', '"Hibernating"', JAN, 'r9'],
];

onEachEngine((engine) => {
  beforeAll(async () => {
    await engine().run(sql`TRUNCATE TABLE trait_changes`);
    const staged = await engine().stage(traitChanges, rows);
    await engine().run(sql`INSERT INTO trait_changes SELECT * FROM ${staged}`);
  });

  it("gives a user's history oldest first, removals as null", async () => {
    const history = await userTraitHistory(engine(), WS, 'cat');
    expect(history).toEqual([
      { trait: 'rfm_segment', value: 'At Risk', at: JAN, runId: 'r1' },
      { trait: 'rfm_segment', value: null, at: FEB, runId: 'r2' },
    ]);
    expect((await userTraitHistory(engine(), WS, 'ann', 'r_score')).map((c) => c.value)).toEqual([5]);
  });

  it('counts the values held at a time from the latest change at or before it', async () => {
    // January: ann, bob Champions; cat At Risk. Mid-February: ann Champions; bob At Risk; cat removed.
    expect((await traitDistribution(engine(), WS, 'rfm_segment', JAN)).values).toEqual([
      { value: 'Champions', users: 2 },
      { value: 'At Risk', users: 1 },
    ]);
    const feb = await traitDistribution(engine(), WS, 'rfm_segment', new Date('2024-02-15T00:00:00Z'));
    expect(feb.total).toBe(2);
    expect(feb.values).toEqual([
      { value: 'At Risk', users: 1 },
      { value: 'Champions', users: 1 },
    ]);
  });

  it('builds the migration matrix between two dates, with (none) for users without a value', async () => {
    const result = await traitMigration(engine(), WS, { trait: 'rfm_segment', from: JAN, to: MAR });
    // Users: ann Champions→Champions, bob Champions→At Risk, cat At Risk→(none), o'brien (none)→Hibernating.
    // Totals over both sides: Champions 3, At Risk 2, Hibernating 1 → that order, then (none).
    expect(result.groups).toEqual(['Champions', 'At Risk', 'Hibernating', '(none)']);
    expect(result.matrix).toEqual([
      [1, 1, 0, 0],
      [0, 0, 0, 1],
      [0, 0, 0, 0],
      [0, 0, 1, 0],
    ]);
    expect(result.total).toBe(4);
    expect(result.links.map((l) => [l.from, l.to, l.count])).toEqual([
      ['Champions', 'Champions', 1],
      ['Champions', 'At Risk', 1],
      ['At Risk', '(none)', 1],
      ['(none)', 'Hibernating', 1],
    ]);
  });

  it('refuses unknown traits and reversed ranges', async () => {
    await expect(traitMigration(engine(), WS, { trait: 'plan', from: JAN, to: MAR })).rejects.toMatchObject({
      code: 'unknown_trait',
      path: 'trait',
    });
    await expect(traitMigration(engine(), WS, { trait: 'rfm_segment', from: MAR, to: JAN })).rejects.toMatchObject({
      code: 'invalid_range',
    });
  });
});
