import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../components/chart';
import { formatNumber } from '../../components/format';
import { driverLabel } from './driver-label';
import type { Driver } from './types';

const SHOWN = 10;
const RAISES = '#c0392b';
const LOWERS = '#1f8a4c';

/**
 * What moves churn risk most: the model's largest coefficients (log-odds per standard deviation, or a level against
 * its reference), as bars right (raises the risk) or left (lowers it), with the odds ratios in a table for reading.
 */
export function ChurnDrivers({ drivers }: { readonly drivers: readonly Driver[] }) {
  const top = useMemo(() => drivers.slice(0, SHOWN), [drivers]);
  const option = useMemo((): ChartOption => {
    // Categories run bottom to top: reversed, the strongest driver is at the top.
    const rows = [...top].reverse();
    return {
      animation: false,
      grid: { left: 8, right: 56, top: 8, bottom: 28, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (params: { name: string; value: number }) =>
          `${params.name}<br/>odds × ${formatNumber(Math.exp(params.value))} per step`,
      },
      xAxis: {
        type: 'value',
        name: 'log-odds',
        nameLocation: 'middle',
        nameGap: 22,
        splitLine: { lineStyle: { color: '#eef0f4' } },
      },
      yAxis: { type: 'category', data: rows.map(driverLabel), axisLabel: { width: 220, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          data: rows.map((d) => ({ value: d.coefficient, itemStyle: { color: d.coefficient > 0 ? RAISES : LOWERS } })),
          label: {
            show: true,
            position: 'right',
            formatter: (params: { value: number }) => `×${formatNumber(Math.exp(params.value))}`,
            fontSize: 11,
          },
        },
      ],
    };
  }, [top]);

  return (
    <>
      <Chart
        option={option}
        height={40 + top.length * 28}
        label={`The ${top.length} strongest drivers of churn risk: red raises it, green lowers it`}
      />
      <details>
        <summary>Drivers as a table</summary>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Driver</th>
                <th scope="col" className="num">
                  Coefficient
                </th>
                <th scope="col" className="num">
                  Odds ratio
                </th>
                <th scope="col" className="num">
                  z
                </th>
              </tr>
            </thead>
            <tbody>
              {drivers.map((d) => (
                <tr key={d.column}>
                  <th scope="row">{driverLabel(d)}</th>
                  <td className="num">{formatNumber(d.coefficient)}</td>
                  <td className="num">{formatNumber(d.oddsRatio)}</td>
                  <td className="num">{d.z === null ? '–' : formatNumber(d.z)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <p className="small muted">
        Per standard deviation of a number, or for a level against the most common one. Drivers are associations the
        model learnt, not causes.
      </p>
    </>
  );
}
