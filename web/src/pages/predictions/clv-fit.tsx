import { formatDate, formatInt, formatMoney, formatNumber, formatPercent } from '../../components/format';
import type { ClvRun } from './types';

const fixed = (value: number | null | undefined, digits = 3) => (value == null ? '–' : value.toFixed(digits));

/**
 * The CLV model as fitted: BG/NBD (purchase rate r, α; dropout a, b) and Gamma-Gamma (spend p, q, v) parameters, and
 * the checks worth reading — repeat purchases the model expects against those observed, and the frequency–spend
 * correlation that Gamma-Gamma assumes to be small.
 */
export function ClvFit({ run }: { readonly run: ClvRun }) {
  const { bgnbd, gamma_gamma: spend, data, quality } = run.stats;
  const ratio = quality.repeatPurchasesExpected / Math.max(quality.repeatPurchasesObserved, 1);
  const correlation = quality.frequencySpendCorrelation;
  return (
    <>
      <div className="cards prediction-stats">
        <div className="card stat">
          <span className="value">{formatMoney(quality.clvTotal)}</span>
          <span className="label">
            CLV over the next {formatInt(run.stats.horizonDays)} days ({formatMoney(quality.clvMean)} per customer)
          </span>
        </div>
        <div className="card stat">
          <span className="value">{formatPercent(quality.meanPAlive)}</span>
          <span className="label">mean P(alive)</span>
        </div>
        <div className="card stat">
          <span className="value">{formatPercent(ratio, 0)}</span>
          <span className="label">
            repeat purchases expected vs observed ({formatInt(Math.round(quality.repeatPurchasesExpected))} /{' '}
            {formatInt(quality.repeatPurchasesObserved)})
          </span>
        </div>
      </div>
      <div className="grid two">
        <table aria-label="BG/NBD parameters">
          <caption>BG/NBD: how often customers buy, and when they drop out</caption>
          <tbody>
            <tr>
              <th scope="row">r, α (purchase rate)</th>
              <td className="num">
                {fixed(bgnbd.r)}, {fixed(bgnbd.alpha)}
              </td>
            </tr>
            <tr>
              <th scope="row">a, b (dropout)</th>
              <td className="num">
                {fixed(bgnbd.a)}, {fixed(bgnbd.b)}
              </td>
            </tr>
            <tr>
              <th scope="row">log-likelihood</th>
              <td className="num">
                {formatNumber(bgnbd.log_likelihood)} {bgnbd.converged ? '' : '(did not converge)'}
              </td>
            </tr>
          </tbody>
        </table>
        <table aria-label="Gamma-Gamma parameters">
          <caption>Gamma-Gamma: how much they spend</caption>
          <tbody>
            <tr>
              <th scope="row">p, q, v</th>
              <td className="num">
                {fixed(spend.p)}, {fixed(spend.q)}, {fixed(spend.v, 2)}
              </td>
            </tr>
            <tr>
              <th scope="row">mean spend per repeat order</th>
              <td className="num">{formatMoney(spend.mean_spend)}</td>
            </tr>
            <tr>
              <th scope="row">frequency–spend correlation</th>
              <td className={correlation !== null && Math.abs(correlation) > 0.3 ? 'num warn' : 'num'}>
                {fixed(correlation, 2)}
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <p className="small muted">
        {formatInt(data.customers)} customers ({formatInt(data.repeatBuyers)} bought again), orders up to{' '}
        {formatDate(data.observationEnd)}, times in {run.stats.unit}s, discounted at{' '}
        {formatPercent(run.stats.discountRate, 0)} a year.
        {correlation !== null && Math.abs(correlation) > 0.3
          ? ' Gamma-Gamma assumes spend does not depend on frequency; here they correlate, so CLV leans on that assumption.'
          : ''}
      </p>
    </>
  );
}
