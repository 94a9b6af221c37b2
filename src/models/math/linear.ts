import { type Matrix, matrix } from './matrix.js';

/**
 * Symmetric positive-definite linear algebra for Newton-type fits (IRLS): a Cholesky factor, solves with it, and the
 * inverse for standard errors. The systems are small (tens of columns), so plain loops over row-major arrays do.
 */

/** The lower Cholesky factor L (A = L·Lᵀ) of a symmetric matrix, or null when A is not positive definite. */
export function cholesky(a: Matrix): Matrix | null {
  const n = checkSquare(a);
  const l = matrix(n, n);
  const A = a.data;
  const L = l.data;
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (L[j * n + k] as number) ** 2;
    // `!(d > 0)` also rejects NaN, which a poisoned Hessian would otherwise carry into every coefficient.
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * n + k] as number) * (L[j * n + k] as number);
      L[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L·Lᵀ·x = b given the lower Cholesky factor L. */
export function choleskySolve(l: Matrix, b: Float64Array): Float64Array {
  const n = checkSquare(l);
  if (b.length !== n) throw new Error(`internal error: right-hand side of length ${b.length} for a ${n}×${n} system`);
  const L = l.data;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (L[i * n + k] as number) * (y[k] as number);
    y[i] = s / (L[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= (L[k * n + i] as number) * (x[k] as number);
    x[i] = s / (L[i * n + i] as number);
  }
  return x;
}

/** A Cholesky factor and the ridge that had to be added to the diagonal to get it (0 when A was PD as given). */
export interface SpdFactor {
  readonly l: Matrix;
  readonly jitter: number;
}

/**
 * Factors a symmetric matrix that should be positive definite. When rounding (or exactly collinear columns) leaves it
 * semi-definite, retries with a tiny growing ridge on the diagonal, relative to the mean diagonal, so the solve returns a
 * slightly regularised answer instead of failing.
 */
export function spdFactor(a: Matrix): SpdFactor {
  const n = checkSquare(a);
  const exact = cholesky(a);
  if (exact) return { l: exact, jitter: 0 };
  let trace = 0;
  for (let i = 0; i < n; i++) trace += Math.abs(a.data[i * n + i] as number);
  const base = trace > 0 && Number.isFinite(trace) ? trace / n : 1;
  for (let scale = 1e-12; scale <= 1e-2; scale *= 10) {
    const jitter = base * scale;
    const shifted = matrix(n, n, Float64Array.from(a.data));
    for (let i = 0; i < n; i++) shifted.data[i * n + i] = (shifted.data[i * n + i] as number) + jitter;
    const l = cholesky(shifted);
    if (l) return { l, jitter };
  }
  throw new Error('internal error: matrix is not positive definite even with a diagonal ridge (non-finite entries?)');
}

/** Solves A·x = b for symmetric positive-definite A (with the jitter retry of `spdFactor`). */
export function solveSpd(a: Matrix, b: Float64Array): Float64Array {
  return choleskySolve(spdFactor(a).l, b);
}

/** The inverse of a symmetric positive-definite matrix (with the jitter retry of `spdFactor`). */
export function invertSpd(a: Matrix): Matrix {
  const n = checkSquare(a);
  const { l } = spdFactor(a);
  const inv = matrix(n, n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    inv.data.set(choleskySolve(l, e), j * n);
  }
  // Column j of the inverse was written as row j; the inverse is symmetric, so symmetrise away the rounding.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = ((inv.data[i * n + j] as number) + (inv.data[j * n + i] as number)) / 2;
      inv.data[i * n + j] = m;
      inv.data[j * n + i] = m;
    }
  }
  return inv;
}

function checkSquare(a: Matrix): number {
  if (a.rows !== a.cols) throw new Error(`internal error: expected a square matrix, got ${a.rows}×${a.cols}`);
  return a.rows;
}
