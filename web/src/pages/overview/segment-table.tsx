import { useMemo, useState } from 'react';
import { Sparkline } from '../../components/chart';
import { formatDelta, formatInt, formatTime } from '../../components/format';
import { Link } from '../../router';
import type { SegmentSummary } from './types';
import type { SizeTrend } from './use-size-trends';

type SortKey = 'name' | 'size' | 'change';

const changeClass = (change: number) => (change > 0 ? 'good' : change < 0 ? 'bad' : 'muted');

/** Every segment with its size, change over a week and a 30-day sparkline; filtered and sorted in the browser. */
export function SegmentTable({
  segments,
  trends,
}: {
  readonly segments: readonly SegmentSummary[];
  readonly trends: ReadonlyMap<string, SizeTrend>;
}) {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortKey>('size');
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const kept = segments.filter(
      (s) => needle === '' || s.name.toLowerCase().includes(needle) || s.text?.toLowerCase().includes(needle),
    );
    const value = (s: SegmentSummary) =>
      sort === 'size' ? (s.size ?? -1) : sort === 'change' ? (trends.get(s.id)?.weekChange ?? 0) : 0;
    return [...kept].sort((a, b) =>
      sort === 'name' ? a.name.localeCompare(b.name) : value(b) - value(a) || a.name.localeCompare(b.name),
    );
  }, [segments, trends, filter, sort]);

  return (
    <>
      <div className="toolbar">
        <label>
          Find a segment
          <input type="search" value={filter} onChange={(event) => setFilter(event.target.value)} />
        </label>
        <label>
          Sort by
          <select value={sort} onChange={(event) => setSort(event.target.value as SortKey)}>
            <option value="size">size</option>
            <option value="change">change this week</option>
            <option value="name">name</option>
          </select>
        </label>
      </div>
      <div className="table-scroll">
        <table aria-label="Segments">
          <thead>
            <tr>
              <th>Segment</th>
              <th className="num">Members</th>
              <th className="num">vs last week</th>
              <th style={{ width: 140 }}>Last 30 days</th>
              <th>Refreshed</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((segment) => {
              const trend = trends.get(segment.id);
              return (
                <tr key={segment.id} data-segment-id={segment.id}>
                  <td>
                    <Link href={`/segments/${encodeURIComponent(segment.id)}`}>{segment.name}</Link>{' '}
                    {segment.kind === 'static' ? <span className="badge">static</span> : null}
                    {segment.realtime ? (
                      <span className="badge good" title="updated as events arrive">
                        live
                      </span>
                    ) : null}
                    {segment.description ? <div className="muted small">{segment.description}</div> : null}
                  </td>
                  <td className="num" data-label="members">
                    {formatInt(segment.size)}
                  </td>
                  <td className="num">
                    {trend?.weekChange == null ? (
                      <span className="muted">–</span>
                    ) : (
                      <span className={changeClass(trend.weekChange)}>{formatDelta(trend.weekChange)}</span>
                    )}
                  </td>
                  <td>
                    {trend ? <Sparkline values={trend.sizes} label={`${segment.name}: size over 30 days`} /> : null}
                  </td>
                  <td className="small muted">{formatTime(segment.refreshedAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {shown.length === 0 ? <p className="muted">No segment matches “{filter}”.</p> : null}
    </>
  );
}
