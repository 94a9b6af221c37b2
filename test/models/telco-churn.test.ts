import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crossValidate } from '../../src/models/classify/cross-validate.js';
import { type FeatureColumn, fitDesign } from '../../src/models/classify/design.js';
import { drivers } from '../../src/models/classify/drivers.js';
import { fitLogistic } from '../../src/models/classify/logistic.js';
import { calibration } from '../../src/models/classify/metrics.js';

// IBM Telco Customer Churn (see test/fixtures/README.md): 7,043 customers, 19 predictors, target Churn.
const NUMERIC = new Set(['tenure', 'MonthlyCharges', 'TotalCharges', 'SeniorCitizen']);

function loadTelco(): { features: FeatureColumn[]; churn: Uint8Array } {
  const text = gunzipSync(readFileSync(new URL('../fixtures/telco-churn.csv.gz', import.meta.url))).toString('utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  const header = (lines[0] as string).split(',');
  // The file has no quoted fields, so a plain split is a correct CSV parse.
  const records = lines.slice(1).map((l) => l.split(','));
  const col = (name: string) => {
    const j = header.indexOf(name);
    if (j < 0) throw new Error(`no column ${name}`);
    return records.map((r) => r[j] as string);
  };
  const features: FeatureColumn[] = header
    .filter((h) => h !== 'customerID' && h !== 'Churn')
    .map((name): FeatureColumn => {
      const raw = col(name);
      if (NUMERIC.has(name)) {
        // TotalCharges is a single space for the 11 customers with tenure 0: a missing value.
        return {
          name,
          kind: 'numeric',
          values: Float64Array.from(raw, (v) => (v.trim() === '' ? Number.NaN : Number(v))),
        };
      }
      return { name, kind: 'categorical', values: raw };
    });
  const churn = Uint8Array.from(col('Churn'), (v) => (v === 'Yes' ? 1 : 0));
  return { features, churn };
}

describe('logistic regression on IBM Telco Customer Churn', () => {
  const { features, churn } = loadTelco();

  it('parses the fixture as published: 7,043 rows, 1,869 churners, 19 predictors, 11 missing TotalCharges', () => {
    expect(churn.length).toBe(7043);
    expect(churn.reduce((s, y) => s + y, 0)).toBe(1869);
    expect(features).toHaveLength(19);
    const total = features.find((f) => f.name === 'TotalCharges');
    expect(total?.kind).toBe('numeric');
    expect(total && [...total.values].filter((v) => typeof v === 'number' && Number.isNaN(v)).length).toBe(11);
  });

  it('5-fold stratified CV gives the AUC published for logistic regression (about 0.84–0.85), well calibrated', () => {
    const cv = crossValidate(features, churn, { folds: 5, seed: 42 });
    console.log(
      `Telco 5-fold CV AUC: mean ${cv.meanAuc.toFixed(4)}, sd ${cv.sdAuc.toFixed(4)}, folds ${cv.foldAuc.map((a) => a.toFixed(4)).join(' ')}`,
    );
    expect(cv.meanAuc).toBeGreaterThanOrEqual(0.83);
    expect(cv.meanAuc).toBeLessThanOrEqual(0.87);
    // Stratification: every fold holds 1,869 / 5 ≈ 374 churners and 1,408–1,409 rows.
    for (let f = 0; f < 5; f++) {
      let rows = 0;
      let churners = 0;
      cv.fold.forEach((g, i) => {
        if (g !== f) return;
        rows++;
        churners += churn[i] as number;
      });
      expect(rows).toBeGreaterThanOrEqual(1408);
      expect(rows).toBeLessThanOrEqual(1409);
      expect(Math.abs(churners - 1869 / 5)).toBeLessThanOrEqual(1);
    }

    const table = calibration(cv.outOfFold, churn, 10);
    console.log(
      'Telco out-of-fold calibration (mean predicted → observed):',
      table.map((b) => `${b.meanPredicted.toFixed(3)}→${b.observedRate.toFixed(3)}`).join(' '),
    );
    expect(table.reduce((s, b) => s + b.count, 0)).toBe(7043);
    for (const bin of table) {
      // ~704 rows per decile: a binomial sd of at most 1.9 points, so 6 points is about 3 sd.
      expect(Math.abs(bin.observedRate - bin.meanPredicted)).toBeLessThan(0.06);
    }
  });

  it('finds the drivers every analysis of this data finds: contract length and tenure', () => {
    const { design, x } = fitDesign(features);
    const model = fitLogistic(x, churn);
    expect(model.converged).toBe(true);
    const ranked = drivers(model, design);
    console.log(
      'Telco top drivers:',
      ranked
        .slice(0, 8)
        .map((d) => `${d.column} ${d.coefficient.toFixed(3)} (z ${d.z.toFixed(1)})`)
        .join('; '),
    );
    const top = ranked.slice(0, 5).map((d) => d.feature);
    expect(top).toContain('Contract');
    expect(top).toContain('tenure');
    // Month-to-month is the most common contract, so the reference; longer contracts lower churn.
    const twoYear = ranked.find((d) => d.column === 'Contract=Two year');
    expect(twoYear?.reference).toBe('Month-to-month');
    expect(twoYear?.coefficient).toBeLessThan(0);
    expect(twoYear && Math.abs(twoYear.z)).toBeGreaterThan(5);
    const tenure = ranked.find((d) => d.column === 'tenure');
    expect(tenure?.coefficient).toBeLessThan(0);
  });
});
