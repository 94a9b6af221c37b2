import { type Matrix, matrix } from './matrix.js';

/** Eigenvalues of a symmetric matrix, largest first, with their unit eigenvectors. */
export interface SymmetricEigen {
  readonly values: Float64Array;
  /** n × n; column j is the eigenvector of `values[j]`. */
  readonly vectors: Matrix;
}

/**
 * The eigen-decomposition of a small symmetric matrix (a covariance of a handful of features) by cyclic Jacobi
 * rotations: unconditionally convergent and accurate to rounding for symmetric input, which power iteration is not
 * when two eigenvalues are close. Each vector's sign is fixed so that its largest-magnitude entry is positive, so the
 * same input always gives the same axes.
 */
export function symmetricEigen(input: Matrix): SymmetricEigen {
  const n = input.rows;
  if (input.cols !== n) throw new Error(`internal error: eigen-decomposition of a ${n}×${input.cols} matrix`);
  const a = Float64Array.from(input.data);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const at = (i: number, j: number) => a[i * n + j] as number;
  let scale = 0;
  for (let p = 0; p < n * n; p++) scale = Math.max(scale, Math.abs(a[p] as number));

  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += at(i, j) ** 2;
    if (off <= (1e-15 * scale) ** 2) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(p, q);
        if (apq === 0) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.5.1), with the smaller root for stability.
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = at(k, p);
          const akq = at(k, q);
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => at(y, y) - at(x, x) || x - y);
  const values = Float64Array.from(order, (i) => at(i, i));
  const vectors = matrix(n, n);
  order.forEach((from, to) => {
    let largest = 0;
    for (let k = 0; k < n; k++) {
      const value = v[k * n + from] as number;
      if (Math.abs(value) > Math.abs(largest)) largest = value;
    }
    const sign = largest < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) vectors.data[k * n + to] = sign * (v[k * n + from] as number);
  });
  return { values, vectors };
}
