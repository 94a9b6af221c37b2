import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../src/analytics/runs.js';
import { userTraitHistory } from '../../src/analytics/traits/history.js';
import type { Engine } from '../../src/engines/engine.js';
import { sql, str } from '../../src/engines/sql.js';
import { importFile } from '../../src/ingest/import/index.js';
import { expectedPurchases, probabilityAlive } from '../../src/models/clv/bgnbd-predictions.js';
import { predictClv } from '../../src/models/clv/predict.js';
import { readPurchaseDays } from '../../src/models/clv/purchase-days.js';
import { readModelScores } from '../../src/models/scores.js';
import { memoryEngine } from '../helpers.js';

/**
 * `predictClv` end to end on the CDNOW 1/10 sample (test/fixtures/cdnow-sample.txt), imported with the cdnow preset:
 * the SQL summary, both fits and the traits must reproduce Fader, Hardie & Lee (2005) — BG/NBD r = 0.243,
 * α = 4.414, a = 0.793, b = 2.426, LL = −9582.4 (weeks, calibration to 1997-09-30) — and the Gamma-Gamma fit
 * p = 6.25, q = 3.74, v = 15.44 of "RFM and CLV" (2005), whose repeat-spend/frequency correlation is 0.11.
 */
const WS = 'cdnow';
const AS_OF = '1997-10-01T00:00:00Z';
let engine: Engine;
let stats: Record<string, unknown>;

beforeAll(async () => {
  engine = await memoryEngine();
  await importFile(engine, {
    workspace: WS,
    file: 'test/fixtures/cdnow-sample.txt',
    now: new Date('2000-01-01T00:00:00Z'),
    preset: 'cdnow',
  });
  const result = await predictClv(engine, WS, { asOf: AS_OF, unit: 'week', horizonDays: 273 });
  stats = result.run.stats ?? {};
}, 60_000);
afterAll(async () => {
  await engine.close();
});

const section = (name: string) => stats[name] as Record<string, number>;

describe('predict clv on CDNOW', () => {
  it('reproduces the published BG/NBD fit from the raw purchases', () => {
    const b = section('bgnbd');
    expect(b['r']).toBeCloseTo(0.243, 3);
    expect(b['alpha']).toBeCloseTo(4.414, 3);
    expect(b['a']).toBeCloseTo(0.793, 3);
    expect(b['b']).toBeCloseTo(2.426, 3);
    expect(b['log_likelihood']).toBeCloseTo(-9582.4, 1);
    expect(b['converged']).toBe(true);
    const data = stats['data'] as Record<string, unknown>;
    expect(data).toMatchObject({ customers: 2357, repeatBuyers: 946, observationEnd: '1997-09-30' });
  });

  it('reproduces the published Gamma-Gamma fit and its independence check', () => {
    const g = section('gamma_gamma');
    expect(g['p']).toBeCloseTo(6.25, 2);
    expect(g['q']).toBeCloseTo(3.74, 2);
    expect(g['v']).toBeCloseTo(15.44, 1);
    expect(section('quality')['frequencySpendCorrelation']).toBeCloseTo(0.11, 2);
    expect(section('quality')['repeatPurchasesObserved']).toBe(2457);
  });

  it("gives the paper's worked example with the fitted parameters", () => {
    const b = section('bgnbd');
    const params = { r: b['r'] as number, alpha: b['alpha'] as number, a: b['a'] as number, b: b['b'] as number };
    expect(expectedPurchases(params, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 2);
    expect(probabilityAlive(params, 0, 0, 38.86)).toBe(1);
  });

  it('writes p_alive, expected_purchases and clv into the profiles with their history', async () => {
    // Customer 4 of the master file (the preset's user id): purchases on 1997-01-01, 1997-01-18 and 1997-08-02,
    // then none to the end of September: x = 2, probably alive but less surely than someone who never came back.
    const scores = await readModelScores(engine, WS, 'clv', { limit: 5000, offset: 0 });
    expect(scores.total).toBe(2357);
    const [row] = await engine.query(
      sql`SELECT traits FROM profiles WHERE workspace = ${str(WS)} AND user_id = ${str('4')}`,
    );
    const traits = (row?.['traits'] ?? {}) as Record<string, number>;
    expect(traits['p_alive']).toBeGreaterThan(0.5);
    expect(traits['p_alive']).toBeLessThan(1);
    expect(traits['expected_purchases']).toBeGreaterThan(0);
    expect(traits['clv']).toBeGreaterThan(0);
    const history = await userTraitHistory(engine, WS, '4', 'clv');
    expect(history).toHaveLength(1);
    expect(history[0]?.at.toISOString()).toBe(new Date(AS_OF).toISOString());
  });

  it('values recent frequent buyers above one-time buyers, with every score in range', async () => {
    const { items } = await readModelScores(engine, WS, 'clv', { limit: 5000, offset: 0 });
    const days = await readPurchaseDays(engine, WS, new Date(AS_OF), ['Order Completed']);
    const history = new Map(
      days.userIds.map((id, i) => [id, { x: days.repeatDays[i] as number, last: days.lastDay[i] as number }]),
    );
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    const clvOf = (keep: (h: { x: number; last: number }) => boolean) =>
      mean(
        items
          .filter((item) => keep(history.get(item.userId) as { x: number; last: number }))
          .map((i) => Number(i.scores['clv'])),
      );
    const recentFrequent = clvOf((h) => h.x >= 3 && h.last >= days.endDay - 30);
    const oneTime = clvOf((h) => h.x === 0);
    expect(recentFrequent).toBeGreaterThan(5 * oneTime);
    for (const item of items) {
      expect(item.scores['p_alive']).toBeGreaterThanOrEqual(0);
      expect(item.scores['p_alive']).toBeLessThanOrEqual(1);
      expect(item.scores['clv']).toBeGreaterThanOrEqual(0);
    }
    // The run's total is of unrounded values; each stored value is rounded to the cent.
    const total = items.reduce((s, item) => s + Number(item.scores['clv']), 0);
    expect(Math.abs((section('quality')['clvTotal'] as number) - total)).toBeLessThan(items.length * 0.005);
  });

  it('refuses, with the reason recorded, when the data cannot support the model', async () => {
    // Before mid-January 1997 almost nobody has bought twice.
    await expect(predictClv(engine, WS, { asOf: '1997-01-03T00:00:00Z' })).rejects.toMatchObject({
      code: 'insufficient_data',
    });
    const [failed] = await listRuns(engine, WS, { kind: 'clv', limit: 1 });
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(/repeat buyers/);
    // The previous model's scores stay in place.
    expect((await readModelScores(engine, WS, 'clv', { limit: 1, offset: 0 })).total).toBe(2357);
  });

  it('rejects bad options with the path of the field', async () => {
    await expect(predictClv(engine, WS, { unit: 'month' })).rejects.toMatchObject({ path: 'unit' });
    await expect(predictClv(engine, WS, { horizonDays: 0 })).rejects.toMatchObject({ path: 'horizonDays' });
    await expect(predictClv(engine, WS, { extra: 1 })).rejects.toMatchObject({ code: 'unknown_field' });
  });
});
