import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  type BgNbdParams,
  bgNbdLogLikelihood,
  bgNbdLogLikelihoodGradient,
  fitBgNbd,
} from '../../src/models/clv/bgnbd.js';
import { expectedPurchases, expectedPurchasesNew, probabilityAlive } from '../../src/models/clv/bgnbd-predictions.js';
import { compressSummary, customerSummary } from '../../src/models/clv/summary.js';
import { Rng } from '../../src/models/math/random.js';
import { logBeta, logGamma } from '../../src/models/math/special.js';
import { cdnowSummary } from './cdnow-summary.js';

/** Fader, Hardie & Lee (2005), table 1 / section 4. */
const PUBLISHED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

function expectUserError(f: () => unknown, code: string, path: string): void {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe(code);
    expect((error as UserError).path).toBe(path);
    return;
  }
  throw new Error(`expected UserError ${code}`);
}

describe('BG/NBD on the CDNOW sample', () => {
  const data = cdnowSummary();
  const fit = fitBgNbd(data);

  it('reads 2,357 customers of whom 946 bought again', () => {
    expect(data.length).toBe(2357);
    expect(fit.customers).toBe(2357);
    expect(fit.repeatBuyers).toBe(946);
  });

  it('reproduces the published parameters and log-likelihood', () => {
    expect(fit.converged).toBe(true);
    // The summary's times are rounded to 2 dp, yet every parameter still rounds to the paper's 3 decimals
    // (|diff| < 0.0005; the largest is α: 4.41353 vs 4.414).
    expect(fit.params.r).toBeCloseTo(PUBLISHED.r, 3);
    expect(fit.params.alpha).toBeCloseTo(PUBLISHED.alpha, 3);
    expect(fit.params.a).toBeCloseTo(PUBLISHED.a, 3);
    expect(fit.params.b).toBeCloseTo(PUBLISHED.b, 3);
    expect(Math.abs(fit.logLikelihood - -9582.4)).toBeLessThan(0.1);
    // lifetimes' BetaGeoFitter on the same file reports r 0.242593, α 4.413532, a 0.792886, b 2.425752.
    expect(Math.abs(fit.params.r - 0.242593)).toBeLessThan(1e-5);
    expect(Math.abs(fit.params.alpha - 4.413532)).toBeLessThan(1e-4);
    expect(Math.abs(fit.params.a - 0.792886)).toBeLessThan(1e-4);
    expect(Math.abs(fit.params.b - 2.425752)).toBeLessThan(1e-4);
  });

  it('is a maximum: the log-likelihood falls when any parameter moves by 1 %', () => {
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      for (const factor of [0.99, 1.01]) {
        const moved = { ...fit.params, [key]: fit.params[key] * factor };
        expect(bgNbdLogLikelihood(moved, data)).toBeLessThan(fit.logLikelihood);
      }
    }
  });

  it('sums the same log-likelihood over compressed tuples as over customers, and as the paper writes it', () => {
    const compressed = compressSummary(data);
    expect(compressed.length).toBe(fit.distinctRows);
    expect(compressed.length).toBeLessThan(data.length);
    expect(compressed.weight.reduce((s, w) => s + w, 0)).toBe(2357);
    for (const params of [PUBLISHED, fit.params, { r: 1, alpha: 1, a: 1, b: 1 }]) {
      // Eq. 6 of the paper term by term, one customer at a time, without log-sum-exp.
      let direct = 0;
      for (let i = 0; i < data.length; i++) {
        const [x, tx, T] = [data.x[i] as number, data.tx[i] as number, data.T[i] as number];
        const { r, alpha, a, b } = params;
        const common = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) - logBeta(a, b);
        let likelihood = Math.exp(common + logBeta(a, b + x) - (r + x) * Math.log(alpha + T));
        if (x > 0) likelihood += Math.exp(common + logBeta(a + 1, b + x - 1) - (r + x) * Math.log(alpha + tx));
        direct += Math.log(likelihood);
      }
      const perCustomer = bgNbdLogLikelihood(params, data);
      const perTuple = bgNbdLogLikelihood(params, compressed);
      expect(Math.abs(perTuple - perCustomer)).toBeLessThan(1e-9 * Math.abs(perCustomer));
      expect(Math.abs(perCustomer - direct)).toBeLessThan(1e-9 * Math.abs(direct));
    }
    const refit = fitBgNbd(compressed);
    expect(refit.params.r).toBeCloseTo(fit.params.r, 8);
    expect(refit.logLikelihood).toBeCloseTo(fit.logLikelihood, 6);
  });

  it('has an analytic gradient equal to central differences', () => {
    const points: BgNbdParams[] = [PUBLISHED, { r: 1, alpha: 1, a: 1, b: 1 }, { r: 3, alpha: 20, a: 0.2, b: 8 }];
    for (const params of points) {
      const { gradient } = bgNbdLogLikelihoodGradient(params, data);
      (['r', 'alpha', 'a', 'b'] as const).forEach((key, k) => {
        const h = 1e-6 * params[key];
        const up = bgNbdLogLikelihood({ ...params, [key]: params[key] + h }, data);
        const down = bgNbdLogLikelihood({ ...params, [key]: params[key] - h }, data);
        const numeric = (up - down) / (2 * h);
        expect(Math.abs((gradient[k] as number) - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
      });
    }
  });

  it("reproduces the paper's worked example: x = 2, tx = 30.43, T = 38.86", () => {
    // "…we expect her to make 1.226 purchases over the next 39 weeks" (section 4).
    expect(expectedPurchases(PUBLISHED, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
    // By hand: 1 / (1 + 0.793/3.426 · (43.274/34.844)^2.243) = 1 / (1 + 0.23147 · 1.62563) = 0.72658.
    expect(probabilityAlive(PUBLISHED, 2, 30.43, 38.86)).toBeCloseTo(0.72658, 4);
  });

  it('gives a new customer E[X(t)] equal to integrating (1 − (α/(α + pt))^r)/p over p ~ Beta(a, b)', () => {
    // E[X(t) | λ, p] = (1 − e^(−λpt))/p; averaging over λ ~ Gamma(r, α) gives the integrand. Substituting u = p^a
    // removes the p^(a−1) singularity; Simpson's rule on 20,000 intervals.
    const { r, alpha, a, b } = PUBLISHED;
    for (const t of [10, 39, 78]) {
      const n = 20_000;
      let sum = 0;
      for (let k = 0; k <= n; k++) {
        const u = k / n;
        const p = u ** (1 / a);
        const g = p === 0 ? (r * t) / alpha : -Math.expm1(-r * Math.log1p((p * t) / alpha)) / p;
        const f = (1 - p) ** (b - 1) * g;
        sum += (k === 0 || k === n ? 1 : k % 2 === 1 ? 4 : 2) * f;
      }
      const integral = sum / (3 * n) / (a * Math.exp(logBeta(a, b)));
      expect(Math.abs(expectedPurchasesNew(PUBLISHED, t) - integral)).toBeLessThan(1e-6);
    }
  });

  it('has consistent predictions', () => {
    // A customer observed for no time at all is a new customer.
    expect(expectedPurchases(fit.params, 39, 0, 0, 0)).toBeCloseTo(expectedPurchasesNew(fit.params, 39), 12);
    expect(expectedPurchases(fit.params, 0, 2, 30.43, 38.86)).toBe(0);
    expect(probabilityAlive(fit.params, 0, 0, 38.86)).toBe(1);
    // More recent activity: more likely alive and more purchases expected.
    expect(probabilityAlive(fit.params, 2, 38, 38.86)).toBeGreaterThan(probabilityAlive(fit.params, 2, 10, 38.86));
    let previous = 0;
    for (const t of [1, 5, 20, 39, 100]) {
      const e = expectedPurchases(fit.params, t, 2, 30.43, 38.86);
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
    // The array forms equal the scalar ones.
    const all = expectedPurchases(fit.params, 39, data.x, data.tx, data.T);
    const alive = probabilityAlive(fit.params, data.x, data.tx, data.T);
    for (const i of [0, 1, 2, 100, 2356]) {
      const [x, tx, T] = [data.x[i] as number, data.tx[i] as number, data.T[i] as number];
      expect(all[i]).toBe(expectedPurchases(fit.params, 39, x, tx, T));
      expect(alive[i]).toBe(probabilityAlive(fit.params, x, tx, T));
    }
  });
});

describe('BG/NBD on simulated customers', () => {
  it('recovers the parameters it simulated from', () => {
    // 30,000 customers in continuous time: λ ~ Gamma(r, α), p ~ Beta(a, b), drop out after each purchase with p.
    const truth = { r: 0.5, alpha: 10, a: 0.7, b: 3 };
    const rng = new Rng(7);
    const gamma = (shape: number): number => {
      // Marsaglia & Tsang, with the shape < 1 boost.
      if (shape < 1) return gamma(shape + 1) * (1 - rng.next()) ** (1 / shape);
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        const z = rng.normal();
        const v = (1 + c * z) ** 3;
        if (v > 0 && Math.log(1 - rng.next()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
      }
    };
    const n = 30_000;
    const x = new Float64Array(n);
    const tx = new Float64Array(n);
    const T = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      T[i] = 20 + rng.int(80);
      const lambda = gamma(truth.r) / truth.alpha;
      const g = gamma(truth.a);
      const p = g / (g + gamma(truth.b));
      let t = 0;
      for (;;) {
        t += -Math.log(1 - rng.next()) / lambda;
        if (t > (T[i] as number)) break;
        x[i] = (x[i] as number) + 1;
        tx[i] = t;
        if (rng.next() < p) break;
      }
    }
    const fit = fitBgNbd(customerSummary({ x, tx, T }));
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.params.r / truth.r - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.alpha / truth.alpha - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.a / truth.a - 1)).toBeLessThan(0.25);
    expect(Math.abs(fit.params.b / truth.b - 1)).toBeLessThan(0.25);
  });
});

describe('BG/NBD refusals', () => {
  const rows = (n: number, repeat: number) =>
    customerSummary({
      x: Array.from({ length: n }, (_, i) => (i < repeat ? 1 + (i % 3) : 0)),
      tx: Array.from({ length: n }, (_, i) => (i < repeat ? 5 + (i % 7) : 0)),
      T: Array.from({ length: n }, (_, i) => 20 + (i % 11)),
    });

  it('refuses fewer than 20 repeat buyers or 50 customers', () => {
    expectUserError(() => fitBgNbd(rows(500, 19)), 'insufficient_data', 'data');
    expectUserError(() => fitBgNbd(rows(49, 40)), 'insufficient_data', 'data');
    expect(fitBgNbd(rows(200, 60)).customers).toBe(200);
  });

  it('reports a fit that does not converge as fit_failed', () => {
    expectUserError(() => fitBgNbd(cdnowSummary(), { maxIterations: 2 }), 'fit_failed', 'data');
  });

  it('refuses inconsistent summaries', () => {
    expectUserError(() => customerSummary({ x: [1], tx: [5], T: [3] }), 'invalid_data', 'data');
    expectUserError(() => customerSummary({ x: [0], tx: [2], T: [3] }), 'invalid_data', 'data');
    expectUserError(() => customerSummary({ x: [-1], tx: [0], T: [3] }), 'invalid_data', 'data');
    expectUserError(() => customerSummary({ x: [1.5], tx: [1], T: [3] }), 'invalid_data', 'data');
    expectUserError(() => customerSummary({ x: [1, 2], tx: [0], T: [3, 3] }), 'invalid_data', 'data');
  });
});

describe('compressSummary', () => {
  it('merges identical tuples, counts them and groups rows by increasing x', () => {
    const summary = customerSummary({
      x: [2, 0, 2, 1, 0, 2, -0],
      tx: [3, 0, 3, 1, 0, 4, 0],
      T: [9, 9, 9, 9, 8, 9, 9],
    });
    const c = compressSummary(summary);
    expect(Array.from(c.x)).toEqual([0, 0, 1, 2, 2]);
    expect(Array.from(c.tx)).toEqual([0, 0, 1, 3, 4]);
    expect(Array.from(c.T)).toEqual([9, 8, 9, 9, 9]);
    // −0 and 0 are the same purchase count.
    expect(Array.from(c.weight)).toEqual([2, 1, 1, 2, 1]);
  });
});
