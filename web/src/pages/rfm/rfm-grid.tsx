import { Chart, type ChartOption } from '../../components/chart';
import { formatInt } from '../../components/format';
import type { RfmSummary } from './types';

const SCORES = ['1', '2', '3', '4', '5'];

/** The R×F grid as a heatmap: customers per cell, each cell labelled with its group; a click picks the group. */
export function RfmGrid({
  summary,
  onPick,
}: {
  readonly summary: RfmSummary;
  readonly onPick: (group: string) => void;
}) {
  const cells = summary.grid.flatMap((row, r) =>
    row.map((customers, f) => ({ value: [f, r, customers], group: summary.gridGroups[r]?.[f] ?? '' })),
  );
  const max = Math.max(1, ...summary.grid.flat());
  const option: ChartOption = {
    tooltip: {
      formatter: (params: { data: { value: number[]; group: string } }) => {
        const [f = 0, r = 0, n = 0] = params.data.value;
        return `R${r + 1} F${f + 1}: ${formatInt(n)} customers<br/>${params.data.group}`;
      },
    },
    grid: { left: 60, right: 20, top: 10, bottom: 90 },
    xAxis: { type: 'category', data: SCORES, name: 'Frequency score', nameLocation: 'middle', nameGap: 28 },
    yAxis: { type: 'category', data: SCORES, name: 'Recency score', nameLocation: 'middle', nameGap: 36 },
    visualMap: {
      min: 0,
      max,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      inRange: { color: ['#f0f4fc', '#7fa3e6', '#1f4fb3'] },
    },
    series: [
      {
        type: 'heatmap',
        data: cells,
        label: {
          show: true,
          formatter: (params: { data: { value: number[]; group: string } }) =>
            `${formatInt(params.data.value[2] ?? 0)}\n{group|${params.data.group}}`,
          rich: { group: { fontSize: 10, lineHeight: 14, color: '#1d2330' } },
          lineHeight: 18,
          fontWeight: 600,
          color: '#1d2330',
        },
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
        emphasis: { itemStyle: { borderColor: '#1d2330', borderWidth: 2 } },
      },
    ],
  };
  return (
    <Chart
      option={option}
      height={460}
      label="RFM grid: customers per recency and frequency score, labelled with their group"
      onItemClick={(params) => {
        const group = (params.data as { group?: string } | undefined)?.group;
        if (group) onPick(group);
      }}
    />
  );
}
