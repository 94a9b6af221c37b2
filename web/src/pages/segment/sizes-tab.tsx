import { useMemo } from 'react';
import { useApi } from '../../api/use-api';
import { Chart, type ChartOption } from '../../components/chart';
import { formatDelta, formatInt } from '../../components/format';
import { Loaded } from '../../components/states';
import { ChoiceGroup } from './choice-group';
import type { SizeHistory } from './types';

export const RANGES = [30, 90, 365] as const;
export type Range = (typeof RANGES)[number];

export function parseRange(value: string | null): Range {
  return RANGES.find((range) => String(range) === value) ?? 90;
}

const DAY_MS = 86_400_000;

/** The first UTC day of a range of `days` days ending today. */
function firstDay(days: number): string {
  return new Date(Date.now() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
}

function SizeChart({ history }: { readonly history: SizeHistory }) {
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: history.days.map((d) => d.day) },
      yAxis: [
        { type: 'value', name: 'members', scale: true, minInterval: 1 },
        { type: 'value', name: 'moves', minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          name: 'Size',
          type: 'line',
          data: history.days.map((d) => d.size),
          symbol: 'none',
          step: 'end',
          color: '#3b6fd8',
          z: 3,
        },
        {
          name: 'Entered',
          type: 'bar',
          yAxisIndex: 1,
          stack: 'moves',
          data: history.days.map((d) => d.entered),
          color: '#1f8a4c',
        },
        {
          name: 'Exited',
          type: 'bar',
          yAxisIndex: 1,
          stack: 'moves',
          data: history.days.map((d) => -d.exited),
          color: '#c0392b',
        },
      ],
    }),
    [history],
  );
  return (
    <Chart
      option={option}
      height={320}
      label={`Size per day from ${history.days[0]?.day ?? ''} to ${history.days.at(-1)?.day ?? ''}, with entries and exits`}
    />
  );
}

/** The days that moved, as a table: what the bars say, for screen readers and for reading exact figures. */
function MovesTable({ history }: { readonly history: SizeHistory }) {
  const moved = history.days.filter((d) => d.entered > 0 || d.exited > 0).reverse();
  return (
    <details>
      <summary>Days with entries or exits ({formatInt(moved.length)})</summary>
      {moved.length === 0 ? (
        <p className="muted">No one entered or left in this range.</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col" className="num">
                  Entered
                </th>
                <th scope="col" className="num">
                  Exited
                </th>
                <th scope="col" className="num">
                  Size at the end of the day
                </th>
              </tr>
            </thead>
            <tbody>
              {moved.map((d) => (
                <tr key={d.day}>
                  <td>{d.day}</td>
                  <td className="num">{formatInt(d.entered)}</td>
                  <td className="num">{formatInt(d.exited)}</td>
                  <td className="num">{formatInt(d.size)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

function Summary({ history }: { readonly history: SizeHistory }) {
  const first = history.days[0];
  const last = history.days.at(-1);
  if (!first || !last) return null;
  const entered = history.days.reduce((sum, d) => sum + d.entered, 0);
  const exited = history.days.reduce((sum, d) => sum + d.exited, 0);
  return (
    <p>
      {formatInt(first.size)} members on {first.day}, {formatInt(last.size)} on {last.day} (
      {formatDelta(last.size - first.size)}): {formatInt(entered)} entered and {formatInt(exited)} exited.
    </p>
  );
}

/** GET /api/segments/:id/sizes: the size at the end of each day, with the day's entries and exits. */
export function SizesTab({
  segmentId,
  range,
  onRange,
}: {
  readonly segmentId: string;
  readonly range: Range;
  readonly onRange: (range: Range) => void;
}) {
  const from = firstDay(range);
  const history = useApi<SizeHistory>(`/api/segments/${encodeURIComponent(segmentId)}/sizes`, { from });
  return (
    <>
      <div className="toolbar">
        <ChoiceGroup
          legend="Range"
          name="size-range"
          choices={RANGES.map((days) => ({ value: days, label: `${days} days` }))}
          value={range}
          onChange={onRange}
        />
      </div>
      <Loaded result={history} what="Loading the size history">
        {(data) => (
          <>
            <Summary history={data} />
            <SizeChart history={data} />
            <MovesTable history={data} />
          </>
        )}
      </Loaded>
    </>
  );
}
