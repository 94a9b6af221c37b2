import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  expectedSpend,
  fitGammaGamma,
  type GammaGammaParams,
  gammaGammaLogLikelihood,
  gammaGammaLogLikelihoodGradient,
} from '../../src/models/clv/gamma-gamma.js';
import { customerSummary } from '../../src/models/clv/summary.js';
import { logGamma } from '../../src/models/math/special.js';
import { cdnowSummary } from './cdnow-summary.js';

/** Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value", on the same 946 repeat buyers. */
const PUBLISHED: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };

function expectUserError(f: () => unknown, code: string): UserError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe(code);
    expect((error as UserError).path).toBe('data');
    return error as UserError;
  }
  throw new Error(`expected UserError ${code}`);
}

describe('Gamma-Gamma on the CDNOW repeat buyers', () => {
  const data = cdnowSummary();
  const fit = fitGammaGamma(data);
  const repeat = Array.from(data.x.keys()).filter((i) => (data.x[i] as number) > 0);
  const xs = repeat.map((i) => data.x[i] as number);
  const ms = repeat.map((i) => data.monetary?.[i] as number);

  it('reproduces the published p, q and γ', () => {
    expect(fit.repeatBuyers).toBe(946);
    expect(fit.excluded).toBe(0);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.params.p - PUBLISHED.p)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.q - PUBLISHED.q)).toBeLessThan(0.01);
    expect(Math.abs(fit.params.v - PUBLISHED.v)).toBeLessThan(0.01);
  });

  it('reports the log-likelihood of the density as Fader & Hardie write it, and it is a maximum', () => {
    // f(m | x) = Γ(px + q) / (Γ(px) Γ(q)) · γ^q m^(px − 1) x^(px) / (γ + m x)^(px + q), customer by customer.
    const { p, q, v } = fit.params;
    let direct = 0;
    xs.forEach((x, i) => {
      const m = ms[i] as number;
      direct +=
        logGamma(p * x + q) -
        logGamma(p * x) -
        logGamma(q) +
        q * Math.log(v) +
        (p * x - 1) * Math.log(m) +
        p * x * Math.log(x) -
        (p * x + q) * Math.log(v + m * x);
    });
    expect(fit.logLikelihood).toBeCloseTo(direct, 8);
    for (const key of ['p', 'q', 'v'] as const) {
      for (const factor of [0.99, 1.01]) {
        expect(gammaGammaLogLikelihood({ ...fit.params, [key]: fit.params[key] * factor }, xs, ms)).toBeLessThan(
          fit.logLikelihood,
        );
      }
    }
  });

  it('has an analytic gradient equal to central differences', () => {
    for (const params of [PUBLISHED, { p: 1, q: 2, v: 3 }, { p: 0.3, q: 10, v: 100 }]) {
      const { gradient } = gammaGammaLogLikelihoodGradient(params, xs, ms);
      (['p', 'q', 'v'] as const).forEach((key, k) => {
        const h = 1e-6 * params[key];
        const up = gammaGammaLogLikelihood({ ...params, [key]: params[key] + h }, xs, ms);
        const down = gammaGammaLogLikelihood({ ...params, [key]: params[key] - h }, xs, ms);
        const numeric = (up - down) / (2 * h);
        expect(Math.abs((gradient[k] as number) - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
      });
    }
  });

  it('leaves out repeat buyers without a positive spend, and says how many', () => {
    const withZeros = customerSummary({
      x: [...data.x, 2, 1],
      tx: [...data.tx, 5, 3],
      T: [...data.T, 30, 30],
      monetary: [...(data.monetary ?? []), 0, -4],
    });
    const refit = fitGammaGamma(withZeros);
    expect(refit.excluded).toBe(2);
    expect(refit.repeatBuyers).toBe(946);
    expect(refit.params.p).toBeCloseTo(fit.params.p, 6);
  });
});

describe('Gamma-Gamma predictions', () => {
  it('gives the posterior mean spend p(γ + x m)/(px + q − 1)', () => {
    // By hand: 6.25 · (15.44 + 2 · 22.35) / (6.25 · 2 + 3.74 − 1) = 375.875 / 15.24.
    expect(expectedSpend(PUBLISHED, 2, 22.35)).toBeCloseTo(24.663714, 5);
    // No repeat purchases: the population mean pγ/(q − 1), whatever m is.
    expect(expectedSpend(PUBLISHED, 0, 0)).toBeCloseTo((6.25 * 15.44) / 2.74, 10);
    expect(expectedSpend(PUBLISHED, 0, 99)).toBe(expectedSpend(PUBLISHED, 0, 0));
    // More transactions pull the estimate towards the customer's own mean.
    const own = 80;
    const estimates = [1, 5, 50, 500].map((x) => expectedSpend(PUBLISHED, x, own));
    for (let i = 1; i < estimates.length; i++) {
      expect(Math.abs((estimates[i] as number) - own)).toBeLessThan(Math.abs((estimates[i - 1] as number) - own));
    }
    const many = expectedSpend(PUBLISHED, [0, 2], [0, 22.35]);
    expect(Array.from(many)).toEqual([expectedSpend(PUBLISHED, 0, 0), expectedSpend(PUBLISHED, 2, 22.35)]);
  });

  it('uses a density that integrates to 1 and whose mean is the population mean pγ/(q − 1)', () => {
    // ∫ f(m | x) dm and ∫ m f(m | x) dm over m = e^s, trapezoid rule on s ∈ [−25, 25].
    for (const x of [1, 3, 10]) {
      let mass = 0;
      let mean = 0;
      const h = 0.01;
      for (let s = -25; s <= 25; s += h) {
        const m = Math.exp(s);
        const density = Math.exp(gammaGammaLogLikelihood(PUBLISHED, [x], [m]));
        mass += density * m * h;
        mean += density * m * m * h;
      }
      expect(mass).toBeCloseTo(1, 6);
      expect(mean).toBeCloseTo((PUBLISHED.p * PUBLISHED.v) / (PUBLISHED.q - 1), 4);
    }
  });
});

describe('Gamma-Gamma refusals', () => {
  it('refuses fewer than 20 repeat buyers', () => {
    const few = customerSummary({
      x: Array.from({ length: 100 }, (_, i) => (i < 19 ? 2 : 0)),
      tx: Array.from({ length: 100 }, (_, i) => (i < 19 ? 4 : 0)),
      T: Array.from({ length: 100 }, () => 10),
      monetary: Array.from({ length: 100 }, (_, i) => (i < 19 ? 10 + i : 0)),
    });
    expectUserError(() => fitGammaGamma(few), 'insufficient_data');
  });

  it('refuses spend so heavy-tailed across customers that q ≤ 1 (no finite mean)', () => {
    // Mean spends spread log-uniformly over e^−3..e^3 with x of 1–3: the fit puts q near 0.55.
    const n = 200;
    const x = Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const monetary = Array.from({ length: n }, (_, i) => Math.exp(-3 + (6 * ((i * 7919) % n)) / n));
    const error = expectUserError(
      () => fitGammaGamma({ length: n, x: Float64Array.from(x), monetary: Float64Array.from(monetary) }),
      'fit_failed',
    );
    expect(error.message).toMatch(/q = 0\.\d+ ≤ 1/);
  });
});
