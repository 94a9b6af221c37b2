import { describe, expect, it } from 'vitest';
import { minimize } from '../../src/models/math/optimize.js';
import { digamma, hyp2f1, logBeta, logGamma, logSumExp, logSumExp2 } from '../../src/models/math/special.js';

const EULER_GAMMA = 0.5772156649015329;

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('logGamma', () => {
  it('matches closed forms', () => {
    expectRelative(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    expectRelative(logGamma(10), Math.log(362880), 1e-14);
    expectRelative(logGamma(1.5), Math.log(Math.sqrt(Math.PI) / 2), 1e-13);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15);
  });

  it('equals ln((n − 1)!) for whole numbers', () => {
    let logFactorial = 0;
    for (let n = 2; n <= 60; n++) {
      logFactorial += Math.log(n - 1);
      expectRelative(logGamma(n), logFactorial, 1e-13);
    }
  });

  it('is accurate near 0, where ln Γ(x) = −ln x − γx + Σ (−1)^k ζ(k) x^k / k', () => {
    const x = 1e-3;
    const zeta3 = 1.2020569031595942;
    const series =
      -Math.log(x) -
      EULER_GAMMA * x +
      ((Math.PI ** 2 / 6) * x ** 2) / 2 -
      (zeta3 * x ** 3) / 3 +
      ((Math.PI ** 4 / 90) * x ** 4) / 4;
    expectRelative(logGamma(x), series, 1e-14);
  });

  it('is accurate for large x (Stirling series)', () => {
    for (const x of [1e3, 1e6, 1e10]) {
      const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
      expectRelative(logGamma(x), stirling, 1e-14);
    }
  });

  it('satisfies Γ(x + 1) = x Γ(x)', () => {
    for (const x of [0.01, 0.3, 0.77, 2.5, 7.1, 33.3]) {
      expect(logGamma(x + 1) - logGamma(x) - Math.log(x)).toBeCloseTo(0, 12);
    }
  });

  it('is NaN outside x > 0', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
  });
});

describe('logBeta and digamma', () => {
  it('logBeta matches B(2, 3) = 1/12 and B(0.5, 0.5) = π', () => {
    expectRelative(logBeta(2, 3), Math.log(1 / 12), 1e-14);
    expectRelative(logBeta(0.5, 0.5), Math.log(Math.PI), 1e-14);
  });

  it('digamma matches ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2 and ψ(x + 1) = ψ(x) + 1/x', () => {
    expectRelative(digamma(1), -EULER_GAMMA, 1e-14);
    expectRelative(digamma(0.5), -EULER_GAMMA - 2 * Math.LN2, 1e-14);
    for (const x of [0.001, 0.4, 3.3, 9.5, 10.5, 250]) {
      expect(digamma(x + 1) - digamma(x) - 1 / x).toBeCloseTo(0, 10);
    }
  });

  it('digamma is the derivative of logGamma', () => {
    for (const x of [0.2, 1.7, 12, 400]) {
      const h = 1e-5 * x;
      const slope = (logGamma(x + h) - logGamma(x - h)) / (2 * h);
      expectRelative(digamma(x), slope, 1e-7);
    }
  });
});

describe('logSumExp', () => {
  it('adds in log space without overflow or underflow', () => {
    expect(logSumExp2(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logSumExp2(-1000, -1000)).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(logSumExp2(0, Number.NEGATIVE_INFINITY)).toBe(0);
    expect(logSumExp2(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(logSumExp([Math.log(1), Math.log(2), Math.log(3)])).toBeCloseTo(Math.log(6), 14);
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('hyp2f1', () => {
  it('matches 2F1(1, 1; 2; z) = −ln(1 − z)/z, including z near 1 and z < 0', () => {
    for (const z of [0.1, 0.5, 0.9, 0.99, 0.999, 0.99999, -0.5, -1, -5, -1000]) {
      expectRelative(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z, 1e-11);
    }
  });

  it('matches 2F1(a, b; b; z) = (1 − z)^−a', () => {
    for (const [a, b] of [
      [2.3, 1.7],
      [0.243, 2.426],
      [5, 0.5],
    ] as const) {
      for (const z of [0.3, 0.9, 0.99, -0.8, -20]) {
        expectRelative(hyp2f1(a, b, b, z), (1 - z) ** -a, 1e-12);
      }
    }
  });

  it('matches 2F1(1/2, 1/2; 3/2; z²) = arcsin(z)/z and a terminating series', () => {
    for (const z of [0.3, 0.9, 0.995]) expectRelative(hyp2f1(0.5, 0.5, 1.5, z * z), Math.asin(z) / z, 1e-12);
    // a = −2: 1 − 2bz/c + b(b + 1)z²/(c(c + 1)).
    const [b, c, z] = [1.3, 2.7, 0.6];
    expectRelative(hyp2f1(-2, b, c, z), 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 1e-14);
  });

  it('is NaN where it is not defined by the series', () => {
    expect(hyp2f1(1, 1, 2, 1)).toBeNaN();
    expect(hyp2f1(1, 1, 2, 1.5)).toBeNaN();
    expect(hyp2f1(1, 1, -2, 0.5)).toBeNaN();
  });
});

describe('minimize (BFGS)', () => {
  const rosenbrock = {
    value: (x: Float64Array) => 100 * ((x[1] as number) - (x[0] as number) ** 2) ** 2 + (1 - (x[0] as number)) ** 2,
    valueAndGradient(x: Float64Array, g: Float64Array) {
      const [a, b] = [x[0] as number, x[1] as number];
      g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
      g[1] = 200 * (b - a * a);
      return this.value(x);
    },
  };

  it('finds the minimum of the Rosenbrock function from (−1.2, 1)', () => {
    const result = minimize(rosenbrock, [-1.2, 1], { gradientTolerance: 1e-9 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  it('finds it with central-difference gradients too', () => {
    const result = minimize({ value: rosenbrock.value }, [-1.2, 1], { gradientTolerance: 1e-6 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
  });

  it('solves a correlated quadratic exactly', () => {
    // f = ½ (x − m)ᵀ A (x − m) + 3 with A = [[4, 1, 0], [1, 3, 0.5], [0, 0.5, 2]] positive definite.
    const A = [4, 1, 0, 1, 3, 0.5, 0, 0.5, 2];
    const m = [1, -2, 0.5];
    const quadratic = {
      value(x: Float64Array) {
        const g = new Float64Array(3);
        return this.valueAndGradient(x, g);
      },
      valueAndGradient(x: Float64Array, g: Float64Array) {
        let f = 3;
        for (let i = 0; i < 3; i++) {
          let row = 0;
          for (let j = 0; j < 3; j++) row += (A[i * 3 + j] as number) * ((x[j] as number) - (m[j] as number));
          g[i] = row;
          f += 0.5 * ((x[i] as number) - (m[i] as number)) * row;
        }
        return f;
      },
    };
    const result = minimize(quadratic, [10, 10, 10], { gradientTolerance: 1e-10 });
    expect(result.converged).toBe(true);
    for (let i = 0; i < 3; i++) expect(result.x[i]).toBeCloseTo(m[i] as number, 9);
    expect(result.value).toBeCloseTo(3, 12);
    // BFGS with exact-enough line searches finds a 3-D quadratic's minimum in a handful of steps.
    expect(result.iterations).toBeLessThan(20);
  });

  it('steps back from where the function is undefined and reports non-convergence honestly', () => {
    // (x − 0.3)², undefined below 0.2: the first step from 0.9 (one unit downhill) lands at −0.1.
    const fenced = {
      value: (x: Float64Array) => ((x[0] as number) < 0.2 ? Number.NaN : ((x[0] as number) - 0.3) ** 2),
      valueAndGradient(x: Float64Array, g: Float64Array) {
        g[0] = 2 * ((x[0] as number) - 0.3);
        return this.value(x);
      },
    };
    const result = minimize(fenced, [0.9], { gradientTolerance: 1e-10 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(0.3, 9);
    const capped = minimize(rosenbrock, [-1.2, 1], { maxIterations: 3 });
    expect(capped.converged).toBe(false);
    expect(capped.iterations).toBe(3);
  });
});
