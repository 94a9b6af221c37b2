import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../src/analytics/runs.js';
import type { Engine } from '../../src/engines/engine.js';
import { sql, str } from '../../src/engines/sql.js';
import { importFile } from '../../src/ingest/import/index.js';
import { predictChurn } from '../../src/models/churn/predict.js';
import { readModelScores } from '../../src/models/scores.js';
import { memoryEngine } from '../helpers.js';

/**
 * Supervised churn end to end: IBM's Telco customers imported as profiles with the real CSV importer (which reads
 * Yes/No columns as booleans and `TotalCharges` as text, because of its 11 blanks), then `predictChurn` with
 * `--label Churn --positive Yes`. Logistic regression on this data set is reported at a cross-validated AUC of about
 * 0.84–0.85.
 */
const WS = 'telco';
let engine: Engine;
let stats: Record<string, unknown>;

beforeAll(async () => {
  engine = await memoryEngine();
  await importFile(engine, {
    workspace: WS,
    file: 'test/fixtures/telco-churn.csv.gz',
    kind: 'profiles',
    now: new Date('2020-01-01T00:00:00Z'),
  });
  stats = (await predictChurn(engine, WS, { label: 'Churn', positive: 'Yes' })).run.stats ?? {};
}, 60_000);
afterAll(async () => {
  await engine.close();
});

describe('supervised churn on IBM Telco', () => {
  it('reaches the cross-validated AUC typical of logistic regression on this data', () => {
    const quality = stats['quality'] as { crossValidatedAuc: number; foldAuc: number[]; calibration: unknown[] };
    expect(quality.crossValidatedAuc).toBeGreaterThan(0.83);
    expect(quality.crossValidatedAuc).toBeLessThan(0.87);
    expect(quality.foldAuc).toHaveLength(5);
    expect(quality.calibration).toHaveLength(10);
    const data = stats['data'] as Record<string, unknown>;
    expect(data).toMatchObject({ labelledUsers: 7043, behaviour: false });
    expect(data['churnRate']).toBeCloseTo(1869 / 7043, 6);
    // Every predictor but the id is used; the numeric-as-text column is numeric.
    expect((data['traitsUsed'] as string[]).sort()).toEqual(
      [
        'Contract',
        'Dependents',
        'DeviceProtection',
        'InternetService',
        'MonthlyCharges',
        'MultipleLines',
        'OnlineBackup',
        'OnlineSecurity',
        'PaperlessBilling',
        'Partner',
        'PaymentMethod',
        'PhoneService',
        'SeniorCitizen',
        'StreamingMovies',
        'StreamingTV',
        'TechSupport',
        'TotalCharges',
        'gender',
        'tenure',
      ].sort(),
    );
  });

  it('names tenure and the contract among the drivers, with the signs every analysis finds', () => {
    const model = stats['model'] as { drivers: { column: string; feature: string; coefficient: number }[] };
    const top = model.drivers.slice(0, 6);
    const tenure = top.find((d) => d.column === 'tenure');
    const twoYear = top.find((d) => d.column === 'Contract=Two year');
    expect(tenure?.coefficient).toBeLessThan(0);
    expect(twoYear?.coefficient).toBeLessThan(0);
  });

  it('writes churn_risk for every customer, higher for the churners', async () => {
    const { items, total } = await readModelScores(engine, WS, 'churn', { limit: 1000, offset: 0 });
    expect(total).toBe(7043);
    const rows = await engine.query(
      sql`SELECT json_extract(traits, '$.Churn') AS churned, avg(CAST(json_extract(traits, '$.churn_risk') AS DOUBLE)) AS risk
          FROM profiles WHERE workspace = ${str(WS)} GROUP BY 1 ORDER BY 1`,
    );
    const risk = Object.fromEntries(rows.map((row) => [String(row['churned']), Number(row['risk'])]));
    expect(risk['true']).toBeGreaterThan(risk['false'] as number);
    expect(
      items.every((item) => Number(item.scores['churn_risk']) >= 0 && Number(item.scores['churn_risk']) <= 1),
    ).toBe(true);
  });

  it('refuses a label nobody has, and a positive value nobody has, recording the failed run', async () => {
    await expect(
      predictChurn(engine, WS, { label: "x'); DROP TABLE profiles; --", positive: 'Yes' }),
    ).rejects.toMatchObject({
      code: 'unknown_trait',
      path: 'label',
    });
    await expect(predictChurn(engine, WS, { label: 'Contract', positive: 'Never' })).rejects.toMatchObject({
      code: 'insufficient_data',
    });
    const [failed] = await listRuns(engine, WS, { kind: 'churn', limit: 1 });
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed?.error).toMatch(/"Month-to-month" ×3875/);
    const [count] = await engine.query(sql`SELECT count(*) AS n FROM profiles WHERE workspace = ${str(WS)}`);
    expect(Number(count?.['n'])).toBe(7043);
  });

  it('takes both label and positive, or neither', async () => {
    await expect(predictChurn(engine, WS, { label: 'Churn' })).rejects.toMatchObject({ path: 'positive' });
    await expect(predictChurn(engine, WS, { positive: 'Yes' })).rejects.toMatchObject({ path: 'label' });
    await expect(
      predictChurn(engine, WS, { label: 'Churn', positive: 'Yes', traits: ['customerID'] }),
    ).rejects.toMatchObject({
      code: 'unusable_trait',
      path: 'traits[0]',
    });
  });
});
