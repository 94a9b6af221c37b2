import { beforeAll, expect, it } from 'vitest';
import type { Engine } from '../../src/engines/engine.js';
import { sql, str, trusted } from '../../src/engines/sql.js';
import { UserError } from '../../src/errors.js';
import { modelDistribution } from '../../src/models/distribution.js';
import { Rng } from '../../src/models/math/random.js';
import { modelScores } from '../../src/store/tables.js';
import { onEachEngine } from '../analytics/harness.js';

/**
 * `modelDistribution` on both engines against figures computed here from the same values: 1,000 churn risks with a
 * long tail, users without a value, another workspace's scores, and a model whose outputs are all equal.
 */

const WS = 'dist';
const RUN = 'run_dist_1';

const rng = new Rng(5);
/** Mostly low risks, 2 % very high ones: the tail that p99 keeps out of the bins' range. */
const RISKS = Array.from({ length: 1000 }, (_, i) => (i % 50 === 0 ? 0.95 + rng.next() * 0.05 : rng.next() ** 3 * 0.6));

/** Type-7 quantile of sorted values. */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const above = Math.min(below + 1, sorted.length - 1);
  return (sorted[below] as number) + (h - below) * ((sorted[above] as number) - (sorted[below] as number));
}

async function insertScores(engine: Engine, rows: [string, string, string, string, Record<string, unknown>][]) {
  const staged = await engine.stage(modelScores, rows);
  await engine.run(sql`INSERT INTO ${trusted('model_scores')} SELECT * FROM ${staged}`);
}

onEachEngine((engine) => {
  beforeAll(async () => {
    await engine().run(sql`DELETE FROM model_scores WHERE workspace IN (${str(WS)}, ${str('other')})`);
    await insertScores(engine(), [
      ...RISKS.map((risk, i): [string, string, string, string, Record<string, unknown>] => [
        WS,
        'churn',
        `u${i}`,
        RUN,
        { churn_risk: risk },
      ]),
      // Scored users without the output (a null, or the key missing) are not part of its distribution.
      [WS, 'churn', 'no-value', RUN, { churn_risk: null }],
      [WS, 'churn', "o'brien", RUN, {}],
      // Another workspace, with values far outside this one's range.
      ...Array.from({ length: 10 }, (_, i): [string, string, string, string, Record<string, unknown>] => [
        'other',
        'churn',
        `x${i}`,
        'run_other',
        { churn_risk: 5 },
      ]),
      // A CLV model whose customers all have the same value.
      ...Array.from({ length: 7 }, (_, i): [string, string, string, string, Record<string, unknown>] => [
        WS,
        'clv',
        `u${i}`,
        'run_clv',
        { p_alive: 1, expected_purchases: 0.5, clv: 120 },
      ]),
    ]);
  });

  it('summarises the output and bins it over [min, p99], the last bin holding everything above', async () => {
    const got = await modelDistribution(engine(), WS, 'churn', { output: 'churn_risk', bins: 10 });
    const sorted = [...RISKS].sort((a, b) => a - b);
    const min = sorted[0] as number;
    const max = sorted[sorted.length - 1] as number;
    expect(got).toMatchObject({ kind: 'churn', output: 'churn_risk', runId: RUN, users: 1000 });
    expect(got.min).toBeCloseTo(min, 12);
    expect(got.max).toBeCloseTo(max, 12);
    expect(got.mean).toBeCloseTo(RISKS.reduce((s, v) => s + v, 0) / RISKS.length, 12);
    const expected = { p10: 0.1, p25: 0.25, p50: 0.5, p75: 0.75, p90: 0.9, p99: 0.99 };
    for (const [name, p] of Object.entries(expected)) {
      expect(got.quantiles[name as keyof typeof expected], name).toBeCloseTo(quantile(sorted, p), 12);
    }
    const p99 = quantile(sorted, 0.99);
    const width = (p99 - min) / 10;
    expect(got.bins).toHaveLength(10);
    got.bins.forEach((bin, i) => {
      expect(bin.from).toBeCloseTo(min + i * width, 12);
      expect(bin.to).toBeCloseTo(min + (i + 1) * width, 12);
      const inside = RISKS.filter((v) => (i === 9 ? v >= bin.from : v >= bin.from && v < bin.to)).length;
      expect(bin.count, `bin ${i}`).toBe(inside);
    });
    expect(got.bins.reduce((s, bin) => s + bin.count, 0)).toBe(1000);
    // The tail above p99 is in the last bin.
    expect(got.bins[9]?.count).toBeGreaterThanOrEqual(RISKS.filter((v) => v > p99).length);
  });

  it('defaults to 20 bins and to the only numeric output of the model', async () => {
    const got = await modelDistribution(engine(), WS, 'churn', { output: '' });
    expect(got.output).toBe('churn_risk');
    expect(got.bins).toHaveLength(20);
    expect(got.bins.reduce((s, bin) => s + bin.count, 0)).toBe(1000);
  });

  it('answers one bin when every value is the same', async () => {
    const got = await modelDistribution(engine(), WS, 'clv', { output: 'clv' });
    expect(got).toMatchObject({ runId: 'run_clv', users: 7, min: 120, max: 120, mean: 120 });
    expect(got.quantiles).toEqual({ p10: 120, p25: 120, p50: 120, p75: 120, p90: 120, p99: 120 });
    expect(got.bins).toEqual([{ from: 120, to: 120, count: 7 }]);
  });

  it('answers an empty distribution for a model never fitted', async () => {
    expect(await modelDistribution(engine(), 'nobody', 'churn', { output: 'churn_risk' })).toEqual({
      kind: 'churn',
      output: 'churn_risk',
      runId: null,
      users: 0,
      min: null,
      max: null,
      mean: null,
      quantiles: { p10: null, p25: null, p50: null, p75: null, p90: null, p99: null },
      bins: [],
    });
  });

  it('refuses an output the model does not have, and bins out of range, naming the parameter', async () => {
    const refusal = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserError);
      return error as UserError;
    };
    const hostile = "churn_risk'); DROP TABLE model_scores; --";
    for (const output of [hostile, 'clv', 'cluster']) {
      const error = await refusal(modelDistribution(engine(), WS, 'churn', { output }));
      expect(error).toMatchObject({ status: 400, path: 'output' });
    }
    expect(await refusal(modelDistribution(engine(), WS, 'cluster', { output: '' }))).toMatchObject({ path: 'output' });
    expect(await refusal(modelDistribution(engine(), WS, 'clv', { output: '' }))).toMatchObject({
      code: 'missing_parameter',
      path: 'output',
    });
    for (const bins of [4, 101, 2.5]) {
      expect(await refusal(modelDistribution(engine(), WS, 'churn', { output: 'churn_risk', bins }))).toMatchObject({
        status: 400,
        path: 'bins',
      });
    }
    expect((await modelDistribution(engine(), WS, 'churn', { output: 'churn_risk' })).users).toBe(1000);
  });
});
