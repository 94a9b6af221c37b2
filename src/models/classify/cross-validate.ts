import { UserError } from '../../errors.js';
import { Rng } from '../math/random.js';
import { applyDesign, type DesignOptions, type FeatureColumn, learnDesign } from './design.js';
import { fitLogistic, type LogisticOptions, predict } from './logistic.js';
import { auc } from './metrics.js';

/** Options for `crossValidate`. */
export interface CrossValidationOptions {
  /** Number of folds (default 5). */
  readonly folds?: number;
  /** Seed of the fold assignment (default 1): the same seed gives the same folds. */
  readonly seed?: number;
  readonly design?: DesignOptions;
  readonly logistic?: LogisticOptions;
}

/** Out-of-sample quality of the whole pipeline (design + logistic regression). */
export interface CrossValidationResult {
  /** AUC of each held-out fold. */
  readonly foldAuc: readonly number[];
  readonly meanAuc: number;
  /** Sample standard deviation of the fold AUCs. */
  readonly sdAuc: number;
  /** Each row's probability predicted by the model that did not see it (for calibration tables). */
  readonly outOfFold: Float64Array;
  /** Each row's fold, 0-based. */
  readonly fold: Uint8Array;
}

/**
 * Stratified k-fold cross-validation: each class is shuffled and dealt round-robin into the folds, so every fold has
 * the overall churn rate. Per fold the design (imputation, scaling, levels) is learnt on the training folds only and
 * applied to the held-out fold, so nothing about the held-out rows leaks into its predictions.
 */
export function crossValidate(
  features: readonly FeatureColumn[],
  labels: ArrayLike<number>,
  options: CrossValidationOptions = {},
): CrossValidationResult {
  const k = options.folds ?? 5;
  if (!Number.isInteger(k) || k < 2 || k > 255) {
    throw new UserError('invalid_option', `folds must be an integer from 2 to 255, not ${k}`, 'folds');
  }
  const n = labels.length;
  for (const f of features) {
    if (f.values.length !== n)
      throw new Error(`internal error: feature ${f.name} has ${f.values.length} rows, not ${n}`);
  }
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y === 1) positives.push(i);
    else if (y === 0) negatives.push(i);
    else throw new UserError('invalid_value', `label ${i} is ${y}; labels must be 0 or 1`, 'labels');
  }
  const fewest = Math.min(positives.length, negatives.length);
  if (fewest < k) {
    throw new UserError(
      'insufficient_data',
      `${k}-fold cross-validation needs at least ${k} rows of each outcome; the rarer one has ${fewest}`,
      'data',
    );
  }

  const rng = new Rng(options.seed ?? 1);
  const fold = new Uint8Array(n);
  // One running counter across both classes keeps fold sizes within one row of each other.
  let next = 0;
  for (const group of [rng.shuffle(positives), rng.shuffle(negatives)]) {
    for (const i of group) fold[i] = next++ % k;
  }

  const outOfFold = new Float64Array(n);
  const foldAuc: number[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : train).push(i);
    const trainFeatures = features.map((c) => subset(c, train));
    const trainLabels = new Uint8Array(train.length);
    train.forEach((i, r) => {
      trainLabels[r] = labels[i] as number;
    });
    const design = learnDesign(trainFeatures, options.design);
    const model = fitLogistic(applyDesign(design, trainFeatures), trainLabels, options.logistic);
    const scores = predict(
      model,
      applyDesign(
        design,
        features.map((c) => subset(c, test)),
      ),
    );
    const testLabels = new Uint8Array(test.length);
    test.forEach((i, r) => {
      outOfFold[i] = scores[r] as number;
      testLabels[r] = labels[i] as number;
    });
    foldAuc.push(auc(scores, testLabels));
  }
  const meanAuc = foldAuc.reduce((s, a) => s + a, 0) / k;
  const sdAuc = Math.sqrt(foldAuc.reduce((s, a) => s + (a - meanAuc) ** 2, 0) / (k - 1));
  return { foldAuc, meanAuc, sdAuc, outOfFold, fold };
}

function subset(column: FeatureColumn, rows: readonly number[]): FeatureColumn {
  if (column.kind === 'numeric') {
    const values = new Float64Array(rows.length);
    rows.forEach((i, r) => {
      values[r] = column.values[i] as number;
    });
    return { name: column.name, kind: 'numeric', values };
  }
  return { name: column.name, kind: 'categorical', values: rows.map((i) => column.values[i] ?? null) };
}
