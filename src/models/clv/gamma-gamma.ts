/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee (2005), "RFM and CLV: Using Iso-Value Curves
 * for Customer Base Analysis", JMR 42(4); Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value"). Each
 * transaction value is Gamma(p, ν) with a customer's ν ~ Gamma(q, γ) (γ is `v` here), independent of how often they
 * buy. It is fitted on repeat buyers from x and the mean m_x of their repeat transactions.
 */

import { UserError } from '../../errors.js';
import { minimize } from '../math/optimize.js';
import { digamma, logGamma } from '../math/special.js';
import { type CustomerSummary, distinctRows } from './summary.js';

/** Fitted Gamma-Gamma parameters (all > 0; q > 1 after a fit, so the mean spend exists). */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  /** The scale γ of the population distribution of ν, in the spend's currency. */
  readonly v: number;
}

/** A fitted Gamma-Gamma model and how the fit went. */
export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  /** Summed log-likelihood of the repeat buyers' mean spends at `params`. */
  readonly logLikelihood: number;
  readonly iterations: number;
  readonly converged: boolean;
  /** Repeat buyers (x > 0) the model was fitted on. */
  readonly repeatBuyers: number;
  /** Repeat buyers left out because their mean repeat spend was not positive (the model needs spend > 0). */
  readonly excluded: number;
}

/** Options of {@link fitGammaGamma}. */
export interface GammaGammaFitOptions {
  /** BFGS iterations per start (default 500). */
  readonly maxIterations?: number;
  /** Stop when every |∂/∂ ln θ| of the mean log-likelihood per repeat buyer is below this (default 1e-7). */
  readonly gradientTolerance?: number;
}

/** The fit refuses data with fewer repeat buyers (with a positive mean repeat spend) than this. */
export const GAMMA_GAMMA_MIN_REPEAT_BUYERS = 20;

/**
 * Maximum-likelihood fit of (p, q, v) by BFGS on their logarithms with the analytic gradient, over the customers
 * with x > 0 and monetary > 0 (the others carry no spend information, or are impossible under the model, and are
 * counted in `excluded`). The per-customer log-density of the mean spend m of x transactions is
 *   ln Γ(px + q) − ln Γ(px) − ln Γ(q) + q ln v + (px − 1) ln m + px ln x − (px + q) ln(v + x m).
 * Throws `UserError('insufficient_data')` with fewer than 20 such customers, and `UserError('fit_failed')` when the
 * fit does not converge or gives q ≤ 1, where the expected spend is infinite.
 */
export function fitGammaGamma(
  summary: Pick<CustomerSummary, 'length' | 'x' | 'monetary'>,
  options: GammaGammaFitOptions = {},
): GammaGammaFit {
  const { monetary } = summary;
  if (!monetary) throw new Error('internal error: the Gamma-Gamma fit needs the monetary column');
  const xs: number[] = [];
  const ms: number[] = [];
  let excluded = 0;
  for (let i = 0; i < summary.length; i++) {
    const x = summary.x[i] as number;
    const m = monetary[i] as number;
    if (!(x > 0)) continue;
    if (m > 0 && Number.isFinite(m)) {
      xs.push(x);
      ms.push(m);
    } else excluded++;
  }
  const repeatBuyers = xs.length;
  if (repeatBuyers < GAMMA_GAMMA_MIN_REPEAT_BUYERS) {
    throw new UserError(
      'insufficient_data',
      `the Gamma-Gamma spend model needs at least ${GAMMA_GAMMA_MIN_REPEAT_BUYERS} repeat buyers with a positive ` +
        `mean repeat spend; the data has ${repeatBuyers}`,
      'data',
    );
  }
  const likelihood = new GammaGammaLikelihood(Float64Array.from(xs), Float64Array.from(ms));
  const objective = {
    value: (u: Float64Array) => -likelihood.evaluate(u, null) / repeatBuyers,
    valueAndGradient: (u: Float64Array, g: Float64Array) => {
      const value = -likelihood.evaluate(u, g) / repeatBuyers;
      for (let k = 0; k < 3; k++) g[k] = -(g[k] as number) / repeatBuyers;
      return value;
    },
  };
  // The second start puts v on the scale of the spend (with p = 1, q = 2 the prior mean spend is v).
  const starts = [
    [0, 0, 0],
    [0, Math.log(2), Math.log(likelihood.meanSpend)],
  ];
  for (const start of starts) {
    const result = minimize(objective, start, {
      gradientTolerance: options.gradientTolerance ?? 1e-7,
      maxIterations: options.maxIterations ?? 500,
    });
    const params = {
      p: Math.exp(result.x[0] as number),
      q: Math.exp(result.x[1] as number),
      v: Math.exp(result.x[2] as number),
    };
    if (!result.converged || !Object.values(params).every((v) => Number.isFinite(v) && v > 0)) continue;
    if (params.q <= 1) {
      throw new UserError(
        'fit_failed',
        `the Gamma-Gamma fit gives q = ${params.q.toPrecision(3)} ≤ 1, for which the expected spend is infinite: ` +
          'the spend is too heavy-tailed across customers for this model',
        'data',
      );
    }
    return {
      params,
      logLikelihood: -result.value * repeatBuyers,
      iterations: result.iterations,
      converged: true,
      repeatBuyers,
      excluded,
    };
  }
  throw new UserError('fit_failed', 'the Gamma-Gamma spend fit did not converge', 'data');
}

/** The summed Gamma-Gamma log-likelihood of customers with x > 0 and mean repeat spend m at `params`. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, x: ArrayLike<number>, m: ArrayLike<number>): number {
  return new GammaGammaLikelihood(Float64Array.from(x), Float64Array.from(m)).evaluate(
    Float64Array.of(Math.log(params.p), Math.log(params.q), Math.log(params.v)),
    null,
  );
}

/** The summed log-likelihood and its gradient with respect to (p, q, v), in that order. */
export function gammaGammaLogLikelihoodGradient(
  params: GammaGammaParams,
  x: ArrayLike<number>,
  m: ArrayLike<number>,
): { value: number; gradient: Float64Array } {
  const gradient = new Float64Array(3);
  const value = new GammaGammaLikelihood(Float64Array.from(x), Float64Array.from(m)).evaluate(
    Float64Array.of(Math.log(params.p), Math.log(params.q), Math.log(params.v)),
    gradient,
  );
  // evaluate() gives ∂/∂ ln θ = θ ∂/∂θ.
  gradient[0] = (gradient[0] as number) / params.p;
  gradient[1] = (gradient[1] as number) / params.q;
  gradient[2] = (gradient[2] as number) / params.v;
  return { value, gradient };
}

/**
 * E[mean spend | x, m_x] = p (v + x m_x) / (p x + q − 1): the posterior mean of a customer's expected transaction
 * value, a weighted average of the population mean p v / (q − 1) and their own m_x. For x = 0 it is the population
 * mean, whatever m_x is.
 */
export function expectedSpend(params: GammaGammaParams, x: number, mx: number): number;
export function expectedSpend(params: GammaGammaParams, x: ArrayLike<number>, mx: ArrayLike<number>): Float64Array;
export function expectedSpend(
  params: GammaGammaParams,
  x: number | ArrayLike<number>,
  mx: number | ArrayLike<number>,
): number | Float64Array {
  const { p, q, v } = params;
  const one = (xi: number, mi: number) => (xi > 0 ? (p * (v + xi * mi)) / (p * xi + q - 1) : (p * v) / (q - 1));
  if (typeof x === 'number') return one(x, mx as number);
  const m = mx as ArrayLike<number>;
  if (m.length !== x.length) throw new Error(`internal error: ${x.length} x values and ${m.length} spends`);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = one(x[i] as number, m[i] as number);
  return out;
}

/**
 * The log-likelihood over distinct (x, m) pairs, grouped by x so ln Γ(px + q) − ln Γ(px) and their digammas are
 * computed once per distinct x.
 */
class GammaGammaLikelihood {
  readonly meanSpend: number;
  private readonly x: Float64Array;
  private readonly logM: Float64Array;
  private readonly m: Float64Array;
  private readonly weight: Float64Array;
  private readonly runStart: Int32Array;
  /** Σ w (ln m + ln x) · x and Σ w ln m over all rows: the parts of the sum that are linear in p. */
  private readonly sumXLogMX: number;
  private readonly sumLogM: number;
  private readonly total: number;

  constructor(xs: Float64Array, ms: Float64Array) {
    const { first, weight, count } = distinctRows([xs, ms], xs.length);
    const order = Array.from({ length: count }, (_, k) => k).sort(
      (p, q) => (xs[first[p] as number] as number) - (xs[first[q] as number] as number),
    );
    this.x = Float64Array.from(order, (k) => xs[first[k] as number] as number);
    this.m = Float64Array.from(order, (k) => ms[first[k] as number] as number);
    this.weight = Float64Array.from(order, (k) => weight[k] as number);
    this.logM = this.m.map(Math.log);
    const starts: number[] = [];
    let sumXLogMX = 0;
    let sumLogM = 0;
    let total = 0;
    let spend = 0;
    for (let i = 0; i < count; i++) {
      if (i === 0 || this.x[i] !== this.x[i - 1]) starts.push(i);
      const x = this.x[i] as number;
      const w = this.weight[i] as number;
      sumXLogMX += w * x * ((this.logM[i] as number) + Math.log(x));
      sumLogM += w * (this.logM[i] as number);
      total += w;
      spend += w * (this.m[i] as number);
    }
    starts.push(count);
    this.runStart = Int32Array.from(starts);
    this.sumXLogMX = sumXLogMX;
    this.sumLogM = sumLogM;
    this.total = total;
    this.meanSpend = spend / Math.max(total, 1);
  }

  /** The summed log-likelihood at u = ln(p, q, v); when `gradient` is given, writes ∂/∂u into it. */
  evaluate(u: Float64Array, gradient: Float64Array | null): number {
    const p = Math.exp(u[0] as number);
    const q = Math.exp(u[1] as number);
    const v = Math.exp(u[2] as number);
    const lnV = Math.log(v);
    const want = gradient !== null;
    // p Σ w x (ln m + ln x) − Σ w ln m + Σ w (q ln v − ln Γ(q)), then the per-x and per-row terms.
    let total = p * this.sumXLogMX - this.sumLogM + this.total * (q * lnV - logGamma(q));
    let gp = this.sumXLogMX;
    let gq = this.total * (lnV - (want ? digamma(q) : 0));
    let gv = (this.total * q) / v;
    for (let run = 0; run + 1 < this.runStart.length; run++) {
      const start = this.runStart[run] as number;
      const end = this.runStart[run + 1] as number;
      const x = this.x[start] as number;
      const px = p * x;
      let runWeight = 0;
      let sLog = 0;
      let sInv = 0;
      for (let i = start; i < end; i++) {
        const w = this.weight[i] as number;
        const denom = v + x * (this.m[i] as number);
        runWeight += w;
        sLog += w * Math.log(denom);
        if (want) sInv += w / denom;
      }
      total += runWeight * (logGamma(px + q) - logGamma(px)) - (px + q) * sLog;
      if (want) {
        const psiPXQ = digamma(px + q);
        gp += runWeight * x * (psiPXQ - digamma(px)) - x * sLog;
        gq += runWeight * psiPXQ - sLog;
        gv -= (px + q) * sInv;
      }
    }
    if (gradient) {
      gradient[0] = p * gp;
      gradient[1] = q * gq;
      gradient[2] = v * gv;
    }
    return total;
  }
}
