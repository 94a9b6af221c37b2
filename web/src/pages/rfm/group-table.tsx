import { formatInt, formatMoney, formatNumber, formatPercent } from '../../components/format';
import { Link } from '../../router';
import type { RfmGroupSummary, SegmentRef } from './types';

/** The trait rule a saved RFM group segment has; the group names are quoted as JSON strings, as the text form wants. */
export const groupRule = (group: string) => `rfm_segment = ${JSON.stringify(group)}`;

/** Groups with their customers, revenue shares and averages, and a segment for each (open it, or save one). */
export function GroupTable({
  groups,
  segments,
  picked,
  onSave,
}: {
  readonly groups: readonly RfmGroupSummary[];
  readonly segments: readonly SegmentRef[];
  readonly picked: string | null;
  readonly onSave: (group: string) => void;
}) {
  const bestRevenue = Math.max(...groups.map((g) => g.revenueShare ?? 0));
  return (
    <div className="table-scroll">
      <table aria-label="RFM groups">
        <thead>
          <tr>
            <th>Group</th>
            <th className="num">Customers</th>
            <th className="num">Share</th>
            <th className="num">Revenue</th>
            <th className="num">Revenue share</th>
            <th className="num" title="average days since the last order">
              Recency
            </th>
            <th className="num" title="average number of orders">
              Orders
            </th>
            <th className="num" title="average spend per customer">
              Spend
            </th>
            <th>Segment</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((group) => {
            const saved = segments.find((s) => s.text === groupRule(group.name));
            return (
              <tr
                key={group.name}
                aria-selected={picked === group.name}
                className={picked === group.name ? 'picked' : ''}
              >
                <th scope="row">{group.name}</th>
                <td className="num">{formatInt(group.customers)}</td>
                <td className="num">{formatPercent(group.customerShare)}</td>
                <td className="num">{formatMoney(group.revenue)}</td>
                <td className="num">
                  <span
                    className="bar"
                    style={{ width: `${((group.revenueShare ?? 0) / (bestRevenue || 1)) * 60}px` }}
                  />
                  {formatPercent(group.revenueShare)}
                </td>
                <td className="num">{formatNumber(group.avgRecencyDays)}</td>
                <td className="num">{formatNumber(group.avgFrequency)}</td>
                <td className="num">{formatMoney(group.avgMonetary)}</td>
                <td>
                  {saved ? (
                    <Link href={`/segments/${encodeURIComponent(saved.id)}`}>{saved.name}</Link>
                  ) : (
                    <button type="button" className="small" onClick={() => onSave(group.name)}>
                      Save as segment
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
