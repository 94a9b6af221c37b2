import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../components/chart';
import { formatInt, formatPercent } from '../../components/format';
import { ChoiceGroup } from '../segment/choice-group';
import type { Overlap } from './types';

export const OVERLAP_MODES = [
  { value: 'both', label: 'Members in common' },
  { value: 'jaccard', label: 'Jaccard' },
  { value: 'containment', label: 'Containment' },
] as const;
export type OverlapMode = (typeof OVERLAP_MODES)[number]['value'];

export function parseOverlapMode(value: string | null): OverlapMode {
  return OVERLAP_MODES.find((mode) => mode.value === value)?.value ?? 'both';
}

const EXPLAIN: Record<OverlapMode, string> = {
  both: 'Users in both segments; the diagonal is each segment’s size.',
  jaccard: 'Users in both over users in either: 100 % when the two are the same people.',
  containment: 'The share of the row’s members who are also in the column’s segment.',
};

/** The cell for row i, column j in a mode; null where the API says the ratio is undefined (an empty segment). */
export function cellValue(overlap: Overlap, mode: OverlapMode, i: number, j: number): number | null {
  const row = overlap.segments[i];
  const column = overlap.segments[j];
  if (!row || !column) return null;
  if (i === j) {
    if (mode === 'both') return row.size;
    return row.size > 0 ? 1 : null;
  }
  const forward = overlap.pairs.find((p) => p.a === row.id && p.b === column.id);
  const backward = overlap.pairs.find((p) => p.a === column.id && p.b === row.id);
  const pair = forward ?? backward;
  if (!pair) return null;
  if (mode === 'both') return pair.both;
  if (mode === 'jaccard') return pair.jaccard;
  return forward ? forward.aInB : (backward?.bInA ?? null);
}

export const formatCell = (mode: OverlapMode, value: number | null): string =>
  mode === 'both' ? formatInt(value) : formatPercent(value);

function Heatmap({ overlap, mode }: { readonly overlap: Overlap; readonly mode: OverlapMode }) {
  const option = useMemo<ChartOption>(() => {
    const names = overlap.segments.map((s) => s.name);
    const data: [number, number, number | null][] = [];
    const diagonal: [number, number, number | null][] = [];
    let top = 0;
    for (const [i] of names.entries())
      for (const [j] of names.entries()) {
        const value = cellValue(overlap, mode, i, j);
        if (i === j) diagonal.push([j, i, value]);
        else {
          data.push([j, i, value]);
          if (value !== null) top = Math.max(top, value);
        }
      }
    const label = {
      show: true,
      formatter: (p: { value: [number, number, number | null] }) => formatCell(mode, p.value[2]),
    };
    return {
      tooltip: {
        formatter: (params: { value: [number, number, number | null] }) => {
          const [j, i, value] = params.value;
          return `${names[i]} × ${names[j]}: ${formatCell(mode, value)}`;
        },
      },
      grid: { left: 140, right: 24, top: 8, bottom: 64 },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, width: 110, overflow: 'break' } },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 130, overflow: 'truncate' } },
      // The colour scale covers the pairs only: each segment against itself is plain grey, as it says nothing new.
      visualMap: [
        {
          show: false,
          seriesIndex: 0,
          min: 0,
          max: mode === 'both' ? Math.max(top, 1) : 1,
          inRange: { color: ['#f3f6fc', '#3b6fd8'] },
        },
        { show: false, seriesIndex: 1, min: 0, max: 1, inRange: { color: ['#eceef2', '#eceef2'] } },
      ],
      series: [
        { type: 'heatmap', data, label, itemStyle: { borderColor: '#fff', borderWidth: 2 } },
        {
          type: 'heatmap',
          data: diagonal,
          label: { ...label, color: '#5d6677' },
          itemStyle: { borderColor: '#fff', borderWidth: 2 },
        },
      ],
    };
  }, [overlap, mode]);
  return (
    <Chart
      option={option}
      height={Math.max(220, 70 * overlap.segments.length + 80)}
      label={`Overlap heatmap of ${overlap.segments.map((s) => s.name).join(', ')}: ${OVERLAP_MODES.find((m) => m.value === mode)?.label ?? ''}`}
    />
  );
}

/** The overlap of the compared segments as a heatmap and as a table with the same figures. */
export function OverlapMatrix({
  overlap,
  mode,
  onMode,
}: {
  readonly overlap: Overlap;
  readonly mode: OverlapMode;
  readonly onMode: (mode: OverlapMode) => void;
}) {
  return (
    <>
      <div className="toolbar">
        <ChoiceGroup legend="Measure" name="overlap-mode" choices={OVERLAP_MODES} value={mode} onChange={onMode} />
        <span className="muted small">{EXPLAIN[mode]}</span>
      </div>
      <div className="grid two">
        <Heatmap overlap={overlap} mode={mode} />
        <div className="table-scroll">
          <table className="segment-table compare-matrix" aria-label="Overlap matrix">
            <thead>
              <tr>
                <th scope="col">{mode === 'containment' ? 'Share of … in →' : ''}</th>
                {overlap.segments.map((segment) => (
                  <th key={segment.id} scope="col" className="num name">
                    {segment.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {overlap.segments.map((row, i) => (
                <tr key={row.id}>
                  <th scope="row">{row.name}</th>
                  {overlap.segments.map((column, j) => (
                    <td key={column.id} className={i === j ? 'num muted' : 'num'}>
                      {formatCell(mode, cellValue(overlap, mode, i, j))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
