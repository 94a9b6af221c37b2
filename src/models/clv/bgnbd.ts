/**
 * The BG/NBD model of Fader, Hardie & Lee (2005), "'Counting Your Customers' the Easy Way: An Alternative to the
 * Pareto/NBD Model", Marketing Science 24(2), 275–284. While alive, a customer buys as a Poisson process with rate
 * λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b). Times are in the summary's
 * unit, so α is too.
 */

import { UserError } from '../../errors.js';
import { minimize } from '../math/optimize.js';
import { digamma, logGamma } from '../math/special.js';
import { type CompressedSummary, type CustomerSummary, compressSummary, groupByValue } from './summary.js';

/** Fitted BG/NBD parameters (all > 0). */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** Rows for the likelihood: a summary, or a compressed one (then each row counts `weight` times). */
export interface LikelihoodRows {
  readonly length: number;
  readonly x: Float64Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly weight?: Float64Array;
}

/** Options of {@link fitBgNbd}. */
export interface BgNbdFitOptions {
  /** BFGS iterations per start (default 500). */
  readonly maxIterations?: number;
  /** Stop when every |∂/∂ ln θ| of the mean log-likelihood per customer is below this (default 1e-7). */
  readonly gradientTolerance?: number;
}

/** A fitted BG/NBD model and how the fit went. */
export interface BgNbdFit {
  readonly params: BgNbdParams;
  /** Summed log-likelihood over all customers at `params`. */
  readonly logLikelihood: number;
  /** BFGS iterations of the start that was kept. */
  readonly iterations: number;
  readonly converged: boolean;
  readonly customers: number;
  /** Customers with x > 0. */
  readonly repeatBuyers: number;
  /** Distinct (x, tx, T) tuples the likelihood was summed over. */
  readonly distinctRows: number;
}

/** The fit refuses data with fewer customers than this… */
export const BGNBD_MIN_CUSTOMERS = 50;
/** …or fewer repeat buyers than this: the dropout and rate distributions are not identified with fewer. */
export const BGNBD_MIN_REPEAT_BUYERS = 20;

/**
 * Maximum-likelihood fit of the BG/NBD parameters by BFGS on ln(r, α, a, b) with the analytic gradient, on the
 * compressed (x, tx, T) tuples. Starts from r = α = a = b = 1; if that does not converge, from a start with α set to
 * the data's time scale. Throws `UserError('insufficient_data')` for fewer than 50 customers or 20 repeat buyers,
 * and `UserError('fit_failed')` when no start converges to finite parameters.
 */
export function fitBgNbd(data: CustomerSummary | CompressedSummary, options: BgNbdFitOptions = {}): BgNbdFit {
  const rows = 'weight' in data ? sortedByX(data) : compressSummary(data);
  const likelihood = new BgNbdLikelihood(rows);
  const { customers, repeatBuyers } = likelihood;
  if (customers < BGNBD_MIN_CUSTOMERS || repeatBuyers < BGNBD_MIN_REPEAT_BUYERS) {
    throw new UserError(
      'insufficient_data',
      `BG/NBD needs at least ${BGNBD_MIN_CUSTOMERS} customers and ${BGNBD_MIN_REPEAT_BUYERS} repeat buyers; ` +
        `the data has ${customers} customers and ${repeatBuyers} repeat buyers`,
      'data',
    );
  }
  // α is a time scale: λ ≈ r / α purchases per unit, so the second start matches the data's purchase rate.
  const scale = Math.log(Math.max(likelihood.meanAge / Math.max(likelihood.meanRepeats, 1e-3), 1e-3));
  const starts = [
    [0, 0, 0, 0],
    [0, scale, 0, 0],
    [Math.log(0.5), scale, Math.log(0.5), Math.log(2)],
  ];
  const objective = {
    value: (u: Float64Array) => -likelihood.evaluate(u, null) / customers,
    valueAndGradient: (u: Float64Array, g: Float64Array) => {
      const value = -likelihood.evaluate(u, g) / customers;
      for (let k = 0; k < 4; k++) g[k] = -(g[k] as number) / customers;
      return value;
    },
  };
  for (const start of starts) {
    const result = minimize(objective, start, {
      gradientTolerance: options.gradientTolerance ?? 1e-7,
      maxIterations: options.maxIterations ?? 500,
    });
    const params = paramsOf(result.x);
    if (!result.converged || !Object.values(params).every((v) => Number.isFinite(v) && v > 0)) continue;
    return {
      params,
      logLikelihood: -result.value * customers,
      iterations: result.iterations,
      converged: true,
      customers,
      repeatBuyers,
      distinctRows: rows.length,
    };
  }
  throw new UserError(
    'fit_failed',
    'the BG/NBD fit did not converge: the data does not pin down the purchase and dropout distributions ' +
      '(often too short a history, or almost no repeat purchases)',
    'data',
  );
}

/** The summed (weighted) BG/NBD log-likelihood of `rows` at `params`. */
export function bgNbdLogLikelihood(params: BgNbdParams, rows: LikelihoodRows): number {
  return new BgNbdLikelihood(sortedByX(rows)).evaluate(logParams(params), null);
}

/** The summed log-likelihood and its gradient with respect to (r, α, a, b), in that order. */
export function bgNbdLogLikelihoodGradient(
  params: BgNbdParams,
  rows: LikelihoodRows,
): { value: number; gradient: Float64Array } {
  const gradient = new Float64Array(4);
  const value = new BgNbdLikelihood(sortedByX(rows)).evaluate(logParams(params), gradient);
  // evaluate() gives ∂/∂ ln θ = θ ∂/∂θ.
  const theta = [params.r, params.alpha, params.a, params.b];
  for (let k = 0; k < 4; k++) gradient[k] = (gradient[k] as number) / (theta[k] as number);
  return { value, gradient };
}

function paramsOf(u: ArrayLike<number>): BgNbdParams {
  return {
    r: Math.exp(u[0] as number),
    alpha: Math.exp(u[1] as number),
    a: Math.exp(u[2] as number),
    b: Math.exp(u[3] as number),
  };
}

function logParams(p: BgNbdParams): Float64Array {
  return Float64Array.of(Math.log(p.r), Math.log(p.alpha), Math.log(p.a), Math.log(p.b));
}

/** The rows in x order (x-only terms are computed once per run of equal x), with weight 1 when none is given. */
function sortedByX(rows: LikelihoodRows): Required<LikelihoodRows> {
  const n = rows.length;
  const order = groupByValue(
    rows.x,
    Int32Array.from({ length: n }, (_, i) => i),
  );
  const pick = (column: Float64Array) => Float64Array.from(order, (i) => column[i] as number);
  return {
    length: n,
    x: pick(rows.x),
    tx: pick(rows.tx),
    T: pick(rows.T),
    weight: rows.weight ? pick(rows.weight) : new Float64Array(n).fill(1),
  };
}

/** Above this many repeat purchases the Γ ratios come from ln Γ instead of running products. */
const MAX_PRODUCT_LENGTH = 100_000;

/**
 * ln Γ(s + x) − ln Γ(s) and ψ(s + x) − ψ(s) for s = r, b and a + b, for increasing x. For whole x they are running
 * sums of ln(s + k) and 1/(s + k), k < x, extended as x grows: exact to rounding even when s is huge (a fit drifting
 * towards homogeneous dropout sends a and b to 1e8 and beyond, where ln Γ(a + b + x) − ln Γ(a + b) computed as a
 * difference would keep only a few digits and stall the optimiser).
 */
class GammaRatios {
  logR = 0;
  logB = 0;
  logAB = 0;
  psiR = 0;
  psiB = 0;
  psiAB = 0;
  private k = 0;

  constructor(
    private readonly r: number,
    private readonly b: number,
    private readonly ab: number,
    private readonly whole: boolean,
    private readonly withDigamma: boolean,
  ) {}

  advance(x: number): void {
    const { r, b, ab } = this;
    if (!this.whole) {
      this.logR = logGamma(r + x) - logGamma(r);
      this.logB = logGamma(b + x) - logGamma(b);
      this.logAB = logGamma(ab + x) - logGamma(ab);
      if (this.withDigamma) {
        this.psiR = digamma(r + x) - digamma(r);
        this.psiB = digamma(b + x) - digamma(b);
        this.psiAB = digamma(ab + x) - digamma(ab);
      }
      return;
    }
    for (; this.k < x; this.k++) {
      const k = this.k;
      this.logR += Math.log(r + k);
      this.logB += Math.log(b + k);
      this.logAB += Math.log(ab + k);
      if (this.withDigamma) {
        this.psiR += 1 / (r + k);
        this.psiB += 1 / (b + k);
        this.psiAB += 1 / (ab + k);
      }
    }
  }
}

/**
 * The summed log-likelihood over rows sorted by x, as a function of u = ln(r, α, a, b). Per customer
 *   ln L = ln Γ(r + x) − ln Γ(r) + r ln α + ln B(a, b + x) − ln B(a, b)
 *        + ln[ (α + T)^−(r+x) + δ(x > 0) · a / (b + x − 1) · (α + tx)^−(r+x) ],
 * the paper's eq. 6 with B(a + 1, b + x − 1) / B(a, b + x) = a / (b + x − 1) and the two terms added in log space.
 * The Γ and B terms depend on x alone, so they (and their digamma derivatives) are computed once per distinct x.
 */
class BgNbdLikelihood {
  readonly customers: number;
  readonly repeatBuyers: number;
  readonly meanAge: number;
  readonly meanRepeats: number;
  /** Row index where each run of equal x starts, plus a final entry = number of rows. */
  private readonly runStart: Int32Array;
  /** Every x is a whole number (not too large), so Γ ratios are finite products. */
  private readonly wholeX: boolean;

  constructor(private readonly rows: CompressedSummary | Required<LikelihoodRows>) {
    const { x, T, weight } = rows;
    let customers = 0;
    let repeatBuyers = 0;
    let age = 0;
    let repeats = 0;
    const starts: number[] = [];
    let wholeX = true;
    for (let i = 0; i < rows.length; i++) {
      if (!Number.isInteger(x[i]) || (x[i] as number) > MAX_PRODUCT_LENGTH) wholeX = false;
      const w = weight[i] as number;
      customers += w;
      if ((x[i] as number) > 0) repeatBuyers += w;
      age += w * (T[i] as number);
      repeats += w * (x[i] as number);
      if (i === 0 || x[i] !== x[i - 1]) {
        if (i > 0 && (x[i] as number) < (x[i - 1] as number)) throw new Error('internal error: rows not sorted by x');
        starts.push(i);
      }
    }
    starts.push(rows.length);
    this.runStart = Int32Array.from(starts);
    this.wholeX = wholeX;
    this.customers = customers;
    this.repeatBuyers = repeatBuyers;
    this.meanAge = age / Math.max(customers, 1);
    this.meanRepeats = repeats / Math.max(customers, 1);
  }

  /** The summed log-likelihood at u = ln θ; when `gradient` is given, writes ∂/∂u into it. */
  evaluate(u: Float64Array, gradient: Float64Array | null): number {
    const r = Math.exp(u[0] as number);
    const alpha = Math.exp(u[1] as number);
    const a = Math.exp(u[2] as number);
    const b = Math.exp(u[3] as number);
    const { x: xs, tx: txs, T: Ts, weight } = this.rows;
    const wantGradient = gradient !== null;
    const lnA = Math.log(a);
    const lnAlpha = Math.log(alpha);
    const ratios = new GammaRatios(r, b, a + b, this.wholeX, wantGradient);
    let total = 0;
    let gr = 0;
    let gAlpha = 0;
    let ga = 0;
    let gb = 0;
    for (let run = 0; run + 1 < this.runStart.length; run++) {
      const start = this.runStart[run] as number;
      const end = this.runStart[run + 1] as number;
      const x = xs[start] as number;
      const rx = r + x;
      ratios.advance(x);
      const xTerm = r * lnAlpha + ratios.logR + ratios.logB - ratios.logAB;
      const logOdds = x > 0 ? lnA - Math.log(b + x - 1) : 0;
      let runWeight = 0;
      let tail = 0;
      // Sums over the run of w·w1·ln(α+T), w·w2·ln(α+tx), w·w1/(α+T), w·w2/(α+tx) and w·w2 for the gradient.
      let sLogT = 0;
      let sLogTx = 0;
      let sInvT = 0;
      let sInvTx = 0;
      let sW2 = 0;
      for (let i = start; i < end; i++) {
        const w = weight[i] as number;
        const T = Ts[i] as number;
        const logT = Math.log(alpha + T);
        const lnA1 = -rx * logT;
        runWeight += w;
        if (x <= 0) {
          tail += w * lnA1;
          if (wantGradient) {
            sLogT += w * logT;
            sInvT += w / (alpha + T);
          }
          continue;
        }
        const tx = txs[i] as number;
        const logTx = Math.log(alpha + tx);
        const lnA2 = logOdds - rx * logTx;
        const d = lnA2 - lnA1;
        // ln(A1 + A2) and the shares w1 = A1 / (A1 + A2), w2 = A2 / (A1 + A2), from whichever term is larger.
        let w1: number;
        let w2: number;
        if (d > 0) {
          const e = Math.exp(-d);
          tail += w * (lnA2 + Math.log1p(e));
          w1 = e / (1 + e);
          w2 = 1 / (1 + e);
        } else {
          const e = Math.exp(d);
          tail += w * (lnA1 + Math.log1p(e));
          w1 = 1 / (1 + e);
          w2 = e / (1 + e);
        }
        if (wantGradient) {
          sLogT += w * w1 * logT;
          sLogTx += w * w2 * logTx;
          sInvT += (w * w1) / (alpha + T);
          sInvTx += (w * w2) / (alpha + tx);
          sW2 += w * w2;
        }
      }
      total += runWeight * xTerm + tail;
      if (wantGradient) {
        gr += runWeight * (ratios.psiR + lnAlpha) - sLogT - sLogTx;
        gAlpha += (runWeight * r) / alpha - rx * (sInvT + sInvTx);
        ga += runWeight * -ratios.psiAB + sW2 / a;
        gb += runWeight * (ratios.psiB - ratios.psiAB) - (x > 0 ? sW2 / (b + x - 1) : 0);
      }
    }
    if (gradient) {
      gradient[0] = r * gr;
      gradient[1] = alpha * gAlpha;
      gradient[2] = a * ga;
      gradient[3] = b * gb;
    }
    return total;
  }
}
