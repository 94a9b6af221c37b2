/**
 * Discounted customer lifetime value over a finite horizon from a purchase-count model (BG/NBD) and a spend model
 * (Gamma-Gamma).
 *
 * Convention (discrete, as in the `lifetimes` package's `customer_lifetime_value`): the horizon is cut into steps
 * ending at t_i = min(i · step, horizon), i = 1..n, n = ⌈horizon / step⌉; the purchases expected within step i,
 * E[Y(t_i)] − E[Y(t_{i−1})], are all valued at the customer's expected spend and discounted as if made at the step's
 * end: CLV = Σ_i spend · (E[Y(t_i)] − E[Y(t_{i−1})]) / (1 + d)^(t_i / unitsPerYear), with d the annual rate. Finer
 * steps discount slightly less (purchases are moved to the end of shorter steps); with d = 0 the step does not
 * matter and CLV = spend · E[Y(horizon)].
 */

import { UserError } from '../../errors.js';
import type { BgNbdParams } from './bgnbd.js';
import { expectedPurchases } from './bgnbd-predictions.js';
import { expectedSpend, type GammaGammaParams } from './gamma-gamma.js';
import { type CustomerSummary, distinctRows } from './summary.js';

/** The horizon and discounting, every time in the models' unit. */
export interface LifetimeValueOptions {
  /** How far ahead to value purchases (> 0). */
  readonly horizon: number;
  /** Length of one discounting step (> 0), e.g. 4.345 weeks for monthly steps. */
  readonly step: number;
  /** Annual discount rate d ≥ 0, e.g. 0.1 for 10 % a year. */
  readonly annualDiscountRate: number;
  /** How many time units make a year (> 0), e.g. 365 for days, 52.18 for weeks. */
  readonly unitsPerYear: number;
}

/**
 * Discounted value of each customer: Σ_i spend · (E[Y(t_i)] − E[Y(t_{i−1})]) / (1 + d)^(t_i / unitsPerYear) (see
 * the module comment). `cumulativePurchases(t)` gives E[Y(t)] per customer, in the order of `spend`.
 */
export function discountedValue(
  spend: ArrayLike<number>,
  cumulativePurchases: (t: number) => ArrayLike<number>,
  options: LifetimeValueOptions,
): Float64Array {
  checkOptions(options);
  const { horizon, step, annualDiscountRate, unitsPerYear } = options;
  const n = spend.length;
  const value = new Float64Array(n);
  const previous = new Float64Array(n);
  const steps = Math.ceil(horizon / step - 1e-12);
  for (let i = 1; i <= steps; i++) {
    const t = Math.min(i * step, horizon);
    const current = cumulativePurchases(t);
    if (current.length !== n) throw new Error(`internal error: ${current.length} expectations for ${n} customers`);
    const discount = (1 + annualDiscountRate) ** (t / unitsPerYear);
    for (let k = 0; k < n; k++) {
      const c = current[k] as number;
      value[k] = (value[k] as number) + ((spend[k] as number) * (c - (previous[k] as number))) / discount;
      previous[k] = c;
    }
  }
  return value;
}

/**
 * The discounted lifetime value of every customer of `summary` over the horizon: BG/NBD conditional expectations
 * E[Y(t) | x, tx, T] times the Gamma-Gamma expected spend given (x, monetary), so the summary needs `monetary`.
 * Customers without repeat purchases are valued at the population mean spend. The value is linear in the spend, so
 * the discounted purchases are computed once per distinct (x, tx, T) history (each step costs a 2F1 series per
 * history, about a microsecond) and multiplied by each customer's spend.
 */
export function customerLifetimeValue(
  bgnbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  summary: CustomerSummary,
  options: LifetimeValueOptions,
): Float64Array {
  const { x, tx, T, monetary } = summary;
  if (!monetary) throw new Error('internal error: customerLifetimeValue needs the monetary column');
  const spend = expectedSpend(gammaGamma, x, monetary);
  const { first, group, count } = distinctRows([x, tx, T], summary.length);
  const pick = (column: Float64Array) => Float64Array.from(first, (i) => column[i] as number);
  const [ux, utx, uT] = [pick(x), pick(tx), pick(T)];
  const perUnitSpend = discountedValue(
    new Float64Array(count).fill(1),
    (t) => expectedPurchases(bgnbd, t, ux, utx, uT),
    options,
  );
  const value = new Float64Array(summary.length);
  for (let i = 0; i < summary.length; i++) {
    value[i] = (spend[i] as number) * (perUnitSpend[group[i] as number] as number);
  }
  return value;
}

function checkOptions(options: LifetimeValueOptions): void {
  const positive: (keyof LifetimeValueOptions)[] = ['horizon', 'step', 'unitsPerYear'];
  for (const key of positive) {
    const value = options[key];
    if (!(value > 0 && Number.isFinite(value))) {
      throw new UserError('invalid_option', `${key} must be a positive number, not ${value}`, `options.${key}`);
    }
  }
  const d = options.annualDiscountRate;
  if (!(d >= 0 && Number.isFinite(d))) {
    throw new UserError(
      'invalid_option',
      `annualDiscountRate must be a number ≥ 0, not ${d}`,
      'options.annualDiscountRate',
    );
  }
}
