import { defaultAsOf, defaultOrderOptions } from '../../analytics/orders.js';
import { type AnalyticsRun, type RunTrigger, recordRun } from '../../analytics/runs.js';
import { readSettings } from '../../analytics/settings.js';
import type { Engine } from '../../engines/engine.js';
import { UserError } from '../../errors.js';

import { type ClvOptions, clvOptionsSchema, parseOptions } from '../options.js';
import { type ScoresWritten, saveModelScores, type UserScores } from '../scores.js';
import { type BgNbdParams, fitBgNbd } from './bgnbd.js';
import { expectedPurchases, expectedPurchasesNew, probabilityAlive } from './bgnbd-predictions.js';
import { expectedSpend, fitGammaGamma } from './gamma-gamma.js';
import { customerLifetimeValue } from './lifetime-value.js';
import { readPurchaseDays } from './purchase-days.js';
import { customerSummary } from './summary.js';

/** Days per unit of the fit. */
const UNIT_DAYS = { day: 1, week: 7 } as const;
const DAYS_PER_YEAR = 365.25;
/** CLV is discounted month by month (30.44 days), like the usual monthly-cash-flow CLV. */
const STEP_DAYS = DAYS_PER_YEAR / 12;

export interface ClvResult {
  readonly run: AnalyticsRun;
  readonly written: ScoresWritten;
}

export interface ModelContext {
  readonly trigger?: RunTrigger;
  readonly now?: () => Date;
}

/**
 * `strata predict clv`: fits BG/NBD (purchase counts and dropout) and Gamma-Gamma (spend) to every customer's
 * purchase days before `asOf`, then writes each customer's `p_alive`, `expected_purchases` over the horizon and
 * discounted `clv` as computed traits. The run records the fitted parameters, the data window and quality figures.
 * Data that cannot support the models (too few customers or repeat buyers) is refused, and the refusal recorded.
 */
export async function predictClv(
  engine: Engine,
  workspace: string,
  input: unknown,
  context: ModelContext = {},
): Promise<ClvResult> {
  const options: ClvOptions = parseOptions(clvOptionsSchema, input);
  const now = context.now ?? (() => new Date());
  const settings = await readSettings(engine, workspace);
  const orders = settings.orders ?? defaultOrderOptions;
  // No order at all leaves no default as-of; the run is still recorded, and fails saying why.
  const found = options.asOf ? new Date(options.asOf) : await defaultAsOf(engine, workspace, orders);
  const asOf = found ?? now();
  const { run, value } = await recordRun(
    engine,
    workspace,
    {
      kind: 'clv',
      trigger: context.trigger ?? 'manual',
      params: { ...options, asOf: asOf.toISOString(), orderEvents: orders.orderEvents },
      now,
    },
    async (started) => {
      if (!found) noOrders(workspace);
      const clock = stopwatch();
      const days = await readPurchaseDays(engine, workspace, asOf, orders.orderEvents);
      const readingMs = clock();
      const unit = UNIT_DAYS[options.unit];
      const n = days.userIds.length;
      const x = days.repeatDays;
      const tx = new Float64Array(n);
      const T = new Float64Array(n);
      const monetary = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const first = days.firstDay[i] as number;
        tx[i] = ((days.lastDay[i] as number) - first) / unit;
        T[i] = (days.endDay - first) / unit;
        const repeats = x[i] as number;
        monetary[i] = repeats > 0 ? (days.repeatValue[i] as number) / repeats : 0;
      }
      const summary = customerSummary({ x, tx, T, monetary });
      const bgnbd = fitBgNbd(summary);
      const gammaGamma = fitGammaGamma(summary);
      const horizon = options.horizonDays / unit;
      const pAlive = probabilityAlive(bgnbd.params, x, tx, T);
      const purchases = expectedPurchases(bgnbd.params, horizon, x, tx, T);
      const spend = expectedSpend(gammaGamma.params, x, monetary);
      // Per distinct (x, tx, T) history: a million customers share far fewer histories.
      const clv = customerLifetimeValue(bgnbd.params, gammaGamma.params, summary, {
        horizon,
        step: STEP_DAYS / unit,
        annualDiscountRate: options.discountRate,
        unitsPerYear: DAYS_PER_YEAR / unit,
      });
      const scores: UserScores[] = days.userIds.map((userId, i) => ({
        userId,
        scores: {
          p_alive: round(pAlive[i] as number, 4),
          expected_purchases: round(purchases[i] as number, 4),
          clv: round(clv[i] as number, 2),
          expected_spend: round(spend[i] as number, 2),
        },
      }));
      const modelMs = clock();
      const written = await saveModelScores(engine, workspace, 'clv', scores, { run: started, asOf, at: now() });
      const writingMs = clock();
      const { params: bp } = bgnbd;
      const { params: gp } = gammaGamma;
      return {
        asOf,
        value: written,
        stats: {
          bgnbd: {
            r: bp.r,
            alpha: bp.alpha,
            a: bp.a,
            b: bp.b,
            log_likelihood: bgnbd.logLikelihood,
            iterations: bgnbd.iterations,
            converged: bgnbd.converged,
          },
          gamma_gamma: {
            p: gp.p,
            q: gp.q,
            v: gp.v,
            log_likelihood: gammaGamma.logLikelihood,
            iterations: gammaGamma.iterations,
            converged: gammaGamma.converged,
            mean_spend: (gp.p * gp.v) / (gp.q - 1),
          },
          unit: options.unit,
          horizonDays: options.horizonDays,
          discountRate: options.discountRate,
          data: {
            asOf: asOf.toISOString(),
            observationEnd: new Date(days.endDay * 86_400_000).toISOString().slice(0, 10),
            customers: n,
            repeatBuyers: bgnbd.repeatBuyers,
            distinctHistories: bgnbd.distinctRows,
            spendCustomers: gammaGamma.repeatBuyers,
            spendExcluded: gammaGamma.excluded,
          },
          quality: quality(x, monetary, pAlive, purchases, clv, bgnbd.params, T),
          timings: { readingMs, modelMs, writingMs },
          changes: written.changes,
          changedUsers: written.changedUsers,
          segmentsRefreshed: written.segments.map((s) => ({ id: s.segmentId, name: s.name, size: s.size })),
        },
      };
    },
  );
  return { run, written: value };
}

/** Milliseconds since the previous call (or since creation). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const at = performance.now();
    const ms = Math.round(at - last);
    last = at;
    return ms;
  };
}

function noOrders(workspace: string): never {
  throw new UserError('insufficient_data', `workspace "${workspace}" has no orders to fit a CLV model on`, 'data');
}

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/**
 * Figures that say whether the models fit the data: Gamma-Gamma assumes spend independent of frequency (Fader &
 * Hardie check the correlation between x and m_x among repeat buyers: near 0 is fine); the mean P(alive) and the
 * total expected purchases let a reader compare against the recent purchase rate.
 */
function quality(
  x: Float64Array,
  monetary: Float64Array,
  pAlive: Float64Array,
  purchases: Float64Array,
  clv: Float64Array,
  params: BgNbdParams,
  T: Float64Array,
): Record<string, number> {
  const xs: number[] = [];
  const ms: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if ((x[i] as number) > 0) {
      xs.push(x[i] as number);
      ms.push(monetary[i] as number);
    }
  }
  const sum = (values: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < values.length; i++) s += values[i] as number;
    return s;
  };
  const n = x.length;
  // In-sample check: repeat purchases observed against the model's expectation for each customer's own age T.
  const expectedRepeats = sum(T.map((age) => expectedPurchasesNew(params, age)));
  return {
    frequencySpendCorrelation: round(correlation(xs, ms), 4),
    meanPAlive: round(sum(pAlive) / n, 4),
    expectedPurchasesTotal: round(sum(purchases), 2),
    clvTotal: round(sum(clv), 2),
    clvMean: round(sum(clv) / n, 2),
    repeatPurchasesObserved: sum(x),
    repeatPurchasesExpected: round(expectedRepeats, 2),
  };
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 2) return Number.NaN;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}
