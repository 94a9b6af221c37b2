import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, invertSpd, solveSpd, spdFactor } from '../../src/models/math/linear.js';
import { fromRows, type Matrix } from '../../src/models/math/matrix.js';

// The textbook example whose Cholesky factor is all integers: L = [[2,0,0],[6,1,0],[−8,5,3]].
const A = fromRows([
  [4, 12, -16],
  [12, 37, -43],
  [-16, -43, 98],
]);

function multiply(a: Matrix, x: Float64Array): number[] {
  return Array.from({ length: a.rows }, (_, i) => {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += (a.data[i * a.cols + j] as number) * (x[j] as number);
    return s;
  });
}

describe('symmetric positive-definite solve', () => {
  it('finds the known Cholesky factor', () => {
    const l = cholesky(A);
    expect(l).not.toBeNull();
    expect(Array.from(l?.data ?? [])).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
  });

  it('solves a known system: A·(1, 2, 3) = (−20, −43, 192)', () => {
    const x = solveSpd(A, Float64Array.from([-20, -43, 192]));
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(2, 12);
    expect(x[2]).toBeCloseTo(3, 12);
    const l = cholesky(A);
    if (!l) throw new Error('not PD');
    expect(Array.from(choleskySolve(l, Float64Array.from([-20, -43, 192])))).toEqual(Array.from(x));
  });

  it('inverts: A·A⁻¹ = I', () => {
    const inv = invertSpd(A);
    for (let j = 0; j < 3; j++) {
      const col = Float64Array.from([0, 1, 2], (i) => inv.data[i * 3 + j] as number);
      multiply(A, col).forEach((v, i) => {
        expect(v).toBeCloseTo(i === j ? 1 : 0, 10);
      });
    }
  });

  it('rejects an indefinite matrix and rescues a singular one with a tiny ridge', () => {
    expect(
      cholesky(
        fromRows([
          [1, 2],
          [2, 1],
        ]),
      ),
    ).toBeNull();
    // Two identical columns (exact collinearity): semi-definite, so Cholesky alone fails.
    const singular = fromRows([
      [1, 1],
      [1, 1],
    ]);
    expect(cholesky(singular)).toBeNull();
    const { jitter } = spdFactor(singular);
    expect(jitter).toBeGreaterThan(0);
    expect(jitter).toBeLessThan(1e-6);
    // b is in the range of A, so the ridge solution is (close to) the minimum-norm one, (1, 1), and solves A·x = b.
    const x = solveSpd(singular, Float64Array.from([2, 2]));
    expect(x[0]).toBeCloseTo(1, 4);
    expect(x[1]).toBeCloseTo(1, 4);
    for (const v of multiply(singular, x)) expect(v).toBeCloseTo(2, 4);
  });
});
