import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { fitBgNbd } from '../../src/models/clv/bgnbd.js';
import { expectedPurchases } from '../../src/models/clv/bgnbd-predictions.js';
import { expectedSpend, fitGammaGamma } from '../../src/models/clv/gamma-gamma.js';
import { customerLifetimeValue, discountedValue } from '../../src/models/clv/lifetime-value.js';
import { cdnowSummary } from './cdnow-summary.js';

describe('discountedValue', () => {
  it('values each step at its end: a hand-checked case', () => {
    // Two customers expecting t/2 and t purchases by time t, spending 10 and 20; 2 yearly steps at 10 %:
    // 10·0.5/1.1 + 10·0.5/1.21 = 8.677686 and 20·1/1.1 + 20·1/1.21 = 34.710744.
    const value = discountedValue([10, 20], (t) => [t / 2, t], {
      horizon: 2,
      step: 1,
      annualDiscountRate: 0.1,
      unitsPerYear: 1,
    });
    expect(value[0]).toBeCloseTo(8.677686, 6);
    expect(value[1]).toBeCloseTo(34.710744, 6);
  });

  it('ends the last step at the horizon when the step does not divide it', () => {
    const asked: number[] = [];
    const value = discountedValue(
      [1],
      (t) => {
        asked.push(t);
        return [t];
      },
      { horizon: 2.5, step: 1, annualDiscountRate: 0.1, unitsPerYear: 1 },
    );
    expect(asked).toEqual([1, 2, 2.5]);
    expect(value[0]).toBeCloseTo(1 / 1.1 + 1 / 1.21 + 0.5 / (1.21 * Math.sqrt(1.1)), 12);
  });

  it('discounts by (1 + d)^(t / unitsPerYear): 52 weekly units at 20 % a year is one year', () => {
    const value = discountedValue([5], (t) => [t / 52], {
      horizon: 52,
      step: 52,
      annualDiscountRate: 0.2,
      unitsPerYear: 52,
    });
    expect(value[0]).toBeCloseTo(5 / 1.2, 12);
  });

  it('refuses meaningless options', () => {
    const cases = [
      [{ horizon: 0, step: 1, annualDiscountRate: 0, unitsPerYear: 1 }, 'options.horizon'],
      [{ horizon: 1, step: -1, annualDiscountRate: 0, unitsPerYear: 1 }, 'options.step'],
      [{ horizon: 1, step: 1, annualDiscountRate: -0.1, unitsPerYear: 1 }, 'options.annualDiscountRate'],
      [{ horizon: 1, step: 1, annualDiscountRate: 0, unitsPerYear: Number.NaN }, 'options.unitsPerYear'],
    ] as const;
    for (const [options, path] of cases) {
      try {
        discountedValue([1], () => [1], options);
        throw new Error('expected a refusal');
      } catch (error) {
        expect(error).toBeInstanceOf(UserError);
        expect((error as UserError).code).toBe('invalid_option');
        expect((error as UserError).path).toBe(path);
      }
    }
  });
});

describe('customerLifetimeValue on the CDNOW sample', () => {
  const data = cdnowSummary();
  const bgnbd = fitBgNbd(data).params;
  const gammaGamma = fitGammaGamma(data).params;
  const monthly = { horizon: 52, step: 52.18 / 12, unitsPerYear: 52.18 };

  it('equals expected spend × E[Y(horizon)] without discounting', () => {
    const clv = customerLifetimeValue(bgnbd, gammaGamma, data, { ...monthly, annualDiscountRate: 0 });
    const spend = expectedSpend(gammaGamma, data.x, data.monetary ?? new Float64Array(0));
    const purchases = expectedPurchases(bgnbd, 52, data.x, data.tx, data.T);
    for (let i = 0; i < data.length; i++) {
      const expected = (spend[i] as number) * (purchases[i] as number);
      expect(Math.abs((clv[i] as number) - expected)).toBeLessThan(1e-9 * Math.max(1, expected));
    }
    // The paper's worked-example customer (x = 2, tx = 30.43, T = 38.86, mean repeat spend $22.35) is row 0.
    expect(clv[0]).toBeCloseTo(expectedSpend(gammaGamma, 2, 22.35) * expectedPurchases(bgnbd, 52, 2, 30.43, 38.86), 9);
  });

  it('values customers with the same history once, with the same result as valuing each', () => {
    const options = { ...monthly, annualDiscountRate: 0.1 };
    const clv = customerLifetimeValue(bgnbd, gammaGamma, data, options);
    const spend = expectedSpend(gammaGamma, data.x, data.monetary ?? new Float64Array(0));
    const each = discountedValue(spend, (t) => expectedPurchases(bgnbd, t, data.x, data.tx, data.T), options);
    for (let i = 0; i < data.length; i++) {
      expect(Math.abs((clv[i] as number) - (each[i] as number))).toBeLessThan(1e-9 * Math.max(1, each[i] as number));
    }
  });

  it('falls as the discount rate rises, for every customer', () => {
    const none = customerLifetimeValue(bgnbd, gammaGamma, data, { ...monthly, annualDiscountRate: 0 });
    const low = customerLifetimeValue(bgnbd, gammaGamma, data, { ...monthly, annualDiscountRate: 0.1 });
    const high = customerLifetimeValue(bgnbd, gammaGamma, data, { ...monthly, annualDiscountRate: 0.3 });
    for (let i = 0; i < data.length; i++) {
      expect(none[i]).toBeGreaterThan(0);
      expect(low[i]).toBeLessThan(none[i] as number);
      expect(high[i]).toBeLessThan(low[i] as number);
      // No purchase is discounted by more than a full year at 30 %.
      expect(high[i]).toBeGreaterThan((none[i] as number) / 1.3);
    }
  });
});
