import { formatInt, formatMoney, formatNumber, formatPercent } from '../../components/format';
import { Link } from '../../router';
import type { ComparedSegment, Comparison } from './types';

interface Row {
  readonly label: string;
  readonly value: (segment: ComparedSegment) => number | null;
  readonly format: (value: number | null) => string;
}

function rows(comparison: Comparison): Row[] {
  const conversion = comparison.conversion;
  const list: Row[] = [
    { label: 'Members', value: (s) => s.size, format: formatInt },
    { label: 'Share of all users', value: (s) => s.share, format: (v) => formatPercent(v) },
    { label: 'Revenue', value: (s) => s.revenue, format: formatMoney },
    { label: 'Share of revenue', value: (s) => s.revenueShare, format: (v) => formatPercent(v) },
    { label: 'Average order value', value: (s) => s.aov, format: formatMoney },
    { label: 'Orders per member', value: (s) => s.ordersPerMember, format: formatNumber },
    { label: 'Members who bought', value: (s) => s.buyersShare, format: (v) => formatPercent(v) },
  ];
  if (conversion)
    list.push({
      label: `Conversion ${conversion.from} → ${conversion.to}`,
      value: (s) => s.conversionRate,
      format: (v) => formatPercent(v),
    });
  list.push(
    { label: 'Retention, week 1', value: (s) => s.retentionWeek1, format: (v) => formatPercent(v) },
    { label: 'Retention, week 4', value: (s) => s.retentionWeek4, format: (v) => formatPercent(v) },
  );
  if (comparison.segments.some((s) => s.mrr !== null))
    list.push(
      { label: 'MRR', value: (s) => s.mrr, format: formatMoney },
      { label: 'ARPU (per paying member)', value: (s) => s.arpu, format: formatMoney },
    );
  return list;
}

/** The highest value of a row, when the row has one to point at: at least two figures and not all equal. */
function best(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length < 2) return null;
  const top = Math.max(...present);
  return present.every((v) => v === top) ? null : top;
}

/** Every figure of the compared segments side by side, the best of each row marked (higher is better for all). */
export function MetricsTable({ comparison }: { readonly comparison: Comparison }) {
  return (
    <div className="table-scroll">
      <table className="segment-table" aria-label="Side by side">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {comparison.segments.map((segment) => (
              <th key={segment.id} scope="col" className="num name">
                <Link href={`/segments/${encodeURIComponent(segment.id)}`}>{segment.name}</Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows(comparison).map((row) => {
            const values = comparison.segments.map(row.value);
            const top = best(values);
            return (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                {values.map((value, index) => {
                  const segment = comparison.segments[index];
                  const isBest = top !== null && value === top;
                  return (
                    <td key={segment?.id ?? index} className={isBest ? 'num compare-best' : 'num'}>
                      {row.format(value)}
                      {isBest ? (
                        <span role="img" aria-label="best">
                          {' '}
                          ★
                        </span>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
