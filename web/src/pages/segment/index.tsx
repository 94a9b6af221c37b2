import { useState } from 'react';
import { useApi } from '../../api/use-api';
import { PageHeader } from '../../components/page';
import { Empty, Loaded } from '../../components/states';
import { Link, setQueryParam, useLocation } from '../../router';
import { ChangesTab, parseSince } from './changes-tab';
import { ExportTab } from './export-tab';
import { SegmentHeader } from './header';
import { InsightTab } from './insight-tab';
import { MembersTab } from './members-tab';
import { parseRange, SizesTab } from './sizes-tab';
import { type TabDefinition, Tabs } from './tabs';
import type { SegmentSummary } from './types';
import { WebhooksTab } from './webhooks-tab';
import './segment.css';

type TabId = 'insight' | 'sizes' | 'members' | 'changes' | 'export' | 'webhooks';

const TABS: readonly TabDefinition<TabId>[] = [
  { id: 'insight', label: 'Insight' },
  { id: 'sizes', label: 'Size over time' },
  { id: 'members', label: 'Members' },
  { id: 'changes', label: 'Changes' },
  { id: 'export', label: 'Export' },
  { id: 'webhooks', label: 'Webhooks' },
];

const parseTab = (value: string | null): TabId => TABS.find((tab) => tab.id === value)?.id ?? 'insight';

function offsetOf(value: string | null): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** The open tab's content; each tab reads its own state from the URL, so every view is a link. */
function TabContent({
  tab,
  segment,
  query,
}: {
  readonly tab: TabId;
  readonly segment: SegmentSummary;
  readonly query: URLSearchParams;
}) {
  switch (tab) {
    case 'insight':
      return <InsightTab segmentId={segment.id} />;
    case 'sizes':
      return (
        <SizesTab
          segmentId={segment.id}
          range={parseRange(query.get('range'))}
          onRange={(range) => setQueryParam('range', String(range))}
        />
      );
    case 'members':
      return (
        <MembersTab
          segmentId={segment.id}
          view={{ search: query.get('q') ?? '', offset: offsetOf(query.get('offset')), user: query.get('user') }}
        />
      );
    case 'changes':
      return (
        <ChangesTab
          segmentId={segment.id}
          since={parseSince(query.get('since'))}
          onSince={(since) => setQueryParam('since', since)}
        />
      );
    case 'export':
      return <ExportTab segment={segment} />;
    case 'webhooks':
      return <WebhooksTab segmentId={segment.id} />;
  }
}

function SegmentView({ segment, onRefreshed }: { readonly segment: SegmentSummary; readonly onRefreshed: () => void }) {
  const { query } = useLocation();
  // A refresh changes what every tab shows: remounting the tab reads it again.
  const [generation, setGeneration] = useState(0);
  const tab = parseTab(query.get('tab'));
  return (
    <>
      <SegmentHeader
        segment={segment}
        onRefreshed={() => {
          onRefreshed();
          setGeneration((n) => n + 1);
        }}
      />
      <Tabs label="Segment sections" tabs={TABS} current={tab} onChange={(next) => setQueryParam('tab', next)}>
        <TabContent key={`${tab}-${generation}`} tab={tab} segment={segment} query={query} />
      </Tabs>
    </>
  );
}

/**
 * One segment: header, rule and actions, then insight, size history, members with explain, the change feed, export
 * and webhooks. The segment is looked up in the list rather than fetched by id, so an unknown id shows a way back
 * instead of a failed request.
 */
export function SegmentPage({ id }: { readonly id: string }) {
  const segments = useApi<SegmentSummary[]>('/api/segments');
  return (
    <Loaded result={segments} what="Loading the segment">
      {(list) => {
        const segment = list.find((s) => s.id === id) ?? list.find((s) => s.name === id);
        if (!segment)
          return (
            <>
              <PageHeader title="Segment not found" />
              <Empty title={`There is no segment “${id}”.`}>
                <p>
                  It may have been deleted. <Link href="/">Back to the overview</Link>
                </p>
              </Empty>
            </>
          );
        return <SegmentView segment={segment} onRefreshed={segments.reload} />;
      }}
    </Loaded>
  );
}
