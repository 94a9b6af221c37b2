import { UserError } from '../../errors.js';
import { choleskySolve, invertSpd, spdFactor } from '../math/linear.js';
import { type Matrix, matrix } from '../math/matrix.js';

/** Fitting options for `fitLogistic`. */
export interface LogisticOptions {
  /**
   * L2 penalty on the coefficients (never the intercept): the fit maximises loglik − λ/2·Σβ². Default 1e-4 × rows,
   * small enough not to matter on real data yet enough to keep separated or collinear columns finite. 0 = plain MLE.
   */
  readonly lambda?: number;
  /** Newton iterations at most (default 50). */
  readonly maxIterations?: number;
  /** Converged when the penalised log-likelihood changes by less than tolerance × (|loglik| + 0.1) (default 1e-10). */
  readonly tolerance?: number;
  /** …or when no coefficient moves by more than this (default 1e-9). */
  readonly stepTolerance?: number;
}

/** A fitted logistic regression: P(y = 1 | x) = sigmoid(intercept + x·coefficients). */
export interface LogisticModel {
  readonly intercept: number;
  /** One per design-matrix column, on the scale of the matrix (standardised for a `Design` matrix). */
  readonly coefficients: Float64Array;
  /**
   * The inverse of the penalised negative Hessian at the returned coefficients, (cols + 1)², intercept first: the
   * (approximate, for λ > 0) covariance of the estimates, for Wald standard errors.
   */
  readonly covariance: Matrix;
  /** The (unpenalised) log-likelihood at the returned coefficients. */
  readonly logLikelihood: number;
  readonly lambda: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly rows: number;
}

/**
 * Fits a logistic regression with intercept by IRLS (Newton–Raphson on the penalised log-likelihood), halving steps
 * that would lower it. Each iteration is one pass over the rows accumulating the log-likelihood, gradient and XᵀWX,
 * so the cost is rows × cols² / 2 per iteration. Labels must be 0 or 1, with both present.
 */
export function fitLogistic(x: Matrix, labels: ArrayLike<number>, options: LogisticOptions = {}): LogisticModel {
  const n = x.rows;
  if (labels.length !== n) throw new Error(`internal error: ${labels.length} labels for ${n} rows`);
  const lambda = options.lambda ?? 1e-4 * n;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-10;
  const stepTolerance = options.stepTolerance ?? 1e-9;
  if (!(lambda >= 0 && Number.isFinite(lambda))) {
    throw new UserError('invalid_option', `lambda must be a finite number ≥ 0, not ${lambda}`, 'lambda');
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new UserError(
      'invalid_option',
      `maxIterations must be a positive integer, not ${maxIterations}`,
      'maxIterations',
    );
  }
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new UserError('invalid_value', `label ${i} is ${y}; labels must be 0 or 1`, 'labels');
    positives += y;
  }
  if (positives === 0 || positives === n) {
    throw new UserError(
      'insufficient_data',
      `a classifier needs both outcomes; all ${n} rows are ${positives === 0 ? 0 : 1}`,
      'data',
    );
  }
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i] as number)) throw new Error('internal error: non-finite value in the design matrix');
  }

  const p = x.cols + 1;
  let beta = new Float64Array(p);
  // Starting from the intercept-only MLE puts the first Newton step close to the answer.
  beta[0] = Math.log(positives / (n - positives));
  let state = evaluate(x, labels, beta, lambda);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const step = choleskySolve(spdFactor(state.hessian).l, state.gradient);
    let scale = 1;
    let next = beta;
    let nextState = state;
    // Newton on a concave objective rarely overshoots, but near separation it can; halve until it no longer drops.
    for (let halving = 0; halving < 30; halving++) {
      next = beta.map((b, j) => b + scale * (step[j] as number));
      nextState = evaluate(x, labels, next, lambda);
      if (nextState.penalised >= state.penalised - 1e-12 * (Math.abs(state.penalised) + 1)) break;
      scale /= 2;
    }
    let maxStep = 0;
    for (let j = 0; j < p; j++) maxStep = Math.max(maxStep, Math.abs((next[j] as number) - (beta[j] as number)));
    const change = Math.abs(nextState.penalised - state.penalised);
    beta = next;
    state = nextState;
    if (change < tolerance * (Math.abs(state.penalised) + 0.1) || maxStep < stepTolerance) {
      converged = true;
      break;
    }
  }
  return {
    intercept: beta[0] as number,
    coefficients: beta.slice(1),
    covariance: invertSpd(state.hessian),
    logLikelihood: state.logLikelihood,
    lambda,
    iterations,
    converged,
    rows: n,
  };
}

interface State {
  readonly logLikelihood: number;
  readonly penalised: number;
  /** Gradient of the penalised log-likelihood, intercept first. */
  readonly gradient: Float64Array;
  /** Negative Hessian of the penalised log-likelihood: XᵀWX + λ·I (intercept unpenalised). */
  readonly hessian: Matrix;
}

/** One pass over the rows: log-likelihood, gradient and XᵀWX at `beta` (intercept first). */
function evaluate(x: Matrix, labels: ArrayLike<number>, beta: Float64Array, lambda: number): State {
  const { rows, cols, data } = x;
  const p = cols + 1;
  const gradient = new Float64Array(p);
  const packed = new Float64Array((p * (p + 1)) / 2);
  const xi = new Float64Array(p);
  xi[0] = 1;
  let ll = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let eta = beta[0] as number;
    for (let j = 0; j < cols; j++) {
      const v = data[o + j] as number;
      xi[j + 1] = v;
      eta += v * (beta[j + 1] as number);
    }
    const y = labels[i] as number;
    // log(1 + e^η) and the sigmoid, each written so neither e^η nor e^−η can overflow.
    let prob: number;
    let softplus: number;
    if (eta >= 0) {
      const e = Math.exp(-eta);
      prob = 1 / (1 + e);
      softplus = eta + Math.log1p(e);
    } else {
      const e = Math.exp(eta);
      prob = e / (1 + e);
      softplus = Math.log1p(e);
    }
    ll += y * eta - softplus;
    const r = y - prob;
    const w = prob * (1 - prob);
    // The upper triangle, packed row by row so the innermost loop just walks forward; unpacked after the pass.
    let t = 0;
    for (let a = 0; a < p; a++) {
      const xa = xi[a] as number;
      gradient[a] = (gradient[a] as number) + r * xa;
      const wa = w * xa;
      // One-hot columns are mostly 0: their whole row of products can be skipped.
      if (wa === 0) {
        t += p - a;
        continue;
      }
      for (let b = a; b < p; b++, t++) packed[t] = (packed[t] as number) + wa * (xi[b] as number);
    }
  }
  const h = new Float64Array(p * p);
  for (let a = 0, t = 0; a < p; a++) {
    for (let b = a; b < p; b++, t++) {
      h[a * p + b] = packed[t] as number;
      h[b * p + a] = packed[t] as number;
    }
  }
  let penalty = 0;
  for (let j = 1; j < p; j++) {
    const b = beta[j] as number;
    penalty += b * b;
    gradient[j] = (gradient[j] as number) - lambda * b;
    h[j * p + j] = (h[j * p + j] as number) + lambda;
  }
  return { logLikelihood: ll, penalised: ll - (lambda / 2) * penalty, gradient, hessian: matrix(p, p, h) };
}

/** Predicted probabilities P(y = 1) for the rows of `x` (encoded with the design the model was fitted on). */
export function predict(model: LogisticModel, x: Matrix): Float64Array {
  const { rows, cols, data } = x;
  const beta = model.coefficients;
  if (beta.length !== cols) throw new Error(`internal error: ${cols} columns for a model of ${beta.length}`);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let eta = model.intercept;
    const o = i * cols;
    for (let j = 0; j < cols; j++) eta += (data[o + j] as number) * (beta[j] as number);
    out[i] = sigmoid(eta);
  }
  return out;
}

/** 1 / (1 + e^−η), computed without overflow for any η. */
export function sigmoid(eta: number): number {
  if (eta >= 0) return 1 / (1 + Math.exp(-eta));
  const e = Math.exp(eta);
  return e / (1 + e);
}
