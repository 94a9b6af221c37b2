import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../components/chart';
import { formatInt } from '../../components/format';
import type { OutputInfo } from './outputs';
import { opWord } from './outputs';
import type { Distribution, Threshold } from './types';

const PICKED = '#3b6fd8';
const OTHER = '#c9d6f2';

/** Whether a bin's users pass the threshold: all of them, some of them (the threshold cuts the bin), or none. */
function side(bin: { from: number; to: number }, last: boolean, threshold: Threshold): 'all' | 'some' | 'none' {
  const { op, value } = threshold;
  const top = last ? Number.POSITIVE_INFINITY : bin.to;
  if (op === '>=') return bin.from >= value ? 'all' : top > value ? 'some' : 'none';
  return top <= value ? 'all' : bin.from < value ? 'some' : 'none';
}

/**
 * A histogram of one output from the server's bins (equal widths over [min, p99], the last bin holding the tail),
 * drawn on a value axis so the threshold is a line at its exact place; the bars it selects are coloured.
 */
export function DistributionChart({
  distribution,
  info,
  threshold,
}: {
  readonly distribution: Distribution;
  readonly info: OutputInfo;
  readonly threshold: Threshold | null;
}) {
  const option = useMemo((): ChartOption => {
    const { bins } = distribution;
    const first = bins[0];
    const lastBin = bins[bins.length - 1];
    const width = first ? first.to - first.from : 0;
    const data = bins.map((bin, i) => {
      const last = i === bins.length - 1;
      const passes = threshold ? side(bin, last, threshold) : 'none';
      return {
        value: [(bin.from + bin.to) / 2, bin.count],
        range:
          last && bins.length > 1
            ? `${opWord('>=')} ${info.format(bin.from)}`
            : `${info.format(bin.from)} – ${info.format(bin.to)}`,
        itemStyle: { color: passes === 'all' ? PICKED : passes === 'some' ? '#86a7e8' : OTHER },
      };
    });
    const axisMax = lastBin ? Math.max(lastBin.to, threshold?.value ?? lastBin.to) : 1;
    return {
      animation: false,
      grid: { left: 56, right: 24, top: 28, bottom: 40 },
      tooltip: {
        trigger: 'item',
        formatter: (params: { data: { value: number[]; range: string } }) =>
          `${params.data.range}: ${formatInt(params.data.value[1] ?? 0)} users`,
      },
      xAxis: {
        type: 'value',
        min: first?.from ?? 0,
        max: width > 0 ? axisMax : (first?.from ?? 0) + 1,
        axisLabel: { formatter: (v: number) => info.format(v), hideOverlap: true },
        name: info.label,
        nameLocation: 'middle',
        nameGap: 26,
      },
      yAxis: { type: 'value', name: 'Users', minInterval: 1, splitLine: { lineStyle: { color: '#eef0f4' } } },
      series: [
        {
          type: 'bar',
          data,
          barWidth: width > 0 ? undefined : 24,
          barCategoryGap: '4%',
          markLine: threshold
            ? {
                symbol: 'none',
                silent: true,
                lineStyle: { color: '#c0392b', width: 2, type: 'solid' },
                label: { formatter: `${opWord(threshold.op)} ${info.format(threshold.value)}`, color: '#c0392b' },
                data: [{ xAxis: threshold.value }],
              }
            : undefined,
        },
      ],
    };
  }, [distribution, info, threshold]);

  const passing = threshold ? `, the users at ${opWord(threshold.op)} ${info.format(threshold.value)} highlighted` : '';
  return (
    <>
      <Chart
        option={option}
        height={260}
        label={`Histogram of ${info.noun} over ${formatInt(distribution.users)} users${passing}`}
      />
      <p className="small muted">
        Median {info.format(distribution.quantiles.p50 ?? 0)}, mean {info.format(distribution.mean ?? 0)}, 90th
        percentile {info.format(distribution.quantiles.p90 ?? 0)}, max {info.format(distribution.max ?? 0)}.
        {distribution.bins.length > 1 ? ' The last bar also holds the top 1 %.' : ''}
      </p>
    </>
  );
}
