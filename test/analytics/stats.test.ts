import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  erfc,
  incompleteBeta,
  logGamma,
  normalCdf,
  studentCdf,
  studentTwoSided,
  twoProportionZTest,
  welchTTest,
} from '../../src/analytics/insight/stats.js';

/**
 * Pure functions, so no engine. Reference values were computed with mpmath at 40 significant digits
 * (`mpmath.erfc`, `mpmath.betainc(df/2, 1/2, 0, df/(df+t²), regularized=True)`) and scipy 1.17
 * (`scipy.stats.ttest_ind(equal_var=False)`, `scipy.stats.false_discovery_control`, `scipy.stats.norm`); the
 * textbook ones (erfc(1), Φ(−1.96)) also appear in Abramowitz & Stegun, table 7.1 and 26.1.
 */

/** |actual − expected| ≤ rel·|expected|. */
const near = (actual: number, expected: number, rel = 1e-13) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * rel);

describe('erfc and the normal CDF', () => {
  it('matches mpmath to ~1e-13 relative, far into the tail', () => {
    const reference: [number, number][] = [
      [0, 1],
      [0.1, 0.887537083981715],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [1.5, 0.033894853524689274],
      [1.99, 0.004888586800383003],
      [2, 0.004677734981047266],
      [2.01, 0.004475150644751763],
      [3, 2.209049699858544e-5],
      [5, 1.537459794428035e-12],
      [8, 1.1224297172982926e-29],
      [15, 7.212994172451207e-100],
      [26, 5.663192408856143e-296],
      [-1, 1.8427007929497148],
    ];
    for (const [x, value] of reference) near(erfc(x), value);
    expect(erfc(30)).toBe(0);
  });

  it('gives Φ(−1.96) = 0.0249979, Φ(1.6449) = 0.95 and the far tail Φ(−8) = 6.22e-16', () => {
    near(normalCdf(-1.96), 0.024997895148220435);
    near(normalCdf(1.6448536269514722), 0.95);
    // 1 − Φ(8) would be 0 in doubles; the lower tail keeps its digits.
    near(normalCdf(-8), 6.22096057427174e-16, 1e-12);
  });
});

describe('Student t through the incomplete beta', () => {
  it('has the right building blocks: ln Γ and I_x(a, b)', () => {
    near(logGamma(0.5), Math.log(Math.sqrt(Math.PI))); // Γ(½) = √π
    near(logGamma(10), Math.log(362_880)); // Γ(10) = 9!
    // I_x(1, 1) = x; I_x(a, 1) = x^a.
    near(incompleteBeta(0.3, 1, 1), 0.3);
    near(incompleteBeta(0.6, 3, 1), 0.216);
  });

  it('matches mpmath for small, fractional and very large df', () => {
    // t = 1, df = 1 is the Cauchy distribution: P(|T| ≥ 1) = 1/2 exactly.
    near(studentTwoSided(1, 1), 0.5);
    near(studentTwoSided(2, 5), 0.10193947882985836);
    near(studentTwoSided(3, 10), 0.013343655022569572);
    near(studentTwoSided(0.5, 2.5), 0.6576979198697146);
    near(studentTwoSided(10, 3), 0.0021283990584141503);
    near(studentTwoSided(12.3, 41.7), 1.844452650108358e-15, 1e-12);
    // Large df: ln Γ differences lose a few digits, still far better than a normal approximation (0.04999579).
    near(studentTwoSided(2.5, 1000), 0.012578567801090713, 1e-10);
    near(studentTwoSided(1.96, 1e6), 0.049996067582829366, 1e-8);
    expect(studentTwoSided(0, 7)).toBe(1);
    near(studentCdf(-2, 5), 0.10193947882985836 / 2);
    near(studentCdf(2, 5), 1 - 0.10193947882985836 / 2);
  });
});

describe('two-proportion z-test', () => {
  it('computes 30/100 against 20/100 by hand', () => {
    // pooled p = 50/200 = 0.25; se = √(0.25·0.75·(1/100 + 1/100)) = √0.00375 = 0.0612372;
    // z = (0.30 − 0.20)/0.0612372 = 1.6329932; p = 2·(1 − Φ(1.6329932)) = 0.1024704 (scipy norm.sf).
    const test = twoProportionZTest(30, 100, 20, 100);
    near(test?.z ?? 0, 1.6329931618554523);
    near(test?.pValue ?? 0, 0.10247043485974937, 1e-12);
  });

  it('is symmetric, and says "no difference" when nobody or everybody has it', () => {
    expect(twoProportionZTest(20, 100, 30, 100)?.z).toBeCloseTo(-1.6329931618554523, 12);
    expect(twoProportionZTest(0, 10, 0, 90)).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest(10, 10, 90, 90)).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest(1, 0, 1, 5)).toBeNull();
  });
});

describe("Welch's t-test", () => {
  const summary = (values: number[]) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
    return { n: values.length, mean, variance };
  };

  it('matches scipy.stats.ttest_ind(equal_var=False)', () => {
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const test = welchTTest(summary(a), summary(b));
    near(test?.t ?? 0, -2.455356398286006, 1e-12);
    near(test?.df ?? 0, 24.988529290231416, 1e-12);
    near(test?.pValue ?? 0, 0.021378001462866992, 1e-11);
    // Unequal sizes and variances: [1,2,3,4] vs [2,4,…,12]: t = −2.7136021, df = 6.5946710, p = 0.0318244.
    const small = welchTTest(summary([1, 2, 3, 4]), summary([2, 4, 6, 8, 10, 12]));
    near(small?.t ?? 0, -2.713602101199873, 1e-12);
    near(small?.df ?? 0, 6.59467097295115, 1e-12);
    near(small?.pValue ?? 0, 0.03182444378084147, 1e-11);
  });

  it('needs two values a side, and handles constant groups', () => {
    expect(welchTTest({ n: 1, mean: 3, variance: 0 }, { n: 5, mean: 1, variance: 1 })).toBeNull();
    expect(welchTTest({ n: 3, mean: 2, variance: 0 }, { n: 4, mean: 2, variance: 0 })?.pValue).toBe(1);
    expect(welchTTest({ n: 3, mean: 2, variance: 0 }, { n: 4, mean: 5, variance: 0 })?.pValue).toBe(0);
  });
});

describe('Benjamini–Hochberg', () => {
  it('matches scipy.stats.false_discovery_control / R p.adjust(p, "BH")', () => {
    // Sorted p (0.005, 0.011, 0.02, 0.04, 0.13), m = 5: m·p/rank = 0.025, 0.0275, 0.0333, 0.05, 0.13 (already
    // increasing, so the running minimum from the top changes nothing).
    const q = benjaminiHochberg([0.005, 0.011, 0.02, 0.04, 0.13]);
    for (const [i, value] of [0.025, 0.0275, 0.03333333333333333, 0.05, 0.13].entries()) near(q[i] ?? 0, value);
    // Unsorted input keeps its order; the running minimum pulls every q down to 0.05 (5·0.05/5).
    const flat = benjaminiHochberg([0.04, 0.01, 0.03, 0.02, 0.05]);
    for (const value of flat) near(value, 0.05);
    // 0.001·4/1 = 0.004; 0.02·4/2 = 0.04; 0.5·4/3 = 0.667; 0.9·4/4 = 0.9.
    const mixed = benjaminiHochberg([0.9, 0.001, 0.5, 0.02]);
    for (const [i, value] of [0.9, 0.004, 0.6666666666666666, 0.04].entries()) near(mixed[i] ?? 0, value);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});
