import { useMemo } from 'react';
import { useApi } from '../../api/use-api';
import { Chart, type ChartOption } from '../../components/chart';
import { formatInt, formatMoney, formatNumber, formatPercent, formatTime } from '../../components/format';
import { Panel } from '../../components/page';
import { Empty, Loaded } from '../../components/states';
import type { DistinguishingItem, Insight, NumericItem, RetentionPoint } from './types';

const SIGNIFICANCE = 0.05;
/** The event window insight compares, asked explicitly so the page can name it. */
const EVENT_DAYS = 90;

export function formatLift(lift: number | null): string {
  return lift === null ? 'members only' : `${lift.toFixed(2)}×`;
}

function formatQ(q: number): string {
  return q < 0.001 ? '< 0.001' : q.toFixed(3);
}

function Verdict({ q }: { readonly q: number }) {
  return q < SIGNIFICANCE ? (
    <span className="badge good">significant</span>
  ) : (
    <span className="badge warn">not significant</span>
  );
}

function Card({ value, label }: { readonly value: string; readonly label: string }) {
  return (
    <div className="card stat">
      <span className="value">{value}</span>
      <span className="label">{label}</span>
    </div>
  );
}

/** The figures insight gives about the members, in the order a marketer reads them. */
function Metrics({ insight }: { readonly insight: Insight }) {
  const { headline, conversion, saas } = insight;
  return (
    <section className="cards" aria-label="Metrics">
      <Card value={formatInt(headline.size)} label={`members, ${formatPercent(headline.share)} of all users`} />
      <Card value={formatMoney(headline.revenue)} label={`revenue, ${formatPercent(headline.revenueShare)} of all`} />
      <Card value={formatMoney(headline.aov)} label={`average order, over ${formatInt(headline.orders)} orders`} />
      <Card value={formatNumber(headline.ordersPerMember)} label="orders per member" />
      <Card
        value={formatPercent(headline.buyersShare)}
        label={`buyers: ${formatInt(headline.buyers)} members ordered`}
      />
      {conversion ? (
        <Card
          value={formatPercent(conversion.members.rate)}
          label={`convert ${conversion.from} → ${conversion.to}${
            conversion.withinDays === null ? '' : ` within ${conversion.withinDays} d`
          }; other users ${formatPercent(conversion.others.rate)}`}
        />
      ) : null}
      {saas ? (
        <>
          <Card value={formatMoney(saas.mrr)} label={`MRR, ${formatPercent(saas.mrrShare)} of all`} />
          <Card value={formatMoney(saas.arpu)} label={`ARPU over ${formatInt(saas.payingMembers)} paying members`} />
          <Card value={formatPercent(saas.churnRate)} label="monthly churn of paying members" />
          <Card value={formatMoney(saas.ltv)} label={saas.ltvNote ? `LTV: ${saas.ltvNote}` : 'LTV (ARPU / churn)'} />
        </>
      ) : null}
    </section>
  );
}

function ShareTable({
  items,
  kind,
}: {
  readonly items: readonly DistinguishingItem[];
  readonly kind: 'trait' | 'event';
}) {
  if (items.length === 0) return <p className="muted">Nothing was tested here.</p>;
  return (
    <div className="table-scroll">
      <table className="segment-table">
        <thead>
          <tr>
            <th scope="col">{kind === 'trait' ? 'Trait' : 'Event'}</th>
            {kind === 'trait' ? <th scope="col">Value</th> : null}
            <th scope="col" className="num">
              In segment
            </th>
            <th scope="col" className="num">
              Other users
            </th>
            <th scope="col" className="num">
              Lift
            </th>
            <th scope="col" className="num">
              q-value
            </th>
            <th scope="col">Significance</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.key}\u0000${String(item.value)}`}>
              <th scope="row">
                <code>{item.key}</code>
              </th>
              {kind === 'trait' ? <td>{String(item.value)}</td> : null}
              <td className="num" title={`${formatInt(item.countIn)} members`}>
                {formatPercent(item.shareIn)}
              </td>
              <td className="num" title={`${formatInt(item.countOut)} other users`}>
                {formatPercent(item.shareOut)}
              </td>
              <td className="num">{formatLift(item.lift)}</td>
              <td className="num">{formatQ(item.qValue)}</td>
              <td>
                <Verdict q={item.qValue} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NumericTable({ items }: { readonly items: readonly NumericItem[] }) {
  if (items.length === 0) return <p className="muted">No numeric trait was compared.</p>;
  return (
    <div className="table-scroll">
      <table className="segment-table">
        <thead>
          <tr>
            <th scope="col">Trait</th>
            <th scope="col" className="num">
              Mean in segment
            </th>
            <th scope="col" className="num">
              Mean of other users
            </th>
            <th scope="col" className="num">
              Difference
            </th>
            <th scope="col" className="num">
              q-value
            </th>
            <th scope="col">Significance</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.key}>
              <th scope="row">
                <code>{item.key}</code>
              </th>
              <td className="num">{formatNumber(item.meanIn)}</td>
              <td className="num">{formatNumber(item.meanOut)}</td>
              <td className="num">
                {item.difference > 0 ? '+' : ''}
                {formatNumber(item.difference)}
              </td>
              <td className="num">{formatQ(item.qValue)}</td>
              <td>
                <Verdict q={item.qValue} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const series = (points: readonly RetentionPoint[]) => points.map((p) => (p.share === null ? null : p.share * 100));

function RetentionChart({ insight }: { readonly insight: Insight }) {
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v == null ? '–' : `${v.toFixed(1)} %`) },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 36 },
      xAxis: {
        type: 'category',
        name: 'weeks since first event',
        nameLocation: 'middle',
        nameGap: 24,
        data: insight.retention.members.map((p) => String(p.week)),
      },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value} %' } },
      series: [
        { name: 'Members', type: 'line', data: series(insight.retention.members), color: '#3b6fd8' },
        { name: 'Other users', type: 'line', data: series(insight.retention.others), color: '#9aa3b2' },
      ],
    }),
    [insight],
  );
  return <Chart option={option} label="Retention by week since the first event, members and other users" />;
}

/** GET /api/segments/:id/insight: what the members are worth and what sets them apart from everyone else. */
export function InsightTab({ segmentId }: { readonly segmentId: string }) {
  const insight = useApi<Insight>(`/api/segments/${encodeURIComponent(segmentId)}/insight`, { days: EVENT_DAYS });
  return (
    <Loaded result={insight} what="Computing the insight">
      {(data) => {
        const { distinguishing: d } = data;
        const excluded = [...d.excluded.traits, ...d.excluded.events];
        return (
          <>
            <p className="muted small">As of {formatTime(data.asOf)}; other users are every profile not in it.</p>
            {data.warnings.length > 0 ? (
              <ul className="state empty" aria-label="Warnings">
                {data.warnings.map((warning) => (
                  <li key={warning.code}>
                    <span className={warning.severity === 'warning' ? 'badge warn' : 'badge'}>{warning.severity}</span>{' '}
                    {warning.message}
                  </li>
                ))}
              </ul>
            ) : null}
            <Metrics insight={data} />
            <div style={{ height: '1rem' }} />
            <Panel title="What sets it apart">
              <p className="muted small">
                {formatInt(d.tested)} values tested, {formatInt(d.significant)} significant (q &lt; {SIGNIFICANCE},
                Benjamini–Hochberg). Lift is the share in the segment over the share of other users.
                {excluded.length > 0 ? ` Left out because the rule reads them: ${excluded.join(', ')}.` : ''}
              </p>
              {d.tested === 0 ? (
                <Empty title="Nothing could be tested.">
                  <p>Too few members share any trait or event to compare them with other users.</p>
                </Empty>
              ) : (
                <>
                  <h3>Traits</h3>
                  <ShareTable items={d.traits} kind="trait" />
                  <h3>Events in the {EVENT_DAYS} days before</h3>
                  <ShareTable items={d.events} kind="event" />
                  <h3>Numeric traits</h3>
                  <NumericTable items={d.numericTraits} />
                </>
              )}
            </Panel>
            <Panel title="Retention">
              <RetentionChart insight={data} />
            </Panel>
          </>
        );
      }}
    </Loaded>
  );
}
