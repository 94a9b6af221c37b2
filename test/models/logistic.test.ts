import { describe, expect, it } from 'vitest';
import {
  applyDesign,
  type Design,
  type FeatureColumn,
  fitDesign,
  learnDesign,
} from '../../src/models/classify/design.js';
import { drivers } from '../../src/models/classify/drivers.js';
import { fitLogistic, predict } from '../../src/models/classify/logistic.js';
import { auc } from '../../src/models/classify/metrics.js';
import { fromRows, type Matrix, matrix } from '../../src/models/math/matrix.js';
import { Rng } from '../../src/models/math/random.js';

/** X̃ᵀ(y − p) with X̃ = [1, X], computed here independently of the fitting code. */
function scoreVector(x: Matrix, y: ArrayLike<number>, intercept: number, beta: Float64Array): number[] {
  const g = new Array<number>(x.cols + 1).fill(0);
  for (let i = 0; i < x.rows; i++) {
    let eta = intercept;
    for (let j = 0; j < x.cols; j++) eta += (x.data[i * x.cols + j] as number) * (beta[j] as number);
    const r = (y[i] as number) - 1 / (1 + Math.exp(-eta));
    g[0] = (g[0] as number) + r;
    for (let j = 0; j < x.cols; j++) g[j + 1] = (g[j + 1] as number) + r * (x.data[i * x.cols + j] as number);
  }
  return g;
}

/** A 2×2 table as rows: reference group (x = 0) with a churners of a + b, other group (x = 1) with c of c + d. */
function twoByTwo(a: number, b: number, c: number, d: number): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  const add = (xv: number, yv: number, count: number) => {
    for (let k = 0; k < count; k++) {
      x.push(xv);
      y.push(yv);
    }
  };
  add(0, 1, a);
  add(0, 0, b);
  add(1, 1, c);
  add(1, 0, d);
  return { x, y };
}

describe('logistic regression by IRLS', () => {
  it('reproduces the 2×2 table: slope = log odds ratio, intercept = log odds of the reference, Woolf SEs', () => {
    // Reference group: 30 of 100 churn (odds 3/7); other group: 60 of 80 (odds 3). Odds ratio 3 / (3/7) = 7.
    const { x, y } = twoByTwo(30, 70, 60, 20);
    const model = fitLogistic(fromRows(x.map((v) => [v])), y, { lambda: 0 });
    expect(model.converged).toBe(true);
    expect(model.intercept).toBeCloseTo(Math.log(30 / 70), 10);
    expect(model.coefficients[0]).toBeCloseTo(Math.log(7), 10);
    // Var(log OR) = 1/a + 1/b + 1/c + 1/d; Var(log odds of the reference) = 1/a + 1/b.
    expect(Math.sqrt(model.covariance.data[3] as number)).toBeCloseTo(Math.sqrt(1 / 30 + 1 / 70 + 1 / 60 + 1 / 20), 8);
    expect(Math.sqrt(model.covariance.data[0] as number)).toBeCloseTo(Math.sqrt(1 / 30 + 1 / 70), 8);
    // The saturated model's log-likelihood: Σ count · log(fitted share).
    const ll = 30 * Math.log(0.3) + 70 * Math.log(0.7) + 60 * Math.log(0.75) + 20 * Math.log(0.25);
    expect(model.logLikelihood).toBeCloseTo(ll, 9);
  });

  it('the same table through a categorical design: drivers report level vs reference, odds ratio and Wald z', () => {
    const { x, y } = twoByTwo(30, 70, 60, 20);
    // 100 "basic" rows make it the most frequent level, so the reference.
    const plan: FeatureColumn = { name: 'plan', kind: 'categorical', values: x.map((v) => (v ? 'pro' : 'basic')) };
    const { design, x: m } = fitDesign([plan]);
    const [driver] = drivers(fitLogistic(m, y, { lambda: 0 }), design);
    const se = Math.sqrt(1 / 30 + 1 / 70 + 1 / 60 + 1 / 20);
    expect(driver).toMatchObject({ column: 'plan=pro', feature: 'plan', level: 'pro', reference: 'basic' });
    expect(driver?.coefficient).toBeCloseTo(Math.log(7), 10);
    expect(driver?.oddsRatio).toBeCloseTo(7, 9);
    expect(driver?.standardError).toBeCloseTo(se, 8);
    expect(driver?.z).toBeCloseTo(Math.log(7) / se, 7);
  });

  it('returns a stationary point: X̃ᵀ(y − p) ≈ 0 unpenalised, and = λβ with a penalty', () => {
    const rng = new Rng(11);
    const n = 300;
    const x = matrix(n, 3);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const a = rng.normal();
      const b = rng.normal();
      const c = rng.next() < 0.4 ? 1 : 0;
      x.data.set([a, b, c], i * 3);
      y[i] = rng.next() < 1 / (1 + Math.exp(-(0.3 + a - 0.7 * b + 0.5 * c))) ? 1 : 0;
    }
    const mle = fitLogistic(x, y, { lambda: 0 });
    expect(mle.converged).toBe(true);
    for (const g of scoreVector(x, y, mle.intercept, mle.coefficients)) expect(Math.abs(g)).toBeLessThan(1e-8);

    const lambda = 5;
    const ridge = fitLogistic(x, y, { lambda });
    const g = scoreVector(x, y, ridge.intercept, ridge.coefficients);
    expect(Math.abs(g[0] as number)).toBeLessThan(1e-8);
    for (let j = 0; j < 3; j++) {
      expect(g[j + 1]).toBeCloseTo(lambda * (ridge.coefficients[j] as number), 8);
      // The penalty shrinks every coefficient towards 0.
      expect(Math.abs(ridge.coefficients[j] as number)).toBeLessThan(Math.abs(mle.coefficients[j] as number));
    }
  });

  it('stays finite under complete separation thanks to the default penalty', () => {
    // y = 1 exactly when x > 10: the unpenalised MLE is at infinity.
    const x = fromRows(Array.from({ length: 20 }, (_, i) => [(i + 1 - 10.5) / 5.77]));
    const y = Array.from({ length: 20 }, (_, i) => (i + 1 > 10 ? 1 : 0));
    const model = fitLogistic(x, y);
    expect(model.converged).toBe(true);
    expect(Number.isFinite(model.coefficients[0] as number)).toBe(true);
    expect(model.coefficients[0]).toBeGreaterThan(1);
    expect(model.coefficients[0]).toBeLessThan(100);
    const p = predict(model, x);
    expect(auc(p, y)).toBe(1);
    for (const v of p) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
    for (const v of model.covariance.data) expect(Number.isFinite(v)).toBe(true);
  });

  it('recovers the coefficients of a simulated logistic model (n = 20,000) within sampling error', () => {
    const rng = new Rng(2024);
    const n = 20_000;
    const truth = [-1, 0.8, -0.5, 1.2];
    const x = matrix(n, 3);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const row = [rng.normal(), rng.normal(), rng.next() < 0.3 ? 1 : 0];
      x.data.set(row, i * 3);
      const eta = (truth[0] as number) + row.reduce((s, v, j) => s + v * (truth[j + 1] as number), 0);
      y[i] = rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    }
    const model = fitLogistic(x, y);
    expect(model.converged).toBe(true);
    const estimates = [model.intercept, ...model.coefficients];
    estimates.forEach((b, j) => {
      const se = Math.sqrt(model.covariance.data[j * 4 + j] as number);
      // SE ≈ 1 / √(n · Var(x) · p(1 − p)) ≈ 0.02–0.04 here: the check is tight, not vacuous.
      expect(se).toBeLessThan(0.05);
      expect(Math.abs(b - (truth[j] as number))).toBeLessThan(4 * se);
    });
  });

  it('rejects labels that are not 0/1 or all the same', () => {
    const x = fromRows([[1], [2], [3]]);
    expect(() => fitLogistic(x, [0, 1, 2])).toThrow(/0 or 1/);
    expect(() => fitLogistic(x, [1, 1, 1])).toThrow(/both outcomes/);
  });
});

describe('design matrix', () => {
  const numeric = (name: string, values: number[]): FeatureColumn => ({
    name,
    kind: 'numeric',
    values: Float64Array.from(values),
  });
  const categorical = (name: string, values: (string | null)[]): FeatureColumn => ({
    name,
    kind: 'categorical',
    values,
  });
  const column = (m: Matrix, j: number) => Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j] as number);

  it('mean-imputes missing numbers, adds a missing indicator and standardises with the training scaling', () => {
    // Observed 1, 3, 5, 9: mean 4.5. After imputation deviations −3.5, 0, −1.5, 0.5, 0, 4.5: sd √(35/6).
    const { design, x } = fitDesign([numeric('spend', [1, Number.NaN, 3, 5, Number.NaN, 9])]);
    expect(design.columns.map((c) => c.name)).toEqual(['spend', 'spend_missing']);
    const sd = Math.sqrt(35 / 6);
    column(x, 0).forEach((v, i) => {
      expect(v).toBeCloseTo(([-3.5, 0, -1.5, 0.5, 0, 4.5][i] as number) / sd, 12);
    });
    expect(column(x, 1)).toEqual([0, 1, 0, 0, 1, 0]);
    // New rows reuse the training mean and sd, not their own.
    const scored = applyDesign(design, [numeric('spend', [4.5, Number.NaN, 4.5 + sd])]);
    expect(column(scored, 0)).toEqual([0, 0, expect.closeTo(1, 12)]);
    expect(column(scored, 1)).toEqual([0, 1, 0]);
    // No missing values in training: no indicator column, and a missing value at scoring still gets the mean.
    const complete = learnDesign([numeric('age', [20, 30, 40])]);
    expect(complete.columns.map((c) => c.name)).toEqual(['age']);
    expect(column(applyDesign(complete, [numeric('age', [Number.NaN])]), 0)).toEqual([0]);
  });

  it('one-hot codes with the most frequent level as reference and null as "(missing)"', () => {
    const values = ['b', 'a', 'a', null, 'b', 'a', 'c', 'a', null, 'b'];
    const { design, x } = fitDesign([categorical('plan', values)], { minLevelShare: 0 });
    // Counts: a 4, b 3, (missing) 2, c 1 → reference a; columns in frequency order.
    expect(design.features[0]).toMatchObject({ kind: 'categorical', reference: 'a', referenceCount: 4 });
    expect(design.columns.map((c) => c.name)).toEqual(['plan=b', 'plan=(missing)', 'plan=c']);
    expect(design.columns.map((c) => c.level)).toEqual(['b', '(missing)', 'c']);
    values.forEach((v, i) => {
      expect(column(x, 0)[i]).toBe(v === 'b' ? 1 : 0);
      expect(column(x, 1)[i]).toBe(v === null ? 1 : 0);
      expect(column(x, 2)[i]).toBe(v === 'c' ? 1 : 0);
    });
  });

  it('pools levels under 1 % of rows and beyond the most frequent into "(other)", and unseen levels with them', () => {
    // 200 rows: A 140, B 50, (missing) 5, C 2 (exactly 1 %: kept), D 1 and E 1 (under 1 %: pooled).
    const values: (string | null)[] = [
      ...Array<string>(140).fill('A'),
      ...Array<string>(50).fill('B'),
      ...Array<null>(5).fill(null),
      'C',
      'C',
      'D',
      'E',
    ];
    const design = learnDesign([categorical('region', values)]);
    expect(design.columns.map((c) => c.level)).toEqual(['B', '(missing)', 'C', '(other)']);
    expect(design.features[0]).toMatchObject({ reference: 'A', otherCount: 2 });
    const scored = applyDesign(design, [categorical('region', ['A', 'B', null, 'C', 'D', 'Z'])]);
    expect(Array.from(scored.data)).toEqual([
      ...[0, 0, 0, 0], // A: the reference
      ...[1, 0, 0, 0],
      ...[0, 1, 0, 0],
      ...[0, 0, 1, 0],
      ...[0, 0, 0, 1], // D was pooled in training
      ...[0, 0, 0, 1], // Z was never seen
    ]);
    // Without any pooled level there is no "(other)" column: an unseen level scores as the reference.
    const plain = learnDesign([categorical('tier', ['x', 'x', 'y'])]);
    expect(plain.columns.map((c) => c.name)).toEqual(['tier=y']);
    expect(Array.from(applyDesign(plain, [categorical('tier', ['new', 'y'])]).data)).toEqual([0, 1]);
  });

  it('keeps at most maxLevels levels (the reference included)', () => {
    // 25 levels L00…L24 with counts 50, 49, …, 26: all over 1 %, only the 20 most frequent are kept.
    const values = Array.from({ length: 25 }, (_, k) =>
      Array<string>(50 - k).fill(`L${String(k).padStart(2, '0')}`),
    ).flat();
    const design = learnDesign([categorical('city', values)]);
    const levels = design.columns.map((c) => c.level);
    expect(levels).toHaveLength(20);
    expect(levels.slice(0, 19)).toEqual(Array.from({ length: 19 }, (_, k) => `L${String(k + 1).padStart(2, '0')}`));
    expect(levels[19]).toBe('(other)');
    expect(design.features[0]).toMatchObject({ reference: 'L00', otherCount: 30 + 29 + 28 + 27 + 26 });
  });

  it('drops constant columns', () => {
    const design = learnDesign([
      numeric('flat', [7, 7, 7, 7]),
      categorical('country', ['FR', 'FR', 'FR', 'FR']),
      numeric('score', [1, 2, 3, 4]),
    ]);
    expect(design.columns.map((c) => c.name)).toEqual(['score']);
    expect(design.features.map((f) => f.name)).toEqual(['flat', 'country', 'score']);
  });

  it('survives a JSON round trip: the parsed design encodes new rows into an identical matrix', () => {
    const rng = new Rng(5);
    const make = (n: number): FeatureColumn[] => [
      numeric(
        'spend',
        Array.from({ length: n }, () => (rng.next() < 0.1 ? Number.NaN : rng.normal() * 30 + 100)),
      ),
      categorical(
        'channel',
        Array.from({ length: n }, () =>
          rng.next() < 0.05 ? null : (['web', 'app', 'store', 'fax'][rng.int(4)] ?? null),
        ),
      ),
    ];
    const design = learnDesign(make(500));
    const parsed = JSON.parse(JSON.stringify(design)) as Design;
    expect(parsed).toEqual(design);
    const fresh = make(200);
    const a = applyDesign(design, fresh);
    const b = applyDesign(parsed, fresh);
    expect(b.cols).toBe(a.cols);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('refuses to score rows that lack a feature of the design', () => {
    const design = learnDesign([numeric('spend', [1, 2, 3])]);
    expect(() => applyDesign(design, [numeric('visits', [1])])).toThrow(/needs feature spend/);
  });
});
