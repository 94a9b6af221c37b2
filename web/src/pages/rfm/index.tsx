import { useState } from 'react';
import { api, messageOf } from '../../api/client';
import { useApi } from '../../api/use-api';
import { formatDate, formatInt, formatMoney } from '../../components/format';
import { PageHeader, Panel } from '../../components/page';
import { Empty, Loaded } from '../../components/states';
import { navigate, setQueryParam, useLocation } from '../../router';
import { GroupTable, groupRule } from './group-table';
import { MigrationSankey } from './migration-sankey';
import { RfmGrid } from './rfm-grid';
import type { RfmSummary, SegmentRef, TraitMigration } from './types';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A date input's value as the start of that UTC day. */
const dayStart = (day: string) => `${day}T00:00:00Z`;

/** RFM: the R×F grid with its named groups, the groups' revenue shares, and how customers moved between groups. */
export function RfmPage() {
  const { query } = useLocation();
  const asOf = query.get('asOf') ?? '';
  const from = query.get('from') ?? isoDay(Date.now() - 90 * DAY_MS);
  const to = query.get('to') ?? isoDay(Date.now() + DAY_MS);
  const summary = useApi<RfmSummary>('/api/analytics/rfm/summary', { asOf: asOf ? dayStart(asOf) : undefined });
  const segments = useApi<SegmentRef[]>('/api/segments');
  const migration = useApi<TraitMigration>('/api/analytics/traits/rfm_segment/migration', {
    from: dayStart(from),
    to: dayStart(to),
  });
  const [picked, setPicked] = useState<string | null>(null);
  const [saving, setSaving] = useState<{ group: string; error?: string } | null>(null);

  const save = async (group: string) => {
    setSaving({ group });
    try {
      const created = await api.post<{ id: string }>('/api/segments', {
        name: `RFM: ${group}`,
        description: `Customers in the RFM group ${group}`,
        text: groupRule(group),
      });
      navigate(`/segments/${encodeURIComponent(created.id)}`);
    } catch (error) {
      setSaving({ group, error: messageOf(error) });
    }
  };

  return (
    <>
      <PageHeader
        title="RFM"
        subtitle="Recency, frequency and monetary value: who your best customers are, and who is slipping away"
        actions={
          <label>
            As of
            <input
              type="date"
              value={asOf}
              onChange={(event) => setQueryParam('asOf', event.target.value)}
              aria-describedby="rfm-as-of-hint"
            />
            <span id="rfm-as-of-hint" className="small muted">
              empty: the latest data
            </span>
          </label>
        }
      />
      {saving?.error ? (
        <p className="state error" role="alert">
          Could not save “{saving.group}”: {saving.error}
        </p>
      ) : null}
      <Loaded result={summary} what="Scoring customers">
        {(data) =>
          data.customers === 0 ? (
            <Empty title="No customers with orders yet.">
              <p>RFM needs order events (settings: orders.orderEvents). Import orders or run the demo.</p>
            </Empty>
          ) : (
            <>
              <p className="muted">
                {formatInt(data.customers)} customers, {formatMoney(data.revenue)} revenue, as of{' '}
                {formatDate(data.asOf)}. Click a cell to find its group below.
              </p>
              <div className="rfm-layout">
                <Panel title="R×F grid">
                  <RfmGrid summary={data} onPick={setPicked} />
                </Panel>
                <Panel title="Groups">
                  <GroupTable
                    groups={data.groups}
                    segments={segments.data ?? []}
                    picked={picked}
                    onSave={(group) => void save(group)}
                  />
                </Panel>
              </div>
            </>
          )
        }
      </Loaded>
      <Panel
        title="Migration between groups"
        actions={
          <>
            <label className="inline">
              From
              <input type="date" value={from} onChange={(event) => setQueryParam('from', event.target.value)} />
            </label>
            <label className="inline">
              To
              <input type="date" value={to} onChange={(event) => setQueryParam('to', event.target.value)} />
            </label>
          </>
        }
      >
        <Loaded result={migration} what="Reading the trait history">
          {(data) =>
            data.total === 0 ? (
              <Empty title="No RFM history between these dates.">
                <p>
                  Migration reads the history of the <code>rfm_segment</code> trait, written each time computed traits
                  are refreshed (<code>strata traits refresh</code>, or hourly while serving).
                </p>
              </Empty>
            ) : (
              <MigrationSankey migration={data} />
            )
          }
        </Loaded>
      </Panel>
    </>
  );
}
