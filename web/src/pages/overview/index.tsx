import { useState } from 'react';
import { api, messageOf } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formatCompact, formatDate, formatInt, formatMoney } from '../../components/format';
import { PageHeader, Panel } from '../../components/page';
import { Empty, Loaded } from '../../components/states';
import { Link } from '../../router';
import { ActivityPanel } from './activity-panel';
import { SegmentTable } from './segment-table';
import type { SegmentSummary, Stats } from './types';
import { useSizeTrends } from './use-size-trends';
import { WarningsPanel } from './warnings-panel';

function StatCards({ stats }: { readonly stats: Stats }) {
  return (
    <section className="cards" aria-label="Workspace totals">
      <div className="card stat">
        <span className="value">{formatInt(stats.profiles)}</span>
        <span className="label">profiles</span>
      </div>
      <div className="card stat">
        <span className="value">{formatInt(stats.accounts)}</span>
        <span className="label">accounts</span>
      </div>
      <div className="card stat">
        <span className="value">{formatCompact(stats.events)}</span>
        <span className="label">
          events, {formatDate(stats.firstEvent)} to {formatDate(stats.lastEvent)}
        </span>
      </div>
      <div className="card stat">
        <span className="value">{formatMoney(stats.revenue)}</span>
        <span className="label">revenue</span>
      </div>
    </section>
  );
}

/** The first page: what the workspace holds, every segment with its trend, ingestion, and what needs attention. */
export function OverviewPage() {
  const stats = useApi<Stats>('/api/stats');
  const segments = useApi<SegmentSummary[]>('/api/segments');
  const trends = useSizeTrends(segments.data);
  const [refreshing, setRefreshing] = useState<string | null>(null);

  const refreshAll = async () => {
    setRefreshing('Refreshing every segment…');
    try {
      await api.post('/api/segments/refresh', {});
      setRefreshing(null);
      segments.reload();
    } catch (error) {
      setRefreshing(`Refresh failed: ${messageOf(error)}`);
    }
  };

  return (
    <>
      <PageHeader
        title="Overview"
        subtitle="Your segments, how they move, and what needs attention"
        actions={
          <>
            <button type="button" onClick={refreshAll} disabled={refreshing === 'Refreshing every segment…'}>
              Refresh all
            </button>
            <Link className="button primary" href="/segments/new">
              New segment
            </Link>
          </>
        }
      />
      {refreshing ? (
        <p role="status" className="muted">
          {refreshing}
        </p>
      ) : null}
      <Loaded result={stats} what="Counting">
        {(data) => <StatCards stats={data} />}
      </Loaded>
      <div style={{ height: '1rem' }} />
      <Panel title="Segments" wide>
        <Loaded result={segments} what="Loading segments">
          {(list) =>
            list.length === 0 ? (
              <Empty title="No segments yet.">
                <p>
                  <Link href="/segments/new">Build your first segment</Link>, or start from the{' '}
                  <Link href="/rfm">RFM groups</Link> and <Link href="/personas">personas</Link>.
                </p>
              </Empty>
            ) : (
              <SegmentTable segments={list} trends={trends} />
            )
          }
        </Loaded>
      </Panel>
      <div className="grid two">
        <ActivityPanel />
        <WarningsPanel />
      </div>
    </>
  );
}
