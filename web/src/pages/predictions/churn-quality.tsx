import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../components/chart';
import { formatDate, formatInt, formatNumber, formatPercent } from '../../components/format';
import type { ChurnRun } from './types';

/**
 * How far to trust the churn scores: ranking quality (AUC) and accuracy (Brier) on users the model did not learn
 * from, and calibration — for each tenth of users by predicted risk, the predicted rate against what happened.
 */
export function ChurnQuality({ run }: { readonly run: ChurnRun }) {
  const { quality, data, mode } = run.stats;
  const behavioural = mode === 'behavioural';
  const auc = behavioural ? quality.heldOutAuc : quality.crossValidatedAuc;
  const brier = behavioural ? quality.heldOutBrier : quality.outOfFoldBrier;
  const churnRate = behavioural ? data.evaluationChurnRate : data.churnRate;
  const calibration = quality.calibration;

  const option = useMemo(
    (): ChartOption => ({
      animation: false,
      grid: { left: 48, right: 16, top: 40, bottom: 44 },
      legend: { top: 0, right: 0, data: ['Observed', 'Perfect calibration'] },
      tooltip: { trigger: 'item' },
      xAxis: {
        type: 'value',
        min: 0,
        max: 1,
        name: 'Predicted churn rate',
        nameLocation: 'middle',
        nameGap: 26,
        axisLabel: { formatter: (v: number) => formatPercent(v, 0) },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 1,
        name: 'Observed churn rate',
        nameTextStyle: { align: 'left' },
        axisLabel: { formatter: (v: number) => formatPercent(v, 0) },
        splitLine: { lineStyle: { color: '#eef0f4' } },
      },
      series: [
        {
          name: 'Perfect calibration',
          type: 'line',
          data: [
            [0, 0],
            [1, 1],
          ],
          symbol: 'none',
          silent: true,
          lineStyle: { type: 'dashed', color: '#9aa3b2', width: 1 },
          itemStyle: { color: '#9aa3b2' },
        },
        {
          name: 'Observed',
          type: 'line',
          data: calibration.map((bin) => [bin.meanPredicted, bin.observedRate]),
          symbolSize: 7,
          itemStyle: { color: '#3b6fd8' },
          tooltip: {
            formatter: (params: { dataIndex: number }) => {
              const bin = calibration[params.dataIndex];
              return bin
                ? `${formatInt(bin.count)} users: predicted ${formatPercent(bin.meanPredicted)}, observed ${formatPercent(bin.observedRate)}`
                : '';
            },
          },
        },
      ],
    }),
    [calibration],
  );

  return (
    <>
      <div className="cards prediction-stats">
        <div className="card stat">
          <span className="value">{formatNumber(auc)}</span>
          <span className="label">
            {behavioural ? 'AUC on held-out users' : `AUC, ${quality.folds ?? ''}-fold cross-validated`}
            {!behavioural && quality.aucSd != null ? ` (± ${formatNumber(quality.aucSd)})` : ''}
          </span>
        </div>
        <div className="card stat">
          <span className="value">{brier == null ? '–' : brier.toFixed(3)}</span>
          <span className="label">Brier score (0 is perfect)</span>
        </div>
        <div className="card stat">
          <span className="value">{formatPercent(churnRate)}</span>
          <span className="label">
            {behavioural ? 'churned in the evaluation window' : `${data.label} = ${data.positive}`}
          </span>
        </div>
      </div>
      <p className="small muted">
        {behavioural
          ? `Churned: no event in the ${data.windowDays} days after a cutoff. Trained at ${formatDate(data.trainingCutoff)}, checked on ${formatInt(data.evaluationUsers)} users at ${formatDate(data.evaluationCutoff)}.`
          : `Supervised on ${formatInt(data.labelledUsers)} labelled users.`}{' '}
        0.5 is a coin toss and 1 a perfect ranking.
      </p>
      <Chart
        option={option}
        height={260}
        label="Calibration: predicted churn rate against the observed rate, per tenth of users by predicted risk"
      />
      <details>
        <summary>Calibration as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col" className="num">
                Users
              </th>
              <th scope="col" className="num">
                Predicted
              </th>
              <th scope="col" className="num">
                Observed
              </th>
            </tr>
          </thead>
          <tbody>
            {calibration.map((bin) => (
              <tr key={`${bin.meanPredicted}-${bin.count}`}>
                <td className="num">{formatInt(bin.count)}</td>
                <td className="num">{formatPercent(bin.meanPredicted)}</td>
                <td className="num">{formatPercent(bin.observedRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
