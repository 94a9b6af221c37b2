import { useApi } from '../../api/use-api';
import { formatTime } from '../../components/format';
import { PageHeader, Panel } from '../../components/page';
import { Empty, Loaded } from '../../components/states';
import { Link, navigate, setQueryParam, useLocation } from '../../router';
import type { SegmentSummary } from '../segment/types';
import { MetricsTable } from './metrics-table';
import { OverlapMatrix, parseOverlapMode } from './overlap-matrix';
import { MAX_SEGMENTS, MIN_SEGMENTS, SegmentPicker } from './segment-picker';
import type { Comparison } from './types';
import '../segment/segment.css';
import './compare.css';

/** `segments=a,b` from the URL: ids, each once, at most four. */
function idsOf(query: URLSearchParams): string[] {
  const ids = (query.get('segments') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  return [...new Set(ids)].slice(0, MAX_SEGMENTS);
}

/** Keeps the choice in the URL with plain commas (`segments=a,b`), which are valid in a query and easier to read. */
function choose(ids: readonly string[]): void {
  const query = new URLSearchParams(window.location.search);
  if (ids.length === 0) query.delete('segments');
  else query.set('segments', ids.join(','));
  const search = query.toString().replaceAll('%2C', ',');
  navigate(window.location.pathname + (search ? `?${search}` : ''), { replace: true });
}

function Results({ ids }: { readonly ids: readonly string[] }) {
  const { query } = useLocation();
  const comparison = useApi<Comparison>(ids.length >= MIN_SEGMENTS ? '/api/segments/compare' : null, {
    segments: ids.join(','),
  });
  if (ids.length < MIN_SEGMENTS)
    return (
      <Empty title={ids.length === 0 ? 'Pick two to four segments to compare.' : 'Pick at least one more segment.'}>
        <p>Their figures appear side by side, with how much their members overlap.</p>
      </Empty>
    );
  return (
    <Loaded result={comparison} what="Comparing">
      {(data) => (
        <>
          <p className="muted small">
            As of {formatTime(data.asOf)}, each segment evaluated now; the best figure of each row is marked ★.
          </p>
          <Panel title="Side by side">
            <MetricsTable comparison={data} />
          </Panel>
          <Panel title="Overlap">
            <OverlapMatrix
              overlap={data.overlap}
              mode={parseOverlapMode(query.get('overlap'))}
              onMode={(mode) => setQueryParam('overlap', mode === 'both' ? null : mode)}
            />
          </Panel>
        </>
      )}
    </Loaded>
  );
}

/**
 * Two to four saved segments side by side (GET /api/segments/compare, which also answers their overlap matrix).
 * The choice is kept in the URL; ids the workspace does not hold are dropped before asking, so a stale link shows
 * what is left rather than a failed request.
 */
export function ComparePage() {
  const { query } = useLocation();
  const segments = useApi<SegmentSummary[]>('/api/segments');
  const wanted = idsOf(query);
  return (
    <>
      <PageHeader title="Compare segments" subtitle="Size, value and behaviour side by side, and who they share" />
      <Loaded result={segments} what="Loading segments">
        {(list) => {
          if (list.length < MIN_SEGMENTS)
            return (
              <Empty title="Compare needs at least two segments.">
                <p>
                  <Link href="/segments/new">Build a segment</Link> first.
                </p>
              </Empty>
            );
          const chosen = wanted
            .map((id) => list.find((segment) => segment.id === id))
            .filter((segment): segment is SegmentSummary => segment !== undefined);
          const missing = wanted.length - chosen.length;
          return (
            <>
              <Panel title="Segments">
                <SegmentPicker segments={list} chosen={chosen} onChange={choose} />
                {missing > 0 ? (
                  <p className="muted small" role="status">
                    {missing === 1
                      ? 'One linked segment no longer exists and is left out.'
                      : `${missing} linked segments no longer exist and are left out.`}
                  </p>
                ) : null}
              </Panel>
              <Results ids={chosen.map((segment) => segment.id)} />
            </>
          );
        }}
      </Loaded>
    </>
  );
}
